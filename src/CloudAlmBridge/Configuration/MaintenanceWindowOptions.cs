namespace CloudAlmBridge.Configuration;

/// <summary>
/// <c>Bridge:Maintenance:{name}</c>: a planned downtime. During it the events it covers are accepted and stored, but
/// no ticket is created or updated; at its end <see cref="AtEnd"/> says what becomes of them (docs/operations.md,
/// "Maintenance windows"). Either <see cref="Start"/> and <see cref="End"/> (once), or <see cref="Schedule"/> with
/// <see cref="Duration"/> (recurring). The values are text and read by the maintenance rule, so that a malformed one is
/// an error naming its key, not a binder's exception.
/// </summary>
public sealed class MaintenanceWindowOptions
{
    /// <summary>When a one-off window begins: an ISO 8601 time with its offset, e.g. <c>2026-12-12T22:00:00+01:00</c>.</summary>
    public string? Start { get; set; }

    /// <summary>When a one-off window ends (after <see cref="Start"/>).</summary>
    public string? End { get; set; }

    /// <summary>
    /// A recurring window: when each occurrence begins, as a five-field cron expression (minute hour day-of-month month
    /// day-of-week), e.g. <c>0 22 * * SAT</c>, read in <see cref="TimeZone"/>.
    /// </summary>
    public string? Schedule { get; set; }

    /// <summary>How long each occurrence of <see cref="Schedule"/> lasts, a TimeSpan such as <c>04:00:00</c>.</summary>
    public string? Duration { get; set; }

    /// <summary>The IANA time zone <see cref="Schedule"/> is read in (e.g. <c>Europe/Berlin</c>, daylight saving included); UTC when not set.</summary>
    public string? TimeZone { get; set; }

    /// <summary>The subscriptions it covers, by name; empty: all.</summary>
    public List<string> Subscriptions { get; set; } = [];

    /// <summary>The Cloud ALM services it covers, by the situation's <c>serviceId</c>; empty: all.</summary>
    public List<string> Services { get; set; } = [];

    /// <summary>
    /// What happens at the end to the situations it held back that have no ticket: <c>Deliver</c> (the default: what is
    /// still open gets its ticket then) or <c>Drop</c> (nothing of the window reaches the ticket system). A situation
    /// that opened and closed during the window is dropped either way, and one that had a ticket is always delivered.
    /// </summary>
    public string AtEnd { get; set; } = "Deliver";

    /// <summary>Why, for the console and the list (e.g. <c>S/4HANA kernel upgrade</c>).</summary>
    public string? Reason { get; set; }
}
