namespace CloudAlmBridge.Configuration;

public sealed class DeliveryOptions
{
    /// <summary>Time for one call to the ticket system.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Quick retries inside one delivery, only for calls that cannot open a second ticket.</summary>
    public int InlineRetries { get; set; } = 3;

    /// <summary>First delay of the quick retries; doubles with jitter, and a <c>Retry-After</c> takes precedence.</summary>
    public TimeSpan InlineRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound for a single wait, including one asked for by <c>Retry-After</c>.</summary>
    public TimeSpan MaxInlineRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts before a delivery is dead-lettered (used by the durable outbox).</summary>
    public int MaxAttempts { get; set; } = 20;

    /// <summary>Age after which a delivery is no longer retried (used by the durable outbox).</summary>
    public TimeSpan MaxRetryAge { get; set; } = TimeSpan.FromHours(24);
}
