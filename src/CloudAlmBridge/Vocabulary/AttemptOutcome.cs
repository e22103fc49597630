namespace CloudAlmBridge.Vocabulary;

/// <summary>
/// What one attempt of a delivery came to (one run of the lifecycle, a PING included): the <c>outcome</c> of a
/// delivery's attempts list, stored by name in <c>delivery_attempts</c>. Not a delivery's state: the outbox's retry
/// schedule turns it into one. The numbers are those <see cref="DeliveryState"/> gave these outcomes before they had a
/// type of their own, and never change.
/// </summary>
public enum AttemptOutcome
{
    /// <summary>The ticket system took the change.</summary>
    Delivered = 2,

    /// <summary>Nothing had to be sent (a CLOSED without ticket, an UPDATED after close, an operation the mapping lacks).</summary>
    Skipped = 3,

    /// <summary>The ticket system refused the change or could not be reached; transient or not, the dispatcher decides what follows.</summary>
    Failed = 5,

    /// <summary>
    /// The bridge would not send it: its own configuration cannot make this call (the mapping lacks the operation or
    /// addresses another host, the ticket's id was never read, no transition the workflow offers is named). Nothing was
    /// sent and waiting changes nothing: the delivery is dead-lettered at once.
    /// </summary>
    Refused = 6,
}
