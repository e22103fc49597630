namespace CloudAlmBridge.Vocabulary;

/// <summary>
/// A change message to accept. <see cref="DedupeKey"/> is the situation's update time, or the body hash;
/// <see cref="TraceParent"/> the W3C trace context of the call that brought it, when it was traced.
/// </summary>
internal sealed record NewDelivery(string Subscription, string SituationId, string EventType, string DedupeKey, string BodyHash,
    string Message, DateTimeOffset AcceptedAt, string? TraceParent = null);
