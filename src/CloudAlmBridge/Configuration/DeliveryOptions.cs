namespace CloudAlmBridge.Configuration;

public sealed class DeliveryOptions
{
    /// <summary>
    /// The largest answer read from a ticket system (1 MiB). A larger one is not read into memory: the attempt fails
    /// with that reason (for a create its outcome is unknown, and the look-up before the next attempt finds out).
    /// </summary>
    public long MaxAnswerBytes { get; set; } = 1024 * 1024;

    /// <summary>Time for one call to the ticket system.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Quick retries inside one delivery, only for calls that cannot open a second ticket.</summary>
    public int InlineRetries { get; set; } = 3;

    /// <summary>First delay of the quick retries; doubles with jitter, and a <c>Retry-After</c> takes precedence.</summary>
    public TimeSpan InlineRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound for a single wait, including one asked for by <c>Retry-After</c>.</summary>
    public TimeSpan MaxInlineRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts before a delivery is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 20;

    /// <summary>Age (since it was queued) after which a delivery is no longer retried but dead-lettered.</summary>
    public TimeSpan MaxRetryAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Wait before the second attempt of a delivery; doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between two attempts, unless the ticket system asks for longer with Retry-After.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Deliveries in flight at once per instance, over all destinations; unset, the storage's default
    /// (<see cref="ConcurrentDeliveriesOn"/>). On PostgreSQL the pool is sized from it (docs/operations.md, "Sizing
    /// PostgreSQL's connections").
    /// </summary>
    public int? MaxConcurrentDeliveries { get; set; }

    /// <summary>
    /// <see cref="MaxConcurrentDeliveries"/>, or the storage's default: on SQLite 32, what the end-to-end run showed the
    /// most from against a fast ticket system (docs/performance.md, 2026-12-07: 16 gave about 1,000 incidents/s, 32
    /// about 1,500); on PostgreSQL 8 per instance: each delivery there holds a connection for its situation's lock and
    /// sends its statements on another, and at 32 the deliveries running behind a storm took the CPU its accepts
    /// needed (the answer's p99 100–160 ms against 52 ms at 8, for 13 % fewer incidents a second: docs/performance.md,
    /// third session). Several instances add theirs up.
    /// </summary>
    public int ConcurrentDeliveriesOn(string storageProvider) =>
        MaxConcurrentDeliveries ?? (string.Equals(storageProvider, StorageOptions.PostgreSql, StringComparison.OrdinalIgnoreCase) ? 8 : 32);

    /// <summary>
    /// Calls on the wire at once to one destination: protects the ticket system and its rate limits. A slow one is not
    /// overrun by it: its 429 pauses the whole destination until its Retry-After (DestinationSlots).
    /// </summary>
    public int MaxConcurrencyPerDestination { get; set; } = 16;

    /// <summary>How often the dispatcher looks for due retries (new events wake it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a claim lasts without renewal. The owner renews it every third of this while the delivery runs, so it
    /// is how soon the claims of an instance that died (crash, SIGKILL, lost machine) are taken over by another.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);
}
