namespace CloudAlmBridge.Mapping;

/// <summary>The change message event types Cloud ALM sends for event situations.</summary>
public static class EventTypes
{
    public const string Prefix = "EVENT-SITUATION.";
    public const string Created = "EVENT-SITUATION.CREATED";
    public const string Updated = "EVENT-SITUATION.UPDATED";
    public const string Closed = "EVENT-SITUATION.CLOSED";
    public const string Deleted = "EVENT-SITUATION.DELETED";
    public const string Ping = "EVENT-SITUATION.PING";

    public static IReadOnlyList<string> All { get; } = [Created, Updated, Closed, Deleted, Ping];

    /// <summary><c>CREATED</c> for <c>EVENT-SITUATION.CREATED</c>: how a sentence names the event.</summary>
    public static string ShortName(string eventType) =>
        eventType.StartsWith(Prefix, StringComparison.Ordinal) ? eventType[Prefix.Length..] : eventType;
}
