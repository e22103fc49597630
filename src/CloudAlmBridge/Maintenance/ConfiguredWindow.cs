using Cronos;

namespace CloudAlmBridge.Maintenance;

/// <summary>
/// A window of <c>Bridge:Maintenance</c> as its rule read it: once (<see cref="FixedStart"/> to <see cref="FixedEnd"/>)
/// or recurring (an occurrence begins at each time of <see cref="Schedule"/> in <see cref="TimeZone"/> and lasts
/// <see cref="Duration"/>). Pure: the times it answers depend only on the time asked about.
/// </summary>
internal sealed record ConfiguredWindow
{
    public required string Name { get; init; }

    public DateTimeOffset? FixedStart { get; init; }

    public DateTimeOffset? FixedEnd { get; init; }

    public CronExpression? Schedule { get; init; }

    /// <summary>The schedule as written, for the list and the start line.</summary>
    public string? ScheduleText { get; init; }

    public TimeSpan Duration { get; init; }

    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    public required IReadOnlyList<string> Subscriptions { get; init; }

    public required IReadOnlyList<string> Services { get; init; }

    public required AtEndPolicy AtEnd { get; init; }

    public string? Reason { get; init; }

    /// <summary>The occurrence running at <paramref name="now"/>, if one is.</summary>
    public MaintenanceWindow? OccurrenceAt(DateTimeOffset now)
    {
        if (Schedule is null)
        {
            return FixedStart <= now && now < FixedEnd ? Occurrence(FixedStart.Value, FixedEnd.Value) : null;
        }

        // The latest start in (now - Duration, now]: the occurrence that began last and has not ended yet. Occurrences
        // longer than the schedule's interval overlap; the latest one reaches furthest.
        var latest = Schedule.GetOccurrences(now - Duration, now, TimeZone, fromInclusive: false, toInclusive: true).LastOrDefault();
        return latest == default ? null : Occurrence(latest, latest + Duration);
    }

    /// <summary>The next occurrence that begins after <paramref name="now"/>, if there is one.</summary>
    public MaintenanceWindow? NextAfter(DateTimeOffset now)
    {
        if (Schedule is null)
        {
            return FixedStart > now ? Occurrence(FixedStart.Value, FixedEnd!.Value) : null;
        }

        return Schedule.GetNextOccurrence(now, TimeZone) is { } next ? Occurrence(next, next + Duration) : null;
    }

    /// <summary>The start of the occurrence that ends at <paramref name="end"/> (a held delivery keeps only its window's end).</summary>
    public DateTimeOffset StartOfOccurrenceEndingAt(DateTimeOffset end) => Schedule is null ? FixedStart!.Value : end - Duration;

    /// <summary><c>2026-12-12T21:00:00Z to 2026-12-13T01:00:00Z</c>, or <c>every '0 22 * * SAT' (Europe/Berlin) for 04:00:00</c>.</summary>
    public string When => Schedule is null
        ? $"{FixedStart:O} to {FixedEnd:O}"
        : $"every '{ScheduleText}' ({TimeZone.Id}) for {Duration}";

    private MaintenanceWindow Occurrence(DateTimeOffset start, DateTimeOffset end) => new()
    {
        Name = Name,
        Origin = WindowOrigin.Configuration,
        Start = start,
        End = end,
        Subscriptions = Subscriptions,
        Services = Services,
        AtEnd = AtEnd,
        Reason = Reason,
    };
}

/// <summary>The configured windows, built by <see cref="MaintenanceRules"/> and put in force with the configuration.</summary>
internal sealed record ConfiguredWindows(IReadOnlyList<ConfiguredWindow> Windows)
{
    public ConfiguredWindow? Find(string name) => Windows.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));
}
