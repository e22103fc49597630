namespace CloudAlmBridge.Storage;

/// <summary>
/// The durable outbox. Written so that several bridge processes can share it: work is claimed row by row with a lease
/// (PostgreSQL can do the same with <c>FOR UPDATE SKIP LOCKED</c>), and only the oldest pending delivery of a situation
/// is ever claimable, which keeps each situation's events in acceptance order.
/// </summary>
internal interface IDeliveryStore
{
    /// <summary>Stores the message (committed before it returns). A duplicate returns the original with <c>IsDuplicate</c>.</summary>
    Task<(DeliveryRecord Delivery, bool IsDuplicate)> AcceptAsync(NewDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Claims up to <paramref name="limit"/> due deliveries, each the head of its situation, leased until <paramref name="leaseUntil"/>.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken);

    /// <summary>Records an attempt and the delivery's new state, and releases the lease.</summary>
    Task CompleteAttemptAsync(long id, DeliveryAttempt attempt, string state, string? action, bool ticketCreated, CancellationToken cancellationToken);

    /// <summary>Gives a claimed delivery back untouched (graceful shutdown).</summary>
    Task ReleaseAsync(long id, CancellationToken cancellationToken);

    /// <summary>Releases every lease: at start of a single-process store, leases left by a crash belong to nobody.</summary>
    Task ReleaseAllLeasesAsync(CancellationToken cancellationToken);

    /// <summary>Queues a dead-lettered delivery again; false when it is not dead-lettered.</summary>
    Task<bool> ReplayAsync(long id, DateTimeOffset now, CancellationToken cancellationToken);

    Task<DeliveryRecord?> FindAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeliveryAttempt>> GetAttemptsAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeliveryRecord>> ListAsync(string? state, string? subscription, string? situationId, int skip, int take, CancellationToken cancellationToken);

    Task<long> CountPendingAsync(CancellationToken cancellationToken);
}
