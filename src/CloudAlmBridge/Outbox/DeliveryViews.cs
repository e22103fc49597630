namespace CloudAlmBridge.Outbox;

/// <summary>
/// A delivery: one accepted event and what became of it. <c>instance</c> is the bridge instance that holds it, or
/// made its last attempt; <c>attempts</c> and <c>message</c> (the change message as accepted) are in the single view only.
/// <c>heldBy</c>: the maintenance window that held it back (kept after the window's end); <c>heldUntil</c>: while it waits, that
/// window's end.
/// </summary>
public sealed record DeliveryView(
    long Id,
    string Subscription,
    string SituationId,
    string EventType,
    string State,
    int AttemptCount,
    DateTimeOffset AcceptedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? CompletedAt,
    string? Action,
    int? LastStatus,
    string? LastError,
    string? Instance,
    IReadOnlyList<AttemptView>? Attempts = null,
    System.Text.Json.JsonElement? Message = null,
    string? HeldBy = null,
    DateTimeOffset? HeldUntil = null);

/// <summary>One attempt: when, its outcome, the ticket system's status and error, and when the next one is due.</summary>
public sealed record AttemptView(DateTimeOffset AttemptedAt, string Outcome, int? StatusCode, string? Error, DateTimeOffset? NextAttemptAt);

/// <summary>
/// A situation's ticket, with its event history (<c>events</c>) in the single view. <c>closedWithoutTicket</c>: Cloud
/// ALM closed the situation before it had a ticket (or an operator discarded it), and none will be opened for it.
/// <c>createInDoubt</c>: a create was sent whose outcome is not known yet (<c>MayExist</c>, <c>ExistsWithoutId</c>);
/// <c>held</c>: nothing could settle it, and the situation's events wait for an operator (<c>holdNote</c> says why).
/// <c>reopenedFrom</c>: the situation got no ticket of its own, it reopened the ticket the bridge had resolved for that
/// situation (a flap within the subscription's <c>Reopen:Window</c>); <c>reopenedBy</c>: this closed ticket was reopened
/// for that situation, which follows it now. <c>groupId</c>: the group whose ticket the situation shares
/// (<c>Grouping:Key</c>); <c>groupedWith</c>: the situation that opened that group, whose ticket this is (null for the
/// opener itself).
/// </summary>
public sealed record TicketView(
    string Subscription,
    string SituationId,
    string? TicketId,
    string? TicketNumber,
    string? TicketStatus,
    string? DisplayUrl,
    bool Closed,
    bool ClosedWithoutTicket,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<DeliveryView>? Events = null,
    bool Held = false,
    DateTimeOffset? HeldAt = null,
    string? HoldNote = null,
    string? CreateInDoubt = null,
    string? ReopenedFrom = null,
    string? ReopenedBy = null,
    long? GroupId = null,
    string? GroupedWith = null);

/// <summary>
/// A group of situations sharing one ticket (<c>Bridge:Subscriptions:{name}:Grouping</c>): its key, its ticket (the
/// opener's; null while the opener's create is not settled), when it opened (its window counts from here) and when the
/// bridge closed its ticket (<c>closed</c>: no situation joins it any more); how many members it has and how many are
/// still open. <c>members</c> lists them, opener first, in the single view.
/// </summary>
public sealed record GroupView(
    long Id,
    string Subscription,
    string Key,
    string OpenedBy,
    DateTimeOffset OpenedAt,
    bool Closed,
    DateTimeOffset? ClosedAt,
    string? TicketId,
    string? TicketNumber,
    string? TicketStatus,
    string? DisplayUrl,
    int MemberCount,
    int OpenMemberCount,
    IReadOnlyList<TicketView>? Members = null);
