using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Storage;

/// <summary>
/// Situation-to-ticket links (their event history is the situation's deliveries, see <see cref="IDeliveryStore"/>).
/// </summary>
internal interface ITicketStore
{
    /// <summary>Creates or migrates the schema; called once at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The database's lock of one situation, held until disposed: what writes a situation's link (a delivery, a PING)
    /// holds it, so that several instances never interleave their read-decide-write of one link.
    /// </summary>
    Task<IAsyncDisposable> LockSituationAsync(string subscription, string situationId, CancellationToken cancellationToken);

    /// <summary>
    /// The database's lock of one match key (<see cref="TicketLink.MatchKey"/>), taken while holding
    /// <paramref name="situationLock"/> and released with it at the latest: what decides whether a new situation
    /// reopens a closed ticket holds it, so that two situations of one key never both reopen it.
    /// </summary>
    Task<IAsyncDisposable> LockMatchKeyAsync(IAsyncDisposable situationLock, string subscription, string matchKey, CancellationToken cancellationToken);

    /// <summary>
    /// The ticket of <paramref name="matchKey"/> the bridge closed last, if at or after <paramref name="closedSince"/> and
    /// not reopened since: one with its id, whose situation is not held.
    /// </summary>
    Task<TicketLink?> FindReopenableAsync(string subscription, string matchKey, DateTimeOffset closedSince, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: saves <paramref name="link"/>, the new situation's link to the ticket it reopened, and marks
    /// the link it came from (<see cref="TicketLink.ReopenedFrom"/>) as reopened by it.
    /// </summary>
    Task SaveReopenedAsync(TicketLink link, CancellationToken cancellationToken);

    Task<TicketLink?> FindLinkAsync(string subscription, string situationId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the link of (subscription, situation).</summary>
    Task SaveLinkAsync(TicketLink link, CancellationToken cancellationToken);

    /// <summary>Forgets the situation's link: a create written down ahead that made nothing, when there was no link before.</summary>
    Task RemoveLinkAsync(string subscription, string situationId, CancellationToken cancellationToken);

    /// <summary>Links by subscription and ticket status (both optional), oldest first.</summary>
    Task<IReadOnlyList<TicketLink>> ListLinksAsync(string? subscription, string? status, long skip, int take, CancellationToken cancellationToken);

    /// <summary>Held situations (by subscription, optional), longest held first.</summary>
    Task<IReadOnlyList<TicketLink>> ListHeldAsync(string? subscription, long skip, int take, CancellationToken cancellationToken);

    Task<long> CountHeldAsync(CancellationToken cancellationToken);

    /// <summary>
    /// An operator's settlement of a held situation, in one transaction: the link as settled (no longer held); the
    /// delivery <paramref name="requeue"/> queued again (dead-lettered, or pending with its lease ended); the other
    /// pending deliveries of the situation with a fresh attempt budget, or, with <paramref name="discardPendingWith"/>,
    /// skipped with that note. Returns how many deliveries were queued again or skipped.
    /// </summary>
    Task<int> SettleAsync(TicketLink settled, long? requeue, string? discardPendingWith, DateTimeOffset now, CancellationToken cancellationToken);

}
