namespace CloudAlmBridge.Maintenance;

/// <summary>Where a window comes from: <c>Bridge:Maintenance</c>, or an operator (REST or console), stored.</summary>
public enum WindowOrigin
{
    Configuration,
    AdHoc,
}

/// <summary>
/// One window as it applies: a configured window's occurrence (a one-off window has one) or an ad hoc window. What it
/// covers is a subscription and a Cloud ALM service; an empty list covers all of them.
/// </summary>
internal sealed record MaintenanceWindow
{
    public required string Name { get; init; }

    public required WindowOrigin Origin { get; init; }

    public required DateTimeOffset Start { get; init; }

    /// <summary>The planned end (the end of this occurrence); <see cref="EndedAt"/> when it was ended earlier.</summary>
    public required DateTimeOffset End { get; init; }

    public required IReadOnlyList<string> Subscriptions { get; init; }

    public required IReadOnlyList<string> Services { get; init; }

    public required AtEndPolicy AtEnd { get; init; }

    public string? Reason { get; init; }

    /// <summary>Who started an ad hoc window (the client or console user).</summary>
    public string? StartedBy { get; init; }

    /// <summary>When an operator ended it before its planned end.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    public string? EndedBy { get; init; }

    /// <summary>When it ends or ended: the planned end, or the earlier end an operator gave it.</summary>
    public DateTimeOffset EffectiveEnd => EndedAt is { } ended && ended < End ? ended : End;

    public bool IsActiveAt(DateTimeOffset now) => Start <= now && now < EffectiveEnd;

    /// <summary>Names compared without case, as configuration names are; service ids exactly, as Cloud ALM sends them.</summary>
    public bool Covers(string subscription, string? serviceId) =>
        (Subscriptions.Count == 0 || Subscriptions.Contains(subscription, StringComparer.OrdinalIgnoreCase))
        && (Services.Count == 0 || (serviceId is not null && Services.Contains(serviceId, StringComparer.Ordinal)));
}
