namespace CloudAlmBridge.Vocabulary;

/// <summary>
/// What the bridge knows of one event situation of one subscription: its ticket, and whether a create's outcome is
/// still in doubt or the situation is held until an operator settles it.
/// </summary>
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

    /// <summary>A ticket is known: by its id, or (a create answered without one) by its number.</summary>
    public bool HasTicket => TicketId is not null || TicketNumber is not null;

    /// <summary>A CLOSED came before any ticket existed (or an operator discarded the situation): no later event opens one.</summary>
    public bool IsClosedWithoutTicket => IsClosed && !HasTicket;

    /// <summary>
    /// What is not known of the situation's create: whether it made a ticket, or which one; null when nothing is in
    /// doubt (also once a ticket is linked).
    /// </summary>
    public DoubtKind? Doubt { get; init; }

    /// <summary>When the create in doubt was sent (an eventually consistent look-up proves "none" only a settle time later).</summary>
    public DateTimeOffset? DoubtSince { get; init; }

    /// <summary>Held since: none of the situation's deliveries is sent until an operator settles it.</summary>
    public DateTimeOffset? HeldAt { get; init; }

    /// <summary>While held, why; after an operator discarded the situation, what they did.</summary>
    public string? HoldNote { get; init; }

    /// <summary>The delivery that was dead-lettered when the situation was held (the create in doubt, usually).</summary>
    public long? HoldDeliveryId { get; init; }

    public bool IsHeld => HeldAt is not null;

    /// <summary>
    /// What the situation is about, as a key (by default its service and event): a later situation of the same key may
    /// reopen this ticket once it is closed. Null for links written before the bridge kept it, and for situations without it.
    /// </summary>
    public string? MatchKey { get; init; }

    /// <summary>When the bridge closed the ticket (its CLOSED): the reopen window counts from here.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>This situation did not get a ticket of its own: it reopened the ticket of this situation.</summary>
    public string? ReopenedFrom { get; init; }

    /// <summary>This closed ticket was reopened for that situation, which links it now; it is never reopened from here again.</summary>
    public string? ReopenedBy { get; init; }

    /// <summary>The group (<see cref="TicketGroup"/>) whose ticket this situation shares, as its opener or a member that joined it.</summary>
    public long? GroupId { get; init; }

    /// <summary>
    /// This situation joined a group and got no ticket of its own: it shares the ticket of that situation, the group's
    /// opener. Null for the opener itself and for situations outside a group.
    /// </summary>
    public string? GroupedWith { get; init; }

    /// <summary>The situation's rating as last noted on its group's ticket: a member's UPDATED adds a note only when it rises.</summary>
    public string? Rating { get; init; }

    /// <summary>A member of a group, joined or opener: its events never change the shared ticket's fields.</summary>
    public bool IsGroupMember => GroupId is not null;

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Why a create's outcome is in doubt. Stored as its number: the values are part of the schema.</summary>
internal enum DoubtKind
{
    /// <summary>The create may have made a ticket: it is being sent, or its answer was lost, cut short or too large to read.</summary>
    MayExist = 1,

    /// <summary>
    /// The ticket system answered 2xx, so the ticket exists, but the answer carried no readable id although the mapping
    /// reads one (cut short): the look-up settles which ticket it is.
    /// </summary>
    ExistsWithoutId = 2,

    /// <summary>
    /// Not a doubt: the create was answered 2xx by a target whose mapping reads no ticket id. The ticket exists and is
    /// never created again; later events cannot address it (unless the look-up finds its id).
    /// </summary>
    CreatedWithoutId = 3,

    /// <summary>
    /// Not a doubt: an operator settled a held situation with "no ticket was made", so its next create goes ahead
    /// without the look-up (which may be what could not settle it).
    /// </summary>
    NoneConfirmed = 4,
}
