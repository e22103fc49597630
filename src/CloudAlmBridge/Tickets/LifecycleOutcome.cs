using CloudAlmBridge.Storage;

namespace CloudAlmBridge.Tickets;

/// <summary>What handling one change message did to its situation's ticket.</summary>
/// <param name="Link">The ticket link after the event; null when there is none (a skipped CLOSED, a PING without ticket).</param>
/// <param name="DeliveryState">Delivered, Skipped, or Failed (one attempt); see <see cref="Tickets.DeliveryState"/>.</param>
/// <param name="Action">What was done: Create, Update, Close, Delete, Ping, Link (an existing ticket was found), or None.</param>
/// <param name="TicketCreated">True when this event opened the ticket.</param>
/// <param name="Error">The failure with the ticket system's own message, when <paramref name="DeliveryState"/> is Failed.</param>
/// <param name="TargetStatusCode">The ticket system's HTTP status of a failure; null when it did not answer.</param>
/// <param name="Transient">For a failure: worth another attempt later (no answer, 408, 429, 5xx).</param>
/// <param name="RetryAfter">For a failure: what the ticket system asked for with Retry-After.</param>
/// <param name="Note">What the delivery's record should say besides its state: why nothing was sent, or what is missing.</param>
internal sealed record LifecycleOutcome(
    TicketLink? Link,
    DeliveryState DeliveryState,
    string Action,
    bool TicketCreated = false,
    string? Error = null,
    int? TargetStatusCode = null,
    bool Transient = false,
    TimeSpan? RetryAfter = null,
    string? Note = null);
