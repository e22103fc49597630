using CloudAlmBridge.Configuration;
using CloudAlmBridge.Console.Pages;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Outbox;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Tickets;
using CloudAlmBridge.TicketSystems;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Console;

/// <summary>The console's state-changing actions (antiforgery-checked, logged with the operator's name).</summary>
internal static class ConsoleActions
{
    /// <summary>A bulk replay takes at most this many dead letters at once: the confirmation says so when there are more.</summary>
    public const int MaxBulkReplay = 500;

    public static async Task<IResult> ReplayOneAsync(HttpContext context, long id, DeadLetterReplay replay, ILogger<ConsoleAudit> logger,
        CancellationToken cancellationToken)
    {
        var result = await replay.ReplayOneAsync(id, User(context), cancellationToken);
        if (result.Outcome != ReplayOutcome.Replayed)
        {
            var (title, section, status) = result.Outcome switch
            {
                ReplayOutcome.Unknown => ("Unknown delivery", "deliveries", StatusCodes.Status404NotFound),
                ReplayOutcome.SituationHeld => ("Situation held", "held", StatusCodes.Status409Conflict),
                _ => ("Not dead-lettered", "deliveries", StatusCodes.Status409Conflict),
            };
            return ConsoleForms.Render<ErrorPage>(new { Shell = ConsoleForms.Shell(context, title, section), Message = result.Detail }, status);
        }

        ConsoleLog.Replayed(logger, User(context), 1, "one", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Results.Redirect($"{ConsoleExtensions.Path}/deliveries/{id}?replayed=1");
    }

    /// <summary>
    /// Replays the selected dead letters (<c>scope=selected</c>, <c>ids</c>) or those of a filter (<c>scope=filter</c>).
    /// The first POST answers a confirmation that states the count; only the confirmed POST replays.
    /// </summary>
    public static async Task<IResult> ReplayManyAsync(HttpContext context, IDeliveryStore deliveries, DeadLetterReplay replay,
        ILogger<ConsoleAudit> logger, CancellationToken cancellationToken)
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

        var replayed = await replay.ReplayManyAsync(ids, User(context), cancellationToken);
        ConsoleLog.Replayed(logger, User(context), replayed.Count, scope, string.Join(", ", replayed));
        var query = filter.Query();
        return Results.Redirect($"{ConsoleExtensions.Path}/deliveries{query}{(query.Length == 0 ? "?" : "&")}replayed={replayed.Count}");
    }

    /// <summary>Settles a held situation with the same use case as the REST API; a refusal shows on the page.</summary>
    public static async Task<IResult> SettleAsync(HttpContext context, HeldSituations held, DeliveryDispatcher dispatcher,
        ILogger<ConsoleAudit> logger, CancellationToken cancellationToken)
    {
        var form = await context.Request.ReadFormAsync(cancellationToken);
        Settlement? settlement = form["outcome"].ToString() switch
        {
            "ticket" => Settlement.Ticket,
            "noTicket" => Settlement.NoTicket,
            "discard" => Settlement.Discard,
            _ => null,
        };
        var result = settlement is null
            ? SettleResult.Fail(SettleFailure.Invalid, "Choose how to settle the situation.")
            : await held.SettleAsync(form["subscription"].ToString(), form["situation"].ToString(), settlement.Value, form["ticketId"].ToString(),
                User(context), cancellationToken);
        if (result.Failure is { } failure)
        {
            var items = await held.ListAsync(null, 0, ConsolePages.PageSize, cancellationToken);
            return ConsoleForms.Render<HeldPage>(new
            {
                Shell = ConsoleForms.Shell(context, "Held situations", "held", error: result.Summary),
                Model = new HeldModel(items),
            }, failure switch
            {
                SettleFailure.NotHeld or SettleFailure.SubscriptionGone or SettleFailure.Refused => StatusCodes.Status409Conflict,
                SettleFailure.NoSuchTicket or SettleFailure.UnknownSituation => StatusCodes.Status404NotFound,
                SettleFailure.TicketSystem => StatusCodes.Status502BadGateway,
                _ => StatusCodes.Status400BadRequest,
            });
        }

        ConsoleLog.Settled(logger, User(context), form["subscription"].ToString(), form["situation"].ToString(), result.Summary);
        dispatcher.Wake();
        return Results.Redirect($"{ConsoleExtensions.Path}/held?settled={(settlement == Settlement.Discard ? "discarded" : "released")}");
    }

    public static async Task<IResult> TestDestinationAsync(HttpContext context, string name, DestinationProbe probe, ActiveConfiguration configuration,
        DestinationHealth health, ILogger<ConsoleAudit> logger, CancellationToken cancellationToken)
    {
        var result = await probe.TestAsync(name, cancellationToken);
        if (result is null)
        {
            return ConsolePages.RenderDestinations(context, configuration, health, null, DestinationProbe.Unknown(name), StatusCodes.Status404NotFound);
        }

        ConsoleLog.DestinationTested(logger, User(context), result.Destination, result.Summary);
        return ConsolePages.RenderDestinations(context, configuration, health, result);
    }

    private static string User(HttpContext context) => context.User.Identity?.Name ?? "(unknown)";
}
