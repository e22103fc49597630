namespace CloudAlmBridge.Configuration;

public sealed class InboundOptions
{
    /// <summary>How long a Cloud ALM call waits for the ticket system before it is answered.</summary>
    public int WaitForDeliverySeconds { get; set; } = 5;

    /// <summary>Largest change message accepted; larger bodies get <c>413</c>.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}
