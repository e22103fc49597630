namespace CloudAlmBridge.Vocabulary;

/// <summary>
/// A group of situations of one subscription that share one ticket (<c>Grouping:Key</c>): what a storm of situations
/// about one cause becomes. Its ticket is its opener's (the situation that created, or reopened, it); the members'
/// links carry its id. Open until the bridge closes its ticket with its last member (<c>Grouping:Close</c>
/// <c>LastMember</c>); a situation of its key joins it only within <c>Grouping:Window</c> of <see cref="OpenedAt"/>.
/// </summary>
internal sealed record TicketGroup
{
    public required long Id { get; init; }

    public required string Subscription { get; init; }

    /// <summary>The grouping key its members rendered, e.g. <c>190c1314|CALM.HM</c>.</summary>
    public required string Key { get; init; }

    /// <summary>The situation whose ticket the group shares.</summary>
    public required string OpenedBy { get; init; }

    /// <summary>When the group was opened: its window counts from here.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When the bridge closed the group's ticket (its last member closed); null while open.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The opener's link: the group's ticket (null while the opener's create is being sent, or failed).</summary>
    public TicketLink? Opener { get; init; }

    /// <summary>Situations in the group, the opener included.</summary>
    public int Members { get; init; }

    /// <summary>Members not yet closed or deleted in SAP Cloud ALM.</summary>
    public int OpenMembers { get; init; }

    public bool IsClosed => ClosedAt is not null;
}
