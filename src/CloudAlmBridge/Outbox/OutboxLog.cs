namespace CloudAlmBridge.Outbox;

internal static partial class OutboxLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "Delivery {DeliveryId} for situation {SituationId} on {Subscription}: attempt {Attempt} failed, next attempt at {NextAttemptAt}")]
    public static partial void RetryScheduled(ILogger logger, long deliveryId, string subscription, string situationId, int attempt, DateTimeOffset nextAttemptAt);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error,
        Message = "Delivery {DeliveryId} for situation {SituationId} on {Subscription} dead-lettered after {Attempts} attempt(s): {Error}")]
    public static partial void DeadLettered(ILogger logger, long deliveryId, string subscription, string situationId, int attempts, string error);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "The dispatcher could not reach the storage; it tries again (the outage itself is logged once, event 7003)")]
    public static partial void DispatcherStorageError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Delivery {DeliveryId} failed inside the bridge; it is retried")]
    public static partial void DeliveryCrashed(ILogger logger, long deliveryId, Exception exception);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Delivery {DeliveryId} replayed by {User}")]
    public static partial void Replayed(ILogger logger, long deliveryId, string user);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Released {Count} expired delivery lease(s) left by an instance that stopped without finishing them")]
    public static partial void ExpiredLeasesReleased(ILogger logger, int count);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Delivery {DeliveryId}: the lease could not be renewed ({Reason}); it is tried again until the lease runs out")]
    public static partial void LeaseRenewalFailed(ILogger logger, long deliveryId, string reason);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning,
        Message = "Delivery {DeliveryId} for situation {SituationId}: its claim was taken over by another instance, so this instance stopped working on it")]
    public static partial void ClaimLostDuringRun(ILogger logger, long deliveryId, string situationId);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning,
        Message = "Delivery {DeliveryId} for situation {SituationId}: the attempt ended {Outcome}, but its claim had been taken over, so the new owner's result stands")]
    public static partial void ResultDiscarded(ILogger logger, long deliveryId, string situationId, string outcome);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning,
        Message = "Delivery {DeliveryId}: its lease ran out while it was still running here and this instance claimed it again; the running attempt goes on under the new claim")]
    public static partial void ClaimAdopted(ILogger logger, long deliveryId);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Debug,
        Message = "Delivery {DeliveryId} was interrupted by the storage ({Reason}); it is retried (the outage itself is logged once, event 7003)")]
    public static partial void DeliveryInterruptedByStorage(ILogger logger, long deliveryId, string reason);
}
