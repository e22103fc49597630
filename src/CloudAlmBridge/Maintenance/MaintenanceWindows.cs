using System.Text.Json;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Maintenance;

/// <summary>
/// The maintenance windows' use cases for the REST routes and the console alike: list them with what each held back,
/// start an ad hoc window (its request checked field by field), end one now.
/// </summary>
internal sealed class MaintenanceWindows(MaintenanceCalendar calendar, MaintenanceStore store, ActiveConfiguration configuration, TimeProvider timeProvider)
{
    public const int LongestMinutes = 7 * 24 * 60;

    /// <summary>How long an ended window stays in the list, with what it held back.</summary>
    public static readonly TimeSpan EndedShownFor = TimeSpan.FromDays(1);

    public async Task<IReadOnlyList<MaintenanceWindowView>> ListAsync(CancellationToken cancellationToken)
    {
        var windows = await calendar.ListAsync(EndedShownFor, cancellationToken);
        var held = await store.HeldBackAsync([.. windows.Select(w => w.Name).Distinct(StringComparer.Ordinal)], cancellationToken);
        var now = timeProvider.GetUtcNow();
        var configured = configuration.Current.Parts.Get<ConfiguredWindows>();
        return [.. windows.Select(w => View(w, now, held.GetValueOrDefault(w.Name), configured.Find(w.Name)?.ScheduleText))];
    }

    /// <summary>The window of this name as the list shows it (active first, then coming, then ended); null when the list has none.</summary>
    public async Task<MaintenanceWindowView?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).Where(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase))
        .OrderBy(w => w.Status switch { "Active" => 0, "Coming" => 1, _ => 2 }).FirstOrDefault();

    /// <summary>Reads a start request from JSON, every problem listed as <c>field: what is wrong</c>.</summary>
    public (StartWindowRequest? Request, IReadOnlyList<string> Errors) Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            var request = JsonSerializer.Deserialize<StartWindowRequest>(body.Span, JsonSerializerOptions.Web);
            return request is null ? (null, ["the body must be a JSON object"]) : (request, Check(request));
        }
        catch (JsonException exception)
        {
            return (null, [$"{(exception.Path is { Length: > 2 } path ? path[2..] : "body")}: {exception.Message.Split(" Path:")[0]}"]);
        }
    }

    /// <summary>What is wrong with a start request, field by field; empty when nothing is.</summary>
    public IReadOnlyList<string> Check(StartWindowRequest request)
    {
        var errors = new List<string>();
        if (request.Minutes is < 1 or > LongestMinutes)
        {
            errors.Add($"minutes: must be between 1 and {LongestMinutes} (a week), is {request.Minutes}");
        }

        var subscriptions = configuration.Current.Options.Subscriptions;
        foreach (var (name, i) in (request.Subscriptions ?? []).Select((n, i) => (n, i)))
        {
            if (!subscriptions.ContainsKey(name ?? ""))
            {
                errors.Add($"subscriptions[{i}]: no subscription '{name}' is configured{ConfigurationCheck.Known(subscriptions.Keys)}");
            }
        }

        foreach (var (service, i) in (request.Services ?? []).Select((s, i) => (s, i)))
        {
            if (string.IsNullOrWhiteSpace(service))
            {
                errors.Add($"services[{i}]: empty; a service is named by the situation's serviceId");
            }
        }

        if (request.AtEnd is { } atEnd && (int.TryParse(atEnd, out _) || !Enum.TryParse<AtEndPolicy>(atEnd, ignoreCase: true, out _)))
        {
            errors.Add($"atEnd: '{request.AtEnd}' must be 'Deliver' (what is still open gets its ticket at the end) or 'Drop' (nothing of the window reaches the ticket system)");
        }

        if (request.Reason is { Length: > 500 })
        {
            errors.Add("reason: at most 500 characters");
        }

        return errors;
    }

    /// <summary>Starts a checked request's window now; <paramref name="user"/> is who did it (logged and shown).</summary>
    public async Task<MaintenanceWindowView> StartAsync(StartWindowRequest request, string user, CancellationToken cancellationToken)
    {
        var window = await calendar.StartAsync(TimeSpan.FromMinutes(request.Minutes), request.Subscriptions ?? [], request.Services ?? [],
            request.AtEnd is { } atEnd ? Enum.Parse<AtEndPolicy>(atEnd, ignoreCase: true) : AtEndPolicy.Deliver,
            string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim(), user, cancellationToken);
        return View(window, timeProvider.GetUtcNow(), null, null);
    }

    /// <summary>Ends the active window of this name now and applies its policy; null when none of the name is active.</summary>
    public async Task<MaintenanceWindowView?> EndAsync(string name, string user, CancellationToken cancellationToken) =>
        await calendar.EndAsync(name, user, cancellationToken) is { } ended
            ? (await FindAsync(ended.Name, cancellationToken)) ?? View(ended, timeProvider.GetUtcNow(), null, null)
            : null;

    private static MaintenanceWindowView View(MaintenanceWindow w, DateTimeOffset now, HeldBack? held, string? schedule) => new(
        w.Name, w.Origin.ToString(), w.IsActiveAt(now) ? "Active" : w.Start > now ? "Coming" : "Ended", w.Start, w.End,
        w.EndedAt is { } ended && ended < w.End ? ended : null, w.EndedBy, w.StartedBy, w.Reason, w.Subscriptions, w.Services, w.AtEnd.ToString(),
        schedule, held is null ? new HeldBackView(0, 0, 0, 0) : new HeldBackView(held.Events, held.Waiting, held.Delivered, held.Dropped));
}
