


namespace CloudAlmBridge.Ingestion;

/// <summary>
/// The flat object every Cloud ALM-facing call answers, readable by a Cloud ALM response mapping.
/// </summary>
public sealed record EventAnswer
{
    /// <summary>The event situation's id: known at once, never changes.</summary>
    public required string ExternalId { get; init; }

    /// <summary>The ticket number, e.g. <c>INC0010002</c>.</summary>
    public string? ExternalNumber { get; init; }

    /// <summary>The ticket's status as the mapping's response section reads it, e.g. <c>NEW</c>, <c>IN_PROCESS</c>, <c>RESOLVED</c>.</summary>
    public string? ExternalStatus { get; init; }

    /// <summary>The ticket's page in the ticket system (ServiceNow's form, Jira's browse page), for Cloud ALM to link to.</summary>
    public string? DisplayUrl { get; init; }

    /// <summary>The ticket system's own id (ServiceNow sys_id, Jira id).</summary>
    public string? TicketId { get; init; }

    /// <summary>
    /// <c>Delivered</c>, <c>Skipped</c> (nothing had to be sent), <c>Grouped</c> (the situation joined an open group of
    /// its grouping key: the number and id are the group's ticket, shared with the situation that opened it), or, in a
    /// 202, <c>Queued</c>, <c>Retrying</c> or
    /// <c>Held</c> (the situation waits for an operator: nothing can tell whether its create made a ticket). A dead
    /// letter or a failed PING is a 502 problem instead, with <c>deliveryState</c> <c>DeadLettered</c> or <c>Failed</c>;
    /// a PING of a held situation a 409 problem with <c>Held</c>. <c>Maintenance</c>, in a 202: a maintenance window
    /// covers the event; it is stored, and no ticket is created or updated until the window ends (a PING of a situation
    /// without a ticket whose events a window holds is a 409 problem with <c>Maintenance</c>).
    /// </summary>
    public required string DeliveryState { get; init; }

    /// <summary>The <see cref="DeliveryState"/> of an event whose situation is held.</summary>
    public const string Held = "Held";

    /// <summary>The <see cref="DeliveryState"/> of an event a maintenance window holds back.</summary>
    public const string Maintenance = "Maintenance";

    /// <summary>
    /// The <see cref="DeliveryState"/> of a finished event of a situation that joined a group (<c>Grouping:Key</c>): it
    /// has no ticket of its own, and the answer names the group's.
    /// </summary>
    public const string Grouped = "Grouped";
}
