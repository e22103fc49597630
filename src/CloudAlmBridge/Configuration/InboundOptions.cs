namespace CloudAlmBridge.Configuration;

public sealed class InboundOptions
{
    /// <summary>How long a Cloud ALM call waits for the ticket system before it is answered.</summary>
    public int WaitForDeliverySeconds { get; set; } = 5;

    /// <summary>Largest change message accepted; larger bodies get <c>413</c>.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The cap on any other body: a mapping preview carries a mapping, a message and a sample answer, so four times
    /// <see cref="MaxBodyBytes"/>. Derived, not configured.
    /// </summary>
    public long MaxRequestBytes => 4 * MaxBodyBytes;
}
