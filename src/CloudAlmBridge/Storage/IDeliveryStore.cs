using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Storage;

/// <summary>
/// The durable outbox, shared by every instance on the same database. Work is claimed row by row with an owner and a
/// lease that the owner renews while it runs; only the oldest pending delivery of a situation is ever claimable, and
/// none while another of its situation is claimed, which keeps each situation's events in acceptance order, one at a
/// time, across all instances.
/// </summary>
internal interface IDeliveryStore
{
    /// <summary>Stores the message (committed before it returns). A duplicate returns the original with <c>IsDuplicate</c>.</summary>
    Task<(DeliveryRecord Delivery, bool IsDuplicate)> AcceptAsync(NewDelivery delivery, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="AcceptAsync"/>, and the situation's ticket link as it stands, read in the same transaction: an answer
    /// that does not wait for the delivery needs no second round trip for it.
    /// </summary>
    Task<(DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)> AcceptWithLinkAsync(NewDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Claims up to <paramref name="limit"/> due deliveries for this instance, each the head of its situation, leased until <paramref name="leaseUntil"/>.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken);

    /// <summary>Extends the lease; false when the claim is no longer this one's (taken over after it expired).</summary>
    Task<bool> RenewAsync(DeliveryClaim claim, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Records an attempt and the delivery's new state, and ends the lease, with the situation's <paramref name="link"/>
    /// as the attempt left it (when it changed) in the same transaction: a finished delivery is one write. False when the
    /// claim was lost: then only the link is written (the ticket system acted on this attempt, and what it made must
    /// not be forgotten), the delivery is left to the new owner.
    /// </summary>
    Task<bool> CompleteAttemptAsync(DeliveryClaim claim, DeliveryAttempt attempt, DeliveryState state, string? action, bool ticketCreated,
        TicketLink? link, CancellationToken cancellationToken);

    /// <summary>
    /// Holds a claimed delivery for a maintenance window: it and every pending delivery of its situation are marked held
    /// by <paramref name="window"/>, the claimed one waits until <paramref name="until"/>, and the lease ends without an
    /// attempt. Returns how many deliveries the window newly held; null (nothing written) when the claim was lost.
    /// </summary>
    Task<int?> HoldAsync(DeliveryClaim claim, string subscription, string situationId, string window, DateTimeOffset until,
        CancellationToken cancellationToken);

    /// <summary>
    /// Applies a window's end to the claimed delivery's situation: every pending delivery of it is marked held by
    /// <paramref name="window"/> and then released (queued again from <paramref name="now"/>, the claimed one keeps its
    /// claim) or, with <paramref name="drop"/>, skipped with <paramref name="note"/>. Returns how many the window newly
    /// held (those that waited behind the held one) and how many were released or skipped; null (nothing written) when
    /// the claim was lost.
    /// </summary>
    Task<(int NewlyHeld, int Settled)?> SettleHeldAsync(DeliveryClaim claim, string subscription, string situationId, string window, bool drop, string note,
        DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives a claimed delivery back untouched (graceful shutdown); false when the claim was lost.</summary>
    Task<bool> ReleaseAsync(DeliveryClaim claim, CancellationToken cancellationToken);

    /// <summary>Clears leases that expired before <paramref name="now"/> (a dead instance's); a live owner's stay. Returns how many.</summary>
    Task<int> ReleaseExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Queues a dead-lettered delivery again; false when it is not dead-lettered.</summary>
    Task<bool> ReplayAsync(long id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a delivery of the situation other than <paramref name="deliveryId"/> was ever claimed (a row from before
    /// claims were counted counts as claimed). Retention removes only delivered and skipped ones, and one of those that
    /// made a ticket left its link.
    /// </summary>
    Task<bool> AnyOtherClaimedAsync(string subscription, string situationId, long deliveryId, CancellationToken cancellationToken);

    Task<DeliveryRecord?> FindAsync(long id, CancellationToken cancellationToken);

    /// <summary>A delivery with its situation's link as they stand now, read on one connection (an answer after the wait).</summary>
    Task<(DeliveryRecord? Delivery, TicketLink? Link)> FindWithLinkAsync(long id, CancellationToken cancellationToken);

    /// <summary>Only the state: what a waiting Cloud ALM call asks while another instance delivers.</summary>
    Task<DeliveryState?> GetStateAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeliveryAttempt>> GetAttemptsAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryState? state, string? subscription, string? situationId, long skip, int take,
        CancellationToken cancellationToken);

    Task<long> CountPendingAsync(CancellationToken cancellationToken);

    /// <summary>How many deliveries match the same filter as <see cref="ListAsync"/>: for paging and for a bulk replay's confirmation.</summary>
    Task<long> CountAsync(DeliveryState? state, string? subscription, string? situationId, CancellationToken cancellationToken);

    /// <summary>Deliveries by state, of those accepted at or after <paramref name="since"/> (all of them when null).</summary>
    Task<IReadOnlyDictionary<DeliveryState, long>> CountByStateAsync(DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>
    /// Removes up to <paramref name="batchSize"/> delivered or skipped deliveries finished before <paramref name="cutoff"/>,
    /// with their attempts, oldest first; dead letters and pending deliveries stay. Returns how many were removed.
    /// </summary>
    Task<int> RemoveFinishedAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken);
}
