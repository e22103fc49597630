namespace CloudAlmBridge.Vocabulary;

/// <summary>
/// The <c>deliveryState</c> of the answer to Cloud ALM (docs/api.md §2) and of a stored delivery. Stored as its number:
/// the values are part of the schema and never change.
/// </summary>
public enum DeliveryState
{
    /// <summary>Accepted and stored; waiting for its first attempt or for an earlier event of its situation.</summary>
    Queued = 0,

    /// <summary>An attempt failed transiently; the next one is scheduled.</summary>
    Retrying = 1,

    /// <summary>The ticket system took the change.</summary>
    Delivered = 2,

    /// <summary>Nothing had to be sent (a CLOSED without ticket, an UPDATED after close, an operation the mapping lacks).</summary>
    Skipped = 3,

    /// <summary>Given up: a non-retryable answer, or MaxAttempts / MaxRetryAge reached. Can be replayed.</summary>
    DeadLettered = 4,

    /// <summary>One attempt's outcome only, never a stored delivery's state: the ticket system refused the change or could not be reached.</summary>
    Failed = 5,
}

internal static class DeliveryStateExtensions
{
    /// <summary>
    /// The pending states as an SQL list, written as the partial indexes of the migrations spell it, <c>(0, 1)</c>:
    /// a database uses a partial index only for a query that repeats its condition.
    /// </summary>
    public static readonly string PendingSql = $"({(int)DeliveryState.Queued}, {(int)DeliveryState.Retrying})";

    /// <summary>The states a stored delivery is in: the deliveries' <c>state</c>, and what the list filters by.</summary>
    public static readonly IReadOnlyList<DeliveryState> Stored =
        [DeliveryState.Queued, DeliveryState.Retrying, DeliveryState.Delivered, DeliveryState.Skipped, DeliveryState.DeadLettered];

    /// <summary>
    /// The <c>deliveryState</c> of a 2xx answer to Cloud ALM. A dead letter (<c>DeadLettered</c>) and a failed PING
    /// (<c>Failed</c>) are answered as a 502 problem that carries its <c>deliveryState</c> instead.
    /// </summary>
    public static readonly IReadOnlyList<DeliveryState> Answered =
        [DeliveryState.Queued, DeliveryState.Retrying, DeliveryState.Delivered, DeliveryState.Skipped];

    /// <summary>The outcome of one attempt, as a delivery's attempts list it.</summary>
    public static readonly IReadOnlyList<DeliveryState> AttemptOutcomes = [DeliveryState.Delivered, DeliveryState.Skipped, DeliveryState.Failed];

    public static bool IsPending(this DeliveryState state) => state is DeliveryState.Queued or DeliveryState.Retrying;

    public static bool IsFinal(this DeliveryState state) => state is DeliveryState.Delivered or DeliveryState.Skipped or DeliveryState.DeadLettered;
}
