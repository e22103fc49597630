namespace CloudAlmBridge.Maintenance;

/// <summary>The maintenance windows' log events (9001–9006): who started and ended a window, what was held and what its end did.</summary>
internal static partial class MaintenanceLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information,
        Message = "Maintenance window {Window} started by {User} until {End} ({Coverage}; at its end: {AtEnd}): {Reason}")]
    public static partial void Started(ILogger logger, string window, string user, DateTimeOffset end, string coverage, string atEnd, string reason);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information,
        Message = "Maintenance window {Window} ended early by {User}; its policy ({AtEnd}) is applied to what it held back now")]
    public static partial void Ended(ILogger logger, string window, string user, string atEnd);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information,
        Message = "Situation {SituationId} on {Subscription} held by maintenance window {Window} until {Until}: {Count} event(s) wait, unsent")]
    public static partial void Held(ILogger logger, string subscription, string situationId, string window, DateTimeOffset until, int count);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Information,
        Message = "Maintenance window {Window} is over for situation {SituationId} on {Subscription}: {Count} held event(s) {Decision}")]
    public static partial void Settled(ILogger logger, string subscription, string situationId, string window, int count, string decision);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Warning,
        Message = "The stored maintenance windows could not be read ({Reason}); the last copy is used for the answer")]
    public static partial void ReadFailed(ILogger logger, string reason);
}
