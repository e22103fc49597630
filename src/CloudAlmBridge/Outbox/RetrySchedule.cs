using CloudAlmBridge.Configuration;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Outbox;

/// <summary>
/// When the next attempt of a delivery is due, and whether there is one (docs/api.md §3). Pure: the time, the jitter and
/// the options come in as arguments, so the schedule is tested as a table without a host.
/// </summary>
internal static class RetrySchedule
{
    /// <summary>
    /// The delivery's state after an attempt that came to <paramref name="outcome"/>: a delivered or skipped attempt
    /// finishes it; a failure that another attempt cannot mend (<paramref name="transient"/> false) dead-letters it; a
    /// transient one schedules the next attempt (<see cref="Delay"/>) unless <c>Retry-After</c> asks to wait past
    /// <c>MaxRetryAge</c>, <c>MaxAttempts</c> is reached, or the next attempt would start past <c>MaxRetryAge</c>.
    /// </summary>
    /// <param name="outcome">What the attempt came to.</param>
    /// <param name="transient">For a failure: worth another attempt later.</param>
    /// <param name="retryAfter">For a failure: how long to wait at least (the ticket system's Retry-After, a look-up's settle time).</param>
    /// <param name="failedAttempts">The delivery's attempts, this one included.</param>
    /// <param name="queuedAt">When the delivery was queued (accepted, or replayed): <c>MaxRetryAge</c> counts from then.</param>
    /// <param name="now">When the attempt ended.</param>
    /// <param name="options">The schedule's configuration.</param>
    /// <param name="jitterSample">A sample in [0, 1] that spreads the wait (<see cref="Delay"/>).</param>
    public static RetryDecision Next(AttemptOutcome outcome, bool transient, TimeSpan? retryAfter, int failedAttempts, DateTimeOffset queuedAt,
        DateTimeOffset now, DeliveryOptions options, double jitterSample)
    {
        switch (outcome)
        {
            case AttemptOutcome.Delivered:
                return new RetryDecision(DeliveryState.Delivered);
            case AttemptOutcome.Skipped:
                return new RetryDecision(DeliveryState.Skipped);
        }

        if (!transient)
        {
            return new RetryDecision(DeliveryState.DeadLettered);
        }

        if (WaitPastRetryAge(retryAfter, queuedAt, now, options))
        {
            return new RetryDecision(DeliveryState.DeadLettered, Reason:
                $"the next attempt would come after {retryAfter} (the ticket system's Retry-After, or a look-up's settle time), past Bridge:Delivery:MaxRetryAge ({options.MaxRetryAge})");
        }

        var next = now + Delay(failedAttempts, retryAfter, options, jitterSample);
        return GivesUp(failedAttempts, queuedAt, next, options)
            ? new RetryDecision(DeliveryState.DeadLettered)
            : new RetryDecision(DeliveryState.Retrying, next);
    }

    /// <summary>
    /// Exponential backoff from <c>RetryBaseDelay</c>, doubled per failed attempt, with ±20 % jitter so that deliveries
    /// failed by one outage do not return in one wave, and never longer than <c>RetryMaxDelay</c> (jitter included). A <c>Retry-After</c> may lengthen the
    /// wait (no call before the ticket system allows it), never shorten it (<c>0</c>, or a date already past on a ticket
    /// system whose clock is behind, cannot make a delivery hammer it). Every wait is bounded: one that would reach past
    /// <c>MaxRetryAge</c> dead-letters at once with that reason (<see cref="WaitPastRetryAge"/>).
    /// </summary>
    public static TimeSpan Delay(int failedAttempts, TimeSpan? retryAfter, DeliveryOptions options, double jitterSample)
    {
        var exponent = Math.Min(Math.Max(failedAttempts - 1, 0), 30);
        var cap = options.RetryMaxDelay.TotalMilliseconds;
        var backoff = Math.Min(options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), cap);
        var sample = Math.Clamp(jitterSample, 0, 1);

        // RetryMaxDelay is the longest wait, jitter included; at the cap the spread is kept below it (80 to 100 %),
        // so deliveries failed by one long outage still come back spread, not all at the cap.
        var wait = TimeSpan.FromMilliseconds(backoff >= cap ? cap * (0.8 + (0.2 * sample)) : Math.Min(backoff * (0.8 + (0.4 * sample)), cap));
        return retryAfter is { } asked && asked > wait ? asked : wait;
    }

    /// <summary>True when the ticket system asked to wait beyond what is left of <c>MaxRetryAge</c>: no attempt could come in time.</summary>
    public static bool WaitPastRetryAge(TimeSpan? retryAfter, DateTimeOffset queuedAt, DateTimeOffset now, DeliveryOptions options) =>
        retryAfter is { } asked && asked > options.MaxRetryAge - (now - queuedAt);

    /// <summary>No further attempt after <c>MaxAttempts</c>, or once the next one would start past <c>MaxRetryAge</c>.</summary>
    public static bool GivesUp(int failedAttempts, DateTimeOffset queuedAt, DateTimeOffset nextAttemptAt, DeliveryOptions options) =>
        failedAttempts >= options.MaxAttempts || nextAttemptAt - queuedAt > options.MaxRetryAge;
}
