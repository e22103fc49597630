using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Storage;

/// <summary>
/// Groups of situations that share one ticket (<see cref="TicketGroup"/>). What decides a group (joins it, opens it,
/// closes it) holds the lock of its key (<see cref="ITicketStore.LockMatchKeyAsync"/>), so every instance sees one
/// group per key at a time.
/// </summary>
internal interface ITicketGroupStore
{
    /// <summary>The group of <paramref name="key"/> opened last, if not closed and opened at or after <paramref name="openedSince"/>; with its opener's link.</summary>
    Task<TicketGroup?> FindOpenAsync(string subscription, string key, DateTimeOffset openedSince, CancellationToken cancellationToken);

    /// <summary>A new, open group of <paramref name="key"/> whose ticket will be <paramref name="openedBy"/>'s.</summary>
    Task<TicketGroup> OpenAsync(string subscription, string key, string openedBy, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The group's ticket becomes <paramref name="openedBy"/>'s: its opener made none (its create failed for good) and
    /// the situation taking over creates it now. The window still counts from the group's opening.
    /// </summary>
    Task TakeOverAsync(long id, string openedBy, CancellationToken cancellationToken);

    /// <summary>Forgets a group opened ahead of a create that made nothing, and that no member joined.</summary>
    Task RemoveIfEmptyAsync(long id, CancellationToken cancellationToken);

    /// <summary>The bridge closed the group's ticket: no situation joins it any more.</summary>
    Task CloseAsync(long id, DateTimeOffset closedAt, CancellationToken cancellationToken);

    /// <summary>Members of the group not closed, <paramref name="except"/> left out.</summary>
    Task<int> CountOpenMembersAsync(long id, string except, CancellationToken cancellationToken);

    Task<TicketGroup?> FindAsync(long id, CancellationToken cancellationToken);

    /// <summary>Groups by subscription and open or closed (both optional), newest first.</summary>
    Task<IReadOnlyList<TicketGroup>> ListAsync(string? subscription, bool? open, long skip, int take, CancellationToken cancellationToken);

    /// <summary>The group's members' links, the opener included, in the order they arrived.</summary>
    Task<IReadOnlyList<TicketLink>> ListMembersAsync(long id, CancellationToken cancellationToken);
}
