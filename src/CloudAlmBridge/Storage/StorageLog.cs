namespace CloudAlmBridge.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Retention removed {Count} delivered or skipped deliveries finished more than {Days} days ago")]
    public static partial void RetentionRemoved(ILogger logger, int count, int days);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Retention could not remove old deliveries this time ({Reason}); the next sweep tries again")]
    public static partial void RetentionFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error,
        Message = "The storage cannot take events now: {Reason}. Calls that need it are answered 503 with Retry-After, nothing is accepted, and this is logged again when it is back")]
    public static partial void OutageBegan(ILogger logger, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning,
        Message = "The storage takes events again after {Duration}; {Refused} call(s) were answered 503 meanwhile")]
    public static partial void OutageEnded(ILogger logger, TimeSpan duration, long refused);
}
