using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Outbox;

/// <summary>What follows an attempt (<see cref="RetrySchedule.Next"/>): the delivery's state, and when its next attempt is due.</summary>
/// <param name="State">Delivered or Skipped as the attempt ended; Retrying, or DeadLettered, after a failure.</param>
/// <param name="NextAttemptAt">When the next attempt is due; only for <see cref="DeliveryState.Retrying"/>.</param>
/// <param name="Reason">
/// Why the delivery is dead-lettered, where the attempt's own error does not say it (a wait past <c>MaxRetryAge</c>);
/// recorded after that error.
/// </param>
internal sealed record RetryDecision(DeliveryState State, DateTimeOffset? NextAttemptAt = null, string? Reason = null);
