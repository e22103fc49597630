namespace CloudAlmBridge.Maintenance;

/// <summary>
/// A maintenance window as the REST API and the console show it. <c>status</c>: <c>Active</c>, <c>Coming</c> (a
/// configured window's next occurrence) or <c>Ended</c> (within the last day). <c>end</c> is the planned end,
/// <c>endedAt</c> an earlier end an operator gave it. <c>schedule</c>: a recurring configured window's schedule.
/// <c>heldBack</c>: what it held back (over all its occurrences, as long as the deliveries are kept).
/// </summary>
public sealed record MaintenanceWindowView(
    string Name,
    string Origin,
    string Status,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateTimeOffset? EndedAt,
    string? EndedBy,
    string? StartedBy,
    string? Reason,
    IReadOnlyList<string> Subscriptions,
    IReadOnlyList<string> Services,
    string AtEnd,
    string? Schedule,
    HeldBackView HeldBack);

/// <summary>
/// What a window held back: <c>events</c> in all; <c>waiting</c> for its end; <c>delivered</c> and <c>dropped</c>
/// (skipped, nothing sent) at or since its end.
/// </summary>
public sealed record HeldBackView(long Events, long Waiting, long Delivered, long Dropped);

/// <summary>
/// An ad hoc window to start now: for <c>minutes</c> (1 to 10080, a week); what it covers (<c>subscriptions</c> by name,
/// <c>services</c> by Cloud ALM serviceId; empty or missing: all); <c>atEnd</c> <c>Deliver</c> (default) or
/// <c>Drop</c>; and why (<c>reason</c>, shown in the list and the log).
/// </summary>
public sealed record StartWindowRequest(int Minutes, IReadOnlyList<string>? Subscriptions, IReadOnlyList<string>? Services, string? AtEnd, string? Reason);
