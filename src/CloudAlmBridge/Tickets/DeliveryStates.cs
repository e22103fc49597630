namespace CloudAlmBridge.Tickets;

/// <summary>The <c>deliveryState</c> values of the answer to Cloud ALM (contract §2) and of stored deliveries.</summary>
internal static class DeliveryStates
{
    /// <summary>The ticket system took the change.</summary>
    public const string Delivered = "Delivered";

    /// <summary>Nothing had to be sent (a CLOSED without ticket, an UPDATED after close, an operation the mapping lacks).</summary>
    public const string Skipped = "Skipped";

    /// <summary>The ticket system refused the change or could not be reached (one attempt).</summary>
    public const string Failed = "Failed";

    /// <summary>Accepted and stored; waiting for its first attempt or for an earlier event of its situation.</summary>
    public const string Queued = "Queued";

    /// <summary>An attempt failed transiently; the next one is scheduled.</summary>
    public const string Retrying = "Retrying";

    /// <summary>Given up: a non-retryable answer, or MaxAttempts / MaxRetryAge reached. Can be replayed.</summary>
    public const string DeadLettered = "DeadLettered";

    public static bool IsPending(string state) => state is Queued or Retrying;

    public static bool IsFinal(string state) => state is Delivered or Skipped or DeadLettered;
}
