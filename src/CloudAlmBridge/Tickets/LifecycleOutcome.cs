using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Tickets;

/// <summary>What handling one change message did to its situation's ticket.</summary>
/// <param name="Link">The situation after the event; null when nothing is known of it (a PING without ticket).</param>
/// <param name="Outcome">What this attempt came to; the dispatcher turns it into the delivery's state.</param>
/// <param name="Action">What was done to the ticket.</param>
/// <param name="TicketCreated">True when this event opened the ticket.</param>
/// <param name="Error">The failure with the ticket system's own message, when <paramref name="Outcome"/> is Failed.</param>
/// <param name="TargetStatusCode">The ticket system's HTTP status of a failure; null when it did not answer.</param>
/// <param name="Transient">For a failure: worth another attempt later (no answer, 408, 429, 5xx, a search still settling).</param>
/// <param name="RetryAfter">For a failure: how long to wait at least (the ticket system's Retry-After, a search's settle time).</param>
/// <param name="Note">What the delivery's record should say besides its state: why nothing was sent, or what is missing.</param>
internal sealed record LifecycleOutcome(
    TicketLink? Link,
    AttemptOutcome Outcome,
    LifecycleAction Action,
    bool TicketCreated = false,
    string? Error = null,
    int? TargetStatusCode = null,
    bool Transient = false,
    TimeSpan? RetryAfter = null,
    string? Note = null);

/// <summary>What an event did to its ticket; stored by name as the delivery's <c>action</c>.</summary>
internal enum LifecycleAction
{
    /// <summary>Nothing was sent.</summary>
    None,

    /// <summary>The ticket was created.</summary>
    Create,

    /// <summary>The ticket already existed in the ticket system and was linked.</summary>
    Link,

    /// <summary>
    /// A ticket the bridge had resolved for another situation of the same service and event (a flap) was reopened and
    /// linked instead of a create.
    /// </summary>
    Reopen,

    /// <summary>
    /// The situation joined an open group of its grouping key: a note on the group's ticket, and the situation linked
    /// to it instead of a create (answered <c>Grouped</c>).
    /// </summary>
    Group,

    Update,

    Close,

    Delete,

    /// <summary>A note on the ticket (DELETED without a DELETED operation; a group member whose rating rose).</summary>
    Note,

    /// <summary>The ticket was read (PING).</summary>
    Ping,

    /// <summary>The situation was held: nothing can settle whether its create made a ticket.</summary>
    Hold,
}
