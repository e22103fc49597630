namespace CloudAlmBridge.Configuration;

internal static partial class ConfigurationLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Configuration reloaded; in force: {Subscriptions}")]
    public static partial void Reloaded(ILogger logger, string subscriptions);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void UnknownSetting(ILogger logger, string warning);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information,
        Message = "CloudAlmBridge is ready: {Subscriptions}; storage {Storage}; instance {Instance}, listening on {Addresses}, its files (appsettings, mappings, relative paths) in {ContentRoot}{Swagger}")]
    public static partial void Started(ILogger logger, string subscriptions, string storage, string instance, string addresses, string contentRoot,
        string swagger);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "No subscription is configured: every event is answered 404 until one is (Bridge:Subscriptions, see docs/configuration.md)")]
    public static partial void NoSubscription(ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Bridge:Security:AllowAnonymousEvents is on: anyone who reaches the bridge can post events without credentials")]
    public static partial void AnonymousEventsAllowed(ILogger logger);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning,
        Message = "{Key} changed, but it is read at start: the bridge goes on with the value it started with; it needs a restart (docs/configuration.md lists the keys read at start)")]
    public static partial void NeedsRestart(ILogger logger, string key);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning,
        Message = "The current directory {Directory} holds {Files}, which this bridge does not read: its files are in {ContentRoot}. To go on with those, start it with --contentRoot {Directory}")]
    public static partial void FilesInTheCurrentDirectory(ILogger logger, string directory, string files, string contentRoot);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Configuration change rejected, the last good configuration stays in force: {Errors}")]
    public static partial void ReloadRejected(ILogger logger, string errors);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Bridge:Security:Tokens:SigningKey is not set: tokens from POST /oauth/token are signed with a random key of this instance, refused by other instances and after a restart")]
    public static partial void EphemeralSigningKey(ILogger logger);
}
