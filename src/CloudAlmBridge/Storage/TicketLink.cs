namespace CloudAlmBridge.Storage;

/// <summary>The ticket that belongs to one event situation of one subscription.</summary>
internal sealed record TicketLink
{
    public required string Subscription { get; init; }

    public required string SituationId { get; init; }

    /// <summary>The ticket system's own id (ServiceNow sys_id, Jira id).</summary>
    public string? TicketId { get; init; }

    public string? TicketNumber { get; init; }

    public string? TicketStatus { get; init; }

    public string? DisplayUrl { get; init; }

    /// <summary>Closed by a CLOSED event: a later UPDATED never reopens it.</summary>
    public bool IsClosed { get; init; }

    /// <summary>A CLOSED came before any ticket existed: remembered so that no later event opens one.</summary>
    public bool IsClosedWithoutTicket => IsClosed && TicketId is null && TicketNumber is null;

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
