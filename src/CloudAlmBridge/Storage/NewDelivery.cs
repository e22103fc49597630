namespace CloudAlmBridge.Storage;

/// <summary>A change message to accept. <see cref="DedupeKey"/> is the situation's update time, or the body hash.</summary>
internal sealed record NewDelivery(string Subscription, string SituationId, string EventType, string DedupeKey, string BodyHash,
    string Message, DateTimeOffset AcceptedAt);
