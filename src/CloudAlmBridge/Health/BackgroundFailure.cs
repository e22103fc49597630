namespace CloudAlmBridge.Health;

/// <summary>
/// What a background loop does with an exception it did not expect: the host stops with exit code 1 and one error
/// line, so a supervisor that restarts on failure (systemd, Kubernetes, compose's <c>restart</c>) restarts the bridge.
/// Left alone, .NET stops the host and the process exits with 0, which looks like a requested stop.
/// </summary>
internal static partial class BackgroundFailure
{
    public static void StopTheHost(IHostApplicationLifetime lifetime, ILogger logger, string loop, Exception exception)
    {
        LoopFailed(logger, loop, exception);
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Critical, Message = "The {Loop} stopped on an unexpected error; the bridge stops with exit code 1 so that it is restarted")]
    private static partial void LoopFailed(ILogger logger, string loop, Exception exception);
}
