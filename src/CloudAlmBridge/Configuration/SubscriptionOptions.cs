namespace CloudAlmBridge.Configuration;

/// <summary>What the bridge does with a resource type: which webhook, which mapping, which user variables.</summary>
public sealed class SubscriptionOptions
{
    /// <summary><c>EVENT-SITUATION</c> matches messages whose <c>resourceType</c> is EVENT-SITUATION or EVENT-SITUATIONS.</summary>
    public string ResourceType { get; set; } = "EVENT-SITUATION";

    public string? Webhook { get; set; }

    /// <summary>Optional: without it the webhook type's built-in mapping is used.</summary>
    public string? Mapping { get; set; }

    /// <summary>Values for <c>#{@USER_VAR(x)}</c>.</summary>
    public Dictionary<string, string> UserVariables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The value of <c>#{@CLOUD_ALM_URL}</c>.</summary>
    public string? CloudAlmUrl { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Reopening a ticket the bridge resolved a short while ago, instead of opening another (off without a window).</summary>
    public ReopenOptions Reopen { get; set; } = new();

    /// <summary>One ticket for a storm of situations about one thing (off without a key).</summary>
    public GroupingOptions Grouping { get; set; } = new();
}

/// <summary>
/// <c>Bridge:Subscriptions:{name}:Reopen</c>: a new situation about the same service and event as a ticket the bridge
/// resolved within <see cref="Window"/> reopens that ticket (a flapping check), instead of opening another.
/// </summary>
public sealed class ReopenOptions
{
    /// <summary>How long after the bridge resolved a ticket a new situation of the same key reopens it; null: never.</summary>
    public TimeSpan? Window { get; set; }
}

/// <summary>
/// <c>Bridge:Subscriptions:{name}:Grouping</c>: situations whose <see cref="Key"/> is the same, arriving within
/// <see cref="Window"/> of the group's opening, share one ticket (a storm: one cause, dozens of situations). Off
/// unless both are set.
/// </summary>
public sealed class GroupingOptions
{
    /// <summary>Closes the group's ticket when its last member closes (the default).</summary>
    public const string LastMember = "LastMember";

    /// <summary>Never closes the group's ticket: a human does.</summary>
    public const string Never = "Never";

    /// <summary>The key in the mapping language's placeholders, e.g. <c>#{serviceId}</c> or <c>#{serviceId}|#{eventType}</c>.</summary>
    public string? Key { get; set; }

    /// <summary>How long after a group's opening a situation of its key still joins it.</summary>
    public TimeSpan? Window { get; set; }

    /// <summary><see cref="LastMember"/> or <see cref="Never"/>.</summary>
    public string Close { get; set; } = LastMember;

    /// <summary>Both a key and a window are set.</summary>
    public bool IsOn => !string.IsNullOrWhiteSpace(Key) && Window is not null;

    /// <summary>The last member's CLOSED (or DELETED) closes the group's ticket.</summary>
    public bool ClosesWithLastMember => !string.Equals(Close, Never, StringComparison.OrdinalIgnoreCase);
}
