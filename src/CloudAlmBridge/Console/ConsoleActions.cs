using CloudAlmBridge.Configuration;
using CloudAlmBridge.Console.Pages;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Outbox;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Tickets;

namespace CloudAlmBridge.Console;

/// <summary>The console's state-changing actions (antiforgery-checked, logged with the operator's name).</summary>
internal static class ConsoleActions
{
    /// <summary>A bulk replay takes at most this many dead letters at once: the confirmation says so when there are more.</summary>
    public const int MaxBulkReplay = 500;

    public static async Task<IResult> ReplayOneAsync(HttpContext context, long id, IDeliveryStore deliveries, DeliveryDispatcher dispatcher,
        TimeProvider timeProvider, ILogger<ConsoleAudit> logger, CancellationToken cancellationToken)
    {
        if (await deliveries.FindAsync(id, cancellationToken) is not { } delivery)
        {
            return ConsoleForms.Render<ErrorPage>(new
            {
                Shell = ConsoleForms.Shell(context, "Unknown delivery", "deliveries"),
                Message = $"No delivery {id} exists.",
            }, StatusCodes.Status404NotFound);
        }

        if (!await deliveries.ReplayAsync(id, timeProvider.GetUtcNow(), cancellationToken))
        {
            return ConsoleForms.Render<ErrorPage>(new
            {
                Shell = ConsoleForms.Shell(context, "Not dead-lettered", "deliveries"),
                Message = $"Delivery {id} is {delivery.State}; only dead-lettered deliveries can be replayed.",
            }, StatusCodes.Status409Conflict);
        }

        OutboxLog.Replayed(logger, id, User(context));
        ConsoleLog.Replayed(logger, User(context), 1, "one", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        dispatcher.Wake();
        return Results.Redirect($"{ConsoleExtensions.Path}/deliveries/{id}?replayed=1");
    }

    /// <summary>
    /// Replays the selected dead letters (<c>scope=selected</c>, <c>ids</c>) or those of a filter (<c>scope=filter</c>).
    /// The first POST answers a confirmation that states the count; only the confirmed POST replays.
    /// </summary>
    public static async Task<IResult> ReplayManyAsync(HttpContext context, IDeliveryStore deliveries, DeliveryDispatcher dispatcher,
        TimeProvider timeProvider, ILogger<ConsoleAudit> logger, CancellationToken cancellationToken)
    {
        var form = await context.Request.ReadFormAsync(cancellationToken);
        var scope = form["scope"].ToString() == "filter" ? "filter" : "selected";
        var filter = ConsolePages.ReadFilter(form["state"], form["subscription"], form["situation"], null, out _);
        List<long> ids;
        var confirmed = form["confirmed"] == "yes";
        if (scope == "filter" && !confirmed)
        {
            var deadLetters = await deliveries.ListAsync(DeliveryState.DeadLettered, filter.Subscription, filter.Situation, 0, MaxBulkReplay, cancellationToken);
            ids = deadLetters.Select(d => d.Id).ToList();
        }
        else
        {
            // The confirmed POST replays exactly the set the confirmation listed (its ids), never the filter run
            // again: a dead letter that arrived in between was not confirmed.
            ids = [];
            foreach (var text in form["ids"].Distinct().Take(MaxBulkReplay))
            {
                if (long.TryParse(text, out var id) && await deliveries.FindAsync(id, cancellationToken) is { State: DeliveryState.DeadLettered })
                {
                    ids.Add(id);
                }
            }
        }

        if (ids.Count == 0)
        {
            return Results.Redirect($"{ConsoleExtensions.Path}/deliveries{filter.Query()}{(filter.Query().Length == 0 ? "?" : "&")}replayed=0");
        }

        if (!confirmed)
        {
            return ConsoleForms.Render<ReplayConfirm>(new
            {
                Shell = ConsoleForms.Shell(context, "Confirm replay", "deliveries"),
                Model = new ReplayConfirmModel(scope, ids, filter, ids.Count),
            });
        }

        var replayed = new List<long>();
        foreach (var id in ids)
        {
            // A dead letter replayed by someone else in the meantime is simply not counted.
            if (await deliveries.ReplayAsync(id, timeProvider.GetUtcNow(), cancellationToken))
            {
                replayed.Add(id);
                OutboxLog.Replayed(logger, id, User(context));
            }
        }

        ConsoleLog.Replayed(logger, User(context), replayed.Count, scope, string.Join(", ", replayed));
        dispatcher.Wake();
        var query = filter.Query();
        return Results.Redirect($"{ConsoleExtensions.Path}/deliveries{query}{(query.Length == 0 ? "?" : "&")}replayed={replayed.Count}");
    }

    public static async Task<IResult> TestDestinationAsync(HttpContext context, string name, DestinationProbe probe, ActiveConfiguration configuration,
        DestinationHealth health, ILogger<ConsoleAudit> logger, CancellationToken cancellationToken)
    {
        var result = await probe.TestAsync(name, cancellationToken);
        if (result is null)
        {
            return ConsolePages.RenderDestinations(context, configuration, health, null, $"No destination '{name}' exists.", StatusCodes.Status404NotFound);
        }

        ConsoleLog.DestinationTested(logger, User(context), result.Destination, result.Summary);
        return ConsolePages.RenderDestinations(context, configuration, health, result);
    }

    private static string User(HttpContext context) => context.User.Identity?.Name ?? "(unknown)";
}
