namespace CloudAlmBridge.Storage;

/// <summary>
/// Situation-to-ticket links and their event history. SQLite implements it today; a PostgreSQL implementation can
/// satisfy it without changing its callers.
/// </summary>
internal interface ITicketStore
{
    /// <summary>Creates or migrates the schema; called once at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<TicketLink?> FindLinkAsync(string subscription, string situationId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the link of (subscription, situation).</summary>
    Task SaveLinkAsync(TicketLink link, CancellationToken cancellationToken);

    /// <summary>Appends to the event history and returns the entry's id (the delivery id in logs).</summary>
    Task<long> RecordEventAsync(TicketEvent ticketEvent, CancellationToken cancellationToken);

    Task<IReadOnlyList<TicketEvent>> GetEventsAsync(string subscription, string situationId, CancellationToken cancellationToken);

    /// <summary>Throws when the storage cannot be reached (readiness).</summary>
    Task CheckAsync(CancellationToken cancellationToken);
}
