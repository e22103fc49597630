using System.Data.Common;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Maintenance;

/// <summary>
/// Which windows are active and coming: the configured ones (from the configuration in force) with the stored ones
/// (ad hoc windows, early ends), as every instance sees them. Whether an event is covered is asked at every delivery
/// and answer, so the stored windows are read at most once a <see cref="Freshness"/>; a decision to hold confirms
/// with a fresh read, so an end another instance applied is never undone from a stale copy.
/// </summary>
internal sealed class MaintenanceCalendar(MaintenanceStore store, ActiveConfiguration configuration, TimeProvider timeProvider,
    ILogger<MaintenanceCalendar> logger)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private Snapshot? _snapshot;

    /// <summary>A window was ended here: held deliveries are due now (the dispatcher listens, to look at once).</summary>
    public event Action? Ended;

    private IReadOnlyList<ConfiguredWindow> Configured => configuration.Current.Parts.Get<ConfiguredWindows>().Windows;

    /// <summary>
    /// The window that covers an event of <paramref name="subscription"/> about <paramref name="serviceId"/> now, if any
    /// (of several, the one that ends last). With <paramref name="confirm"/>, a window found is confirmed on a fresh
    /// read of the storage, whose failure is thrown; without, a failed read keeps the last copy.
    /// </summary>
    public async Task<MaintenanceWindow?> CoveringAsync(string subscription, string? serviceId, bool confirm, CancellationToken cancellationToken)
    {
        var window = Covering(await StoredAsync(Freshness, throwOnFailure: confirm, cancellationToken), subscription, serviceId);
        if (window is null || !confirm)
        {
            return window;
        }

        return Covering(await StoredAsync(TimeSpan.Zero, throwOnFailure: true, cancellationToken), subscription, serviceId);
    }

    /// <summary>The windows active now and those coming (each configured window's next occurrence), and those that ended within <paramref name="endedWithin"/>.</summary>
    public async Task<IReadOnlyList<MaintenanceWindow>> ListAsync(TimeSpan endedWithin, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var stored = await store.EndingAfterAsync(now - endedWithin, cancellationToken);
        var windows = new List<MaintenanceWindow>();
        foreach (var configured in Configured)
        {
            var current = configured.OccurrenceAt(now);
            if (current is not null)
            {
                windows.Add(WithEarlyEnd(current, stored));
            }

            if (configured.NextAfter(current?.End ?? now) is { } next)
            {
                windows.Add(next);
            }
        }

        // Early ends of configured windows appear as their occurrence above; an occurrence that ended early within the
        // period, and is no longer running, is shown as it ended.
        windows.AddRange(stored.Where(w => w.Origin == WindowOrigin.Configuration && w.EndedAt is not null
                                             && !windows.Any(c => c.Name == w.Name && c.Start == w.Start)));
        windows.AddRange(stored.Where(w => w.Origin == WindowOrigin.AdHoc));
        return [.. windows.Where(w => w.EffectiveEnd > now - endedWithin).OrderBy(w => w.Start).ThenBy(w => w.Name, StringComparer.Ordinal)];
    }

    /// <summary>The window of this name active now, configured or ad hoc; null when none of the name is.</summary>
    public async Task<MaintenanceWindow?> FindActiveAsync(string name, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        return Active(await StoredAsync(TimeSpan.Zero, throwOnFailure: true, cancellationToken), now)
            .FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The policy a held delivery's window applies at its end, and when that window began (a held delivery keeps the
    /// window's name and planned end). A window no longer known (removed from the configuration) delivers: nothing is
    /// dropped that no configuration asks to drop.
    /// </summary>
    public async Task<(AtEndPolicy AtEnd, DateTimeOffset? Start)> EndPolicyAsync(string name, DateTimeOffset heldUntil, CancellationToken cancellationToken)
    {
        if (name.StartsWith(MaintenanceRules.AdHocPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var stored = (await StoredAsync(TimeSpan.Zero, throwOnFailure: true, cancellationToken)).Windows
                .FirstOrDefault(w => w.Name == name) ?? (await store.EndingAfterAsync(heldUntil - TimeSpan.FromSeconds(1), cancellationToken))
                .FirstOrDefault(w => w.Name == name);
            return stored is null ? (AtEndPolicy.Deliver, null) : (stored.AtEnd, stored.Start);
        }

        return Configured.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase)) is { } configured
            ? (configured.AtEnd, configured.StartOfOccurrenceEndingAt(heldUntil))
            : (AtEndPolicy.Deliver, null);
    }

    /// <summary>Starts an ad hoc window now.</summary>
    public async Task<MaintenanceWindow> StartAsync(TimeSpan duration, IReadOnlyList<string> subscriptions, IReadOnlyList<string> services,
        AtEndPolicy atEnd, string? reason, string startedBy, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var window = await store.AddAdHocAsync(new MaintenanceWindow
        {
            Name = "",
            Origin = WindowOrigin.AdHoc,
            Start = now,
            End = now + duration,
            Subscriptions = subscriptions,
            Services = services,
            AtEnd = atEnd,
            Reason = reason,
            StartedBy = startedBy,
        }, cancellationToken);
        _snapshot = null;
        MaintenanceLog.Started(logger, window.Name, startedBy, window.End, Coverage(window), window.AtEnd.ToString(), reason ?? "");
        return window;
    }

    /// <summary>
    /// Ends an active window now and applies its policy at once (its held deliveries become due). Null when no window
    /// of the name is active (the route answers 404).
    /// </summary>
    public async Task<MaintenanceWindow?> EndAsync(string name, string endedBy, CancellationToken cancellationToken)
    {
        if (await FindActiveAsync(name, cancellationToken) is not { } window)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        if (!await store.EndAsync(window, now, endedBy, cancellationToken))
        {
            return null;
        }

        _snapshot = null;
        MaintenanceLog.Ended(logger, window.Name, endedBy, window.AtEnd.ToString());
        Ended?.Invoke();
        return window with { EndedAt = now, EndedBy = endedBy };
    }

    /// <summary><c>subscriptions calm-to-snow; services all</c>: what a window covers, in words.</summary>
    public static string Coverage(MaintenanceWindow window) =>
        $"subscriptions {(window.Subscriptions.Count == 0 ? "all" : string.Join(", ", window.Subscriptions))}; "
        + $"services {(window.Services.Count == 0 ? "all" : string.Join(", ", window.Services))}";

    private MaintenanceWindow? Covering(Snapshot stored, string subscription, string? serviceId) =>
        Active(stored, timeProvider.GetUtcNow()).Where(w => w.Covers(subscription, serviceId)).MaxBy(w => w.EffectiveEnd);

    private IEnumerable<MaintenanceWindow> Active(Snapshot stored, DateTimeOffset now)
    {
        foreach (var configured in Configured)
        {
            if (configured.OccurrenceAt(now) is { } occurrence && WithEarlyEnd(occurrence, stored.Windows) is var window && window.IsActiveAt(now))
            {
                yield return window;
            }
        }

        foreach (var window in stored.Windows.Where(w => w.Origin == WindowOrigin.AdHoc && w.IsActiveAt(now)))
        {
            yield return window;
        }
    }

    /// <summary>A configured occurrence, with the early end an operator gave it (a stored row of its name over its start).</summary>
    private static MaintenanceWindow WithEarlyEnd(MaintenanceWindow occurrence, IReadOnlyList<MaintenanceWindow> stored) =>
        stored.FirstOrDefault(w => w.Origin == WindowOrigin.Configuration && w.EndedAt is not null && w.Name == occurrence.Name
                                   && w.Start <= occurrence.Start && occurrence.Start < w.End) is { } ended
            ? occurrence with { EndedAt = ended.EndedAt, EndedBy = ended.EndedBy }
            : occurrence;

    private async Task<Snapshot> StoredAsync(TimeSpan maxAge, bool throwOnFailure, CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null && maxAge > TimeSpan.Zero && timeProvider.GetElapsedTime(snapshot.ReadAt) < maxAge)
        {
            return snapshot;
        }

        try
        {
            var read = timeProvider.GetTimestamp();
            var windows = await store.EndingAfterAsync(timeProvider.GetUtcNow(), cancellationToken);
            snapshot = new Snapshot(windows, read);
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
        catch (Exception exception) when (!throwOnFailure && exception is DbException or IOException or TimeoutException)
        {
            // An answer to Cloud ALM does not fail for this: it goes by the last copy (the dispatcher decides anyway).
            MaintenanceLog.ReadFailed(logger, exception.Message);
            return snapshot ?? new Snapshot([], 0);
        }
    }

    private sealed record Snapshot(IReadOnlyList<MaintenanceWindow> Windows, long ReadAt);
}
