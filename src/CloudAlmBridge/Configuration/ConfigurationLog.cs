namespace CloudAlmBridge.Configuration;

internal static partial class ConfigurationLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Configuration reloaded; in force: {Subscriptions}")]
    public static partial void Reloaded(ILogger logger, string subscriptions);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void UnknownSetting(ILogger logger, string warning);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "CloudAlmBridge is ready: {Subscriptions}; storage {Storage}{Swagger}")]
    public static partial void Started(ILogger logger, string subscriptions, string storage, string swagger);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "No subscription is configured: every event is answered 404 until one is (Bridge:Subscriptions, see docs/configuration.md)")]
    public static partial void NoSubscription(ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Bridge:Security:AllowAnonymousEvents is on: anyone who reaches the bridge can post events without credentials")]
    public static partial void AnonymousEventsAllowed(ILogger logger);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Configuration change rejected, the last good configuration stays in force: {Errors}")]
    public static partial void ReloadRejected(ILogger logger, string errors);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Bridge:Security:Tokens:SigningKey is not set: tokens from POST /oauth/token are signed with a random key of this instance, refused by other instances and after a restart")]
    public static partial void EphemeralSigningKey(ILogger logger);
}
