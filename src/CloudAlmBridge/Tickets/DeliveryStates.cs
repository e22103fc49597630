namespace CloudAlmBridge.Tickets;

/// <summary>The <c>deliveryState</c> values of the answer to Cloud ALM (contract §2).</summary>
internal static class DeliveryStates
{
    /// <summary>The ticket system took the change.</summary>
    public const string Delivered = "Delivered";

    /// <summary>Nothing had to be sent (a CLOSED without ticket, an UPDATED after close, an operation the mapping lacks).</summary>
    public const string Skipped = "Skipped";

    /// <summary>The ticket system refused the change or could not be reached.</summary>
    public const string Failed = "Failed";
}
