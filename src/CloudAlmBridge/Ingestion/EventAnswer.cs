namespace CloudAlmBridge.Ingestion;

/// <summary>
/// The flat object every Cloud ALM-facing call answers, readable by a Cloud ALM response mapping (contract §2).
/// </summary>
public sealed record EventAnswer
{
    /// <summary>The event situation's id: known at once, never changes.</summary>
    public required string ExternalId { get; init; }

    /// <summary>The ticket number, e.g. <c>INC0010002</c>.</summary>
    public string? ExternalNumber { get; init; }

    public string? ExternalStatus { get; init; }

    public string? DisplayUrl { get; init; }

    /// <summary>The ticket system's own id (ServiceNow sys_id, Jira id).</summary>
    public string? TicketId { get; init; }

    /// <summary><c>Delivered</c>, <c>Skipped</c> or <c>Failed</c>.</summary>
    public required string DeliveryState { get; init; }
}
