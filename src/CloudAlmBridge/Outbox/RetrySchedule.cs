using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Outbox;

/// <summary>When the next attempt of a delivery is due, and whether there is one (contract §3).</summary>
internal static class RetrySchedule
{
    /// <summary>
    /// Exponential backoff from <c>RetryBaseDelay</c>, doubled per failed attempt up to <c>RetryMaxDelay</c>, with ±20 %
    /// jitter so that deliveries failed by one outage do not return in one wave. A <c>Retry-After</c> is honoured as
    /// given, even beyond <c>RetryMaxDelay</c>: the ticket system knows its own limits.
    /// </summary>
    public static TimeSpan Delay(int failedAttempts, TimeSpan? retryAfter, DeliveryOptions options, double jitterSample)
    {
        if (retryAfter is { } asked)
        {
            return asked < TimeSpan.Zero ? TimeSpan.Zero : asked;
        }

        var exponent = Math.Min(Math.Max(failedAttempts - 1, 0), 30);
        var backoff = Math.Min(options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), options.RetryMaxDelay.TotalMilliseconds);
        var jitter = 0.8 + (0.4 * Math.Clamp(jitterSample, 0, 1));
        return TimeSpan.FromMilliseconds(backoff * jitter);
    }

    /// <summary>No further attempt after <c>MaxAttempts</c>, or once the next one would start past <c>MaxRetryAge</c>.</summary>
    public static bool GivesUp(int failedAttempts, DateTimeOffset queuedAt, DateTimeOffset nextAttemptAt, DeliveryOptions options) =>
        failedAttempts >= options.MaxAttempts || nextAttemptAt - queuedAt > options.MaxRetryAge;
}
