using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Maintenance;

/// <summary>What a window's end does with one situation's held events: all delivered, in order, or all dropped.</summary>
public enum EndDecision
{
    Deliver,
    Drop,
}

/// <summary>
/// The decision at a window's end for one situation, without I/O (tested as a table). The rules, in order:
/// <list type="number">
/// <item>A situation with a ticket (made before the window) gets its held events delivered under either policy: a
/// CLOSED of an existing ticket is never lost, and its updates keep the ticket true.</item>
/// <item>A situation without a ticket that closed (or was deleted) while held is dropped under either policy: it opened
/// and closed in the downtime, and leaves no trace in the ticket system.</item>
/// <item>One still open is delivered under <c>Deliver</c>; under <c>Drop</c> it is dropped, unless it was waiting
/// before the window began (an event accepted before the start is not the window's to drop).</item>
/// </list>
/// </summary>
internal static class MaintenanceEnd
{
    public static (EndDecision Decision, string Why) Decide(AtEndPolicy policy, bool hasTicket, IReadOnlyCollection<string> heldEventTypes,
        bool waitingBeforeTheWindow)
    {
        if (hasTicket)
        {
            return (EndDecision.Deliver, "delivered: the situation has a ticket, which follows its events");
        }

        if (heldEventTypes.Any(t => t is EventTypes.Closed or EventTypes.Deleted))
        {
            return (EndDecision.Drop, "dropped: the situation opened and closed during the window");
        }

        return policy switch
        {
            AtEndPolicy.Deliver => (EndDecision.Deliver, "delivered: the situation is still open (AtEnd Deliver)"),
            _ when waitingBeforeTheWindow => (EndDecision.Deliver, "delivered: the situation was waiting before the window began"),
            _ => (EndDecision.Drop, "dropped: AtEnd Drop"),
        };
    }
}
