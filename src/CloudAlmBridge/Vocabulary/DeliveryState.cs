namespace CloudAlmBridge.Vocabulary;

/// <summary>
/// The state of a stored delivery, and the <c>deliveryState</c> of the answer to Cloud ALM for an accepted event
/// (docs/api.md §2). Stored as its number: the values are part of the schema and never change. What one attempt came to
/// is an <see cref="AttemptOutcome"/>; 5 is its <c>Failed</c>, never a delivery's state.
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
}

internal static class DeliveryStateExtensions
{
    /// <summary>
    /// The pending states as an SQL list, written as the partial indexes of the migrations spell it, <c>(0, 1)</c>:
    /// a database uses a partial index only for a query that repeats its condition.
    /// </summary>
    public static readonly string PendingSql = $"({(int)DeliveryState.Queued}, {(int)DeliveryState.Retrying})";

    public static bool IsPending(this DeliveryState state) => state is DeliveryState.Queued or DeliveryState.Retrying;

    public static bool IsFinal(this DeliveryState state) => state is DeliveryState.Delivered or DeliveryState.Skipped or DeliveryState.DeadLettered;
}
