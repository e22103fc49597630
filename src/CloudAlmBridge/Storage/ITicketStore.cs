namespace CloudAlmBridge.Storage;

/// <summary>
/// Situation-to-ticket links (their event history is the situation's deliveries, see <see cref="IDeliveryStore"/>). SQLite implements it today; a PostgreSQL implementation can
/// satisfy it without changing its callers.
/// </summary>
internal interface ITicketStore
{
    /// <summary>Creates or migrates the schema; called once at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<TicketLink?> FindLinkAsync(string subscription, string situationId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the link of (subscription, situation).</summary>
    Task SaveLinkAsync(TicketLink link, CancellationToken cancellationToken);

    /// <summary>Links by subscription and ticket status (both optional), oldest first.</summary>
    Task<IReadOnlyList<TicketLink>> ListLinksAsync(string? subscription, string? status, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Throws when the storage cannot be reached (readiness).</summary>
    Task CheckAsync(CancellationToken cancellationToken);
}
