namespace CloudAlmBridge.Maintenance;

/// <summary>
/// What a window's end does with the situations it held back that have no ticket. Stored as its number
/// (<c>maintenance_windows.at_end</c>): the values never change.
/// </summary>
public enum AtEndPolicy
{
    /// <summary>What is still open is delivered at the end, in order; a situation that opened and closed is dropped.</summary>
    Deliver = 0,

    /// <summary>Nothing of the window reaches the ticket system: the held events of situations without a ticket are skipped.</summary>
    Drop = 1,
}
