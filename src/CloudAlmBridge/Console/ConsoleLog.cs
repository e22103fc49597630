namespace CloudAlmBridge.Console;

/// <summary>Who did what in the console: every sign-in and every action, with the operator's client name.</summary>
internal static partial class ConsoleLog
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Console: {User} signed in")]
    public static partial void SignedIn(ILogger logger, string user);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Console: sign-in refused for client {Client}: {Reason} from {RemoteAddress}")]
    public static partial void SignInRefused(ILogger logger, string client, string reason, string remoteAddress);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Information, Message = "Console: {User} signed out")]
    public static partial void SignedOut(ILogger logger, string user);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Information, Message = "Console: {User} replayed {Count} dead letter(s) ({Scope}): {DeliveryIds}")]
    public static partial void Replayed(ILogger logger, string user, int count, string scope, string deliveryIds);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Information, Message = "Console: {User} tested destination {Destination}: {Summary}")]
    public static partial void DestinationTested(ILogger logger, string user, string destination, string summary);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Information, Message = "Console: {User} saved mapping {Mapping} (version {Version})")]
    public static partial void MappingSaved(ILogger logger, string user, string mapping, long version);

    [LoggerMessage(EventId = 8107, Level = LogLevel.Warning, Message = "Console: a POST to {Path} by {User} was refused: {Reason}")]
    public static partial void AntiforgeryRejected(ILogger logger, string path, string user, string reason);

    [LoggerMessage(EventId = 8108, Level = LogLevel.Information, Message = "Console: {User} settled held situation {SituationId} on {Subscription}: {Summary}")]
    public static partial void Settled(ILogger logger, string user, string subscription, string situationId, string summary);

    [LoggerMessage(EventId = 8109, Level = LogLevel.Information, Message = "Console: {User} started maintenance window {Window}")]
    public static partial void MaintenanceStarted(ILogger logger, string user, string window);

    [LoggerMessage(EventId = 8110, Level = LogLevel.Information, Message = "Console: {User} ended maintenance window {Window}")]
    public static partial void MaintenanceEnded(ILogger logger, string user, string window);
}

/// <summary>The log category of the console's actions: <c>CloudAlmBridge.Console.ConsoleAudit</c>.</summary>
internal sealed class ConsoleAudit;
