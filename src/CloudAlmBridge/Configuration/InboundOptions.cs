namespace CloudAlmBridge.Configuration;

public sealed class InboundOptions
{
    /// <summary>How long a Cloud ALM call waits for the ticket system before it is answered.</summary>
    public int WaitForDeliverySeconds { get; set; } = 5;

    /// <summary>
    /// How long storing an event may take (10 s): longer, and the call is answered <c>503</c> with <c>Retry-After</c>
    /// instead of waiting on a locked table or a storage that does not answer, well before a caller such as Cloud ALM
    /// gives up itself. The event is then stored or not at all; a resend is answered like the original if it was.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Calls storing their event at once, those waiting for the storage included (128): a storm of new situations is
    /// taken in one group commit, while a storage that is stuck does not gather an unbounded queue of callers. One more
    /// is answered <c>503</c> with <c>Retry-After</c> at once. On PostgreSQL those beyond the pool's connections wait for
    /// one, each at most <see cref="StoreTimeout"/> (see the pool sizing rule in docs/operations.md).
    /// </summary>
    public int MaxConcurrentStores { get; set; } = 128;

    /// <summary>The TLS-terminating proxies whose forwarded headers are believed; none by default.</summary>
    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    /// <summary>Largest change message accepted; larger bodies get <c>413</c>.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The cap on any other body: a mapping preview carries a mapping, a message and a sample answer, so four times
    /// <see cref="MaxBodyBytes"/>. Derived, not configured.
    /// </summary>
    public long MaxRequestBytes => 4 * MaxBodyBytes;
}
