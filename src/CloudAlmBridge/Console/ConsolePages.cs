using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Console.Pages;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Outbox;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Tickets;
using CloudAlmBridge.TicketSystems;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Console;

/// <summary>The console's pages: each reads through the same stores and views as the REST routes, never over HTTP.</summary>
internal static class ConsolePages
{
    public const int PageSize = 50;

    // Shown HTML-encoded by the page: the relaxed encoder keeps umlauts and quotes readable instead of \uXXXX.
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<IResult> OverviewAsync(HttpContext context, IDeliveryStore deliveries, ITicketStore tickets, ActiveConfiguration configuration,
        DestinationHealth health, OverviewCounts counts, CancellationToken cancellationToken)
    {
        // The readiness checks with their details, as GET /api/v1/health gives them (anonymous probes get the statuses only).
        var (lastHour, lastDay, countedAt, report) = await counts.GetAsync(cancellationToken);
        var model = new OverviewModel(
            await deliveries.CountPendingAsync(cancellationToken),
            await deliveries.CountAsync(DeliveryState.DeadLettered, null, null, cancellationToken),
            ByState(lastHour),
            ByState(lastDay),
            HealthOf(configuration, health),
            await tickets.CountHeldAsync(cancellationToken))
        {
            CountedAt = countedAt,
            Readiness = report.Entries.Select(e => new ReadinessView(e.Key, e.Value.Status.ToString(), e.Value.Description)).ToList(),
        };
        return ConsoleForms.Render<OverviewPage>(new { Shell = ConsoleForms.Shell(context, "Overview", "overview"), Model = model });
    }

    public static async Task<IResult> DeliveriesAsync(HttpContext context, string? state, string? subscription, string? situation, string? page,
        string? replayed, IDeliveryStore deliveries, ActiveConfiguration configuration, CancellationToken cancellationToken)
    {
        var filter = ReadFilter(state, subscription, situation, page, out var problem);
        var known = ParseState(filter.State);
        var items = problem is null
            ? await deliveries.ListAsync(known, filter.Subscription, filter.Situation, (filter.Page - 1L) * PageSize, PageSize, cancellationToken)
            : [];
        var model = new DeliveriesModel(
            filter,
            items.Select(d => DeliveryEndpoints.ToView(d)).ToList(),
            problem is null ? await deliveries.CountAsync(known, filter.Subscription, filter.Situation, cancellationToken) : 0,
            PageSize,
            await deliveries.CountAsync(DeliveryState.DeadLettered, filter.Subscription, filter.Situation, cancellationToken),
            Enum.GetValues<DeliveryState>().Select(s => s.ToString()).ToList(),
            SubscriptionNames(configuration));
        var notice = int.TryParse(replayed, out var count) ? $"{count} dead letter(s) queued again." : null;
        return ConsoleForms.Render<DeliveriesPage>(new
        {
            Shell = ConsoleForms.Shell(context, "Deliveries", "deliveries", notice, problem),
            Model = model,
        }, problem is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    public static async Task<IResult> DeliveryAsync(HttpContext context, long id, string? replayed, IDeliveryStore deliveries, ITicketStore tickets,
        CancellationToken cancellationToken)
    {
        if (await deliveries.FindAsync(id, cancellationToken) is not { } delivery)
        {
            return ConsoleForms.Render<ErrorPage>(new
            {
                Shell = ConsoleForms.Shell(context, "Unknown delivery", "deliveries"),
                Message = $"No delivery {id} exists (finished deliveries are removed after Bridge:Storage:RetentionDays).",
            }, StatusCodes.Status404NotFound);
        }

        var attempts = await deliveries.GetAttemptsAsync(id, cancellationToken);
        var link = await tickets.FindLinkAsync(delivery.Subscription, delivery.SituationId, cancellationToken);
        var model = new DeliveryModel(
            DeliveryEndpoints.ToView(delivery, attempts.Select(a => new AttemptView(a.AttemptedAt, a.Outcome.ToString(), a.StatusCode, a.Error, a.NextAttemptAt)).ToList()),
            PrettyJson(delivery.Message),
            link is null ? null : DeliveryEndpoints.ToView(link));
        var notice = replayed is not null ? "Queued again: the dispatcher delivers it in a moment (reload to see the outcome)." : null;
        return ConsoleForms.Render<DeliveryPage>(new { Shell = ConsoleForms.Shell(context, $"Delivery {id}", "deliveries", notice), Model = model });
    }

    public static async Task<IResult> TicketsAsync(HttpContext context, string? subscription, string? status, string? page, ITicketStore tickets,
        ActiveConfiguration configuration, CancellationToken cancellationToken)
    {
        string? problem = null;
        var number = 1;
        if (page is { Length: > 0 } && (!int.TryParse(page, out number) || number < 1))
        {
            problem = $"'{page}' is not a page: pages are numbered from 1.";
            number = 1;
        }

        subscription = Blank(subscription);
        status = Blank(status);
        var links = problem is null ? await tickets.ListLinksAsync(subscription, status, (number - 1L) * PageSize, PageSize + 1, cancellationToken) : [];
        var model = new TicketsModel(subscription, status, number, links.Take(PageSize).Select(l => DeliveryEndpoints.ToView(l)).ToList(),
            links.Count > PageSize, SubscriptionNames(configuration));
        return ConsoleForms.Render<TicketsPage>(new { Shell = ConsoleForms.Shell(context, "Tickets", "tickets", error: problem), Model = model },
            problem is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    public static async Task<IResult> GroupsAsync(HttpContext context, string? subscription, string? state, string? page, ITicketGroupStore groups,
        ActiveConfiguration configuration, CancellationToken cancellationToken)
    {
        string? problem = null;
        var number = 1;
        if (page is { Length: > 0 } && (!int.TryParse(page, out number) || number < 1))
        {
            problem = $"'{page}' is not a page: pages are numbered from 1.";
            number = 1;
        }

        bool? open = Blank(state)?.ToLowerInvariant() switch { "open" => true, "closed" => false, _ => null };
        subscription = Blank(subscription);
        var found = problem is null ? await groups.ListAsync(subscription, open, (number - 1L) * PageSize, PageSize + 1, cancellationToken) : [];
        var rows = new List<GroupRow>();
        foreach (var group in found.Take(PageSize))
        {
            var members = await groups.ListMembersAsync(group.Id, cancellationToken);
            rows.Add(new GroupRow(GroupEndpoints.ToView(group), [.. members.OrderBy(m => m.GroupedWith is null ? 0 : 1).Select(m => DeliveryEndpoints.ToView(m))]));
        }

        var model = new GroupsModel(subscription, open, number, rows, found.Count > PageSize, SubscriptionNames(configuration));
        return ConsoleForms.Render<GroupsPage>(new { Shell = ConsoleForms.Shell(context, "Groups", "groups", error: problem), Model = model },
            problem is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    public static async Task<IResult> HeldAsync(HttpContext context, string? settled, HeldSituations held, CancellationToken cancellationToken)
    {
        var items = await held.ListAsync(null, 0, PageSize, cancellationToken);
        return ConsoleForms.Render<HeldPage>(new
        {
            Shell = ConsoleForms.Shell(context, "Held situations", "held", settled switch
            {
                null => null,
                "discarded" => "Settled: its held events were discarded, and the situation gets no ticket.",
                _ => "Settled: its events go out now.",
            }),
            Model = new HeldModel(items),
        });
    }

    public static IResult Destinations(HttpContext context, ActiveConfiguration configuration, DestinationHealth health) =>
        RenderDestinations(context, configuration, health, null);

    public static IResult RenderDestinations(HttpContext context, ActiveConfiguration configuration, DestinationHealth health, DestinationTestResult? test,
        string? error = null, int status = StatusCodes.Status200OK)
    {
        var model = new DestinationsModel(
            DestinationEndpoints.All(configuration.Current),
            ConfigurationViews.Webhooks(configuration.Current),
            HealthOf(configuration, health),
            test);
        return ConsoleForms.Render<DestinationsPage>(new { Shell = ConsoleForms.Shell(context, "Destinations", "destinations", error: error), Model = model },
            status);
    }

    public static DeliveryFilter ReadFilter(string? state, string? subscription, string? situation, string? page, out string? problem)
    {
        problem = null;
        state = Blank(state);
        if (state is not null && ParseState(state) is null)
        {
            problem = $"'{state}' is not a delivery state; use one of {string.Join(", ", Enum.GetValues<DeliveryState>())}.";
        }

        var number = 1;
        if (page is { Length: > 0 } && (!int.TryParse(page, out number) || number < 1))
        {
            problem ??= $"'{page}' is not a page: pages are numbered from 1.";
            number = 1;
        }

        return new DeliveryFilter(state, Blank(subscription), Blank(situation)?.Trim(), number);
    }

    public static DeliveryState? ParseState(string? state) =>
        state is null ? null : Enum.GetValues<DeliveryState>().Where(s => string.Equals(s.ToString(), state, StringComparison.OrdinalIgnoreCase))
            .Select(s => (DeliveryState?)s).FirstOrDefault();

    public static List<string> SubscriptionNames(ActiveConfiguration configuration) =>
        configuration.Current.Options.Subscriptions.Keys.Order(StringComparer.OrdinalIgnoreCase).ToList();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static List<StateCount> ByState(IReadOnlyDictionary<DeliveryState, long> counts) =>
        Enum.GetValues<DeliveryState>().Select(s => new StateCount(s.ToString(), counts.GetValueOrDefault(s))).ToList();

    /// <summary>Every configured destination, with what this instance saw of its calls (nothing yet: no calls since the start).</summary>
    private static List<DestinationHealthView> HealthOf(ActiveConfiguration configuration, DestinationHealth health)
    {
        var options = configuration.Current.Options;
        var snapshot = health.Snapshot();
        return options.Destinations.OrderBy(d => d.Key, StringComparer.OrdinalIgnoreCase).Select(d =>
        {
            var type = options.Webhooks.Values.Where(w => string.Equals(w.Destination, d.Key, StringComparison.OrdinalIgnoreCase))
                .Select(w => w.DestinationType.ToUpperInvariant()).Distinct(StringComparer.Ordinal).DefaultIfEmpty("(no webhook)");
            var status = snapshot.GetValueOrDefault(d.Key);
            return new DestinationHealthView(d.Key, d.Value.Url ?? string.Empty, string.Join(", ", type), status?.LastSuccess, status?.LastFailure,
                status?.LastFailureMessage, status?.ConsecutiveFailures ?? 0, status?.ConfigurationProblem, status?.LookupProblem,
                status?.LastRefusal, status?.LastRefusalMessage);
        }).ToList();
    }

    private static string PrettyJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
