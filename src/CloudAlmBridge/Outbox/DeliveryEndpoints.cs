using System.ComponentModel;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Maintenance;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Outbox;

/// <summary>Tickets and deliveries for operators (docs/api.md §4): what was sent, what failed and why, and replay.</summary>
internal static class DeliveryEndpoints
{
    private const int PageSize = 50;
    private static readonly IReadOnlyList<DeliveryState> States = Enum.GetValues<DeliveryState>();

    private const string PageParameter = "The page, 1 (the default) for the first 50, 2 for the next 50, and so on.";
    private const string InvalidPageWhen = "The page is below 1.";
    private const string UnknownDeliveryWhen = "No delivery has this id (finished deliveries are removed after Bridge:Storage:RetentionDays).";
    private const string DeliveryIdParameter = "The delivery's id, as the deliveries list and a 202 answer's Location show it.";

    public static RouteGroupBuilder MapTicketsAndDeliveries(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1")
            .WithTags("Tickets and deliveries")
            .RequireAuthorization(Roles.Admin);

        group.MapGet("/tickets", ListTicketsAsync)
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidPage", InvalidPageWhen, "Invalid page", "Pages are numbered from 1.")
            .AnswersProblem(StatusCodes.Status400BadRequest, "notANumber", "The page is not a whole number.", null)
            .WithName("ListTickets")
            .WithSummary("Situation-to-ticket links, 50 a page (page=1, 2, ...), filtered by subscription and ticket status.");
        group.MapGet("/tickets/{subscription}/{situationId}", GetTicketAsync)
            .AnswersProblem(StatusCodes.Status404NotFound, "noTicket", "The situation has no ticket on this subscription.", "No ticket",
                "Situation 'cd0cb7ea-c4ed-43f5-aaf7-e12259483184' has no ticket on subscription 'demo'.")
            .WithName("GetTicket")
            .WithSummary("One link with its event history: every delivery of the situation, in acceptance order.");
        group.MapGet("/deliveries", ListDeliveriesAsync)
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidPage", InvalidPageWhen, "Invalid page", "Pages are numbered from 1.")
            .AnswersProblem(StatusCodes.Status400BadRequest, "notANumber", "The page is not a whole number.", null)
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidState", "The state is not one of the delivery states.", "Invalid state",
                $"'Sent' is not a delivery state; use one of {string.Join(", ", States)}.")
            .WithName("ListDeliveries")
            .WithSummary($"Deliveries in acceptance order, 50 a page, filtered by state ({string.Join(", ", States)}).");
        group.MapGet("/deliveries/{id:long}", GetDeliveryAsync)
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownDelivery", UnknownDeliveryWhen, "Unknown delivery", "No delivery 42 exists.")
            .WithName("GetDelivery")
            .WithSummary("One delivery with every attempt: time, status code, error, next attempt; heldBy and heldUntil while a maintenance window holds it back (heldBy stays as its history).");
        group.MapPost("/deliveries/{id:long}/retry", RetryAsync)
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownDelivery", UnknownDeliveryWhen, "Unknown delivery", "No delivery 42 exists.")
            .AnswersProblem(StatusCodes.Status409Conflict, "notDeadLettered", "The delivery is not dead-lettered: only dead letters can be replayed.",
                "Not dead-lettered", "Delivery 42 is Delivered; only dead-lettered deliveries can be replayed.")
            .AnswersProblem(StatusCodes.Status409Conflict, "situationHeld", "The delivery's situation is held: settle the situation instead.",
                "Situation held", "Situation 'cd0cb7ea-c4ed-43f5-aaf7-e12259483184' on subscription 'demo' is held: nothing can tell whether its create made a ticket. Settle it instead (POST /api/v1/held-situations/demo/cd0cb7ea-c4ed-43f5-aaf7-e12259483184/settle, or the console's Held situations): name its ticket, say that no ticket was made, or discard its events.")
            .WithName("RetryDelivery")
            .WithSummary("Replays a dead-lettered delivery (after the cause was fixed): it is queued again with a fresh attempt budget.");
        return group;
    }

    private static async Task<Results<Ok<TicketView[]>, ProblemHttpResult>> ListTicketsAsync(
        [Description("Only the links of this subscription (its name under Bridge:Subscriptions).")] string? subscription,
        [Description("Only the links whose ticket status is this, ignoring case: NEW, IN_PROCESS, ON_HOLD, RESOLVED, CLOSED, CANCELED for the built-in ServiceNow mappings.")] string? status,
        [Description(PageParameter)] int? page,
        ITicketStore tickets, CancellationToken cancellationToken)
    {
        if (page is < 1)
        {
            return InvalidPage();
        }

        var links = await tickets.ListLinksAsync(subscription, status, ((page ?? 1) - 1L) * PageSize, PageSize, cancellationToken);
        return TypedResults.Ok(links.Select(l => ToView(l)).ToArray());
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> GetTicketAsync(
        [Description("The subscription's name under Bridge:Subscriptions.")] string subscription,
        [Description("The event situation's id (resource.id, the externalId Cloud ALM knows).")] string situationId,
        ITicketStore tickets, IDeliveryStore deliveries, CancellationToken cancellationToken)
    {
        var link = await tickets.FindLinkAsync(subscription, situationId, cancellationToken);
        if (link is null)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "No ticket",
                $"Situation '{situationId}' has no ticket on subscription '{subscription}'.");
        }

        var history = await deliveries.ListAsync(null, subscription, situationId, 0, 1000, cancellationToken);
        return TypedResults.Ok(ToView(link, history.Select(d => ToView(d)).ToList()));
    }

    private static async Task<Results<Ok<DeliveryView[]>, ProblemHttpResult>> ListDeliveriesAsync(
        [Description("Only the deliveries in this state, ignoring case.")] string? state, [Description(PageParameter)] int? page,
        IDeliveryStore deliveries, CancellationToken cancellationToken)
    {
        if (page is < 1)
        {
            return InvalidPage();
        }

        DeliveryState? known = state is null ? null : States.Where(s => string.Equals(s.ToString(), state, StringComparison.OrdinalIgnoreCase))
            .Select(s => (DeliveryState?)s).FirstOrDefault();
        if (state is not null && known is null)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid state",
                $"'{state}' is not a delivery state; use one of {string.Join(", ", States)}.");
        }

        var list = await deliveries.ListAsync(known, null, null, ((page ?? 1) - 1L) * PageSize, PageSize, cancellationToken);
        return TypedResults.Ok(list.Select(d => ToView(d)).ToArray());
    }

    private static async Task<Results<Ok<DeliveryView>, ProblemHttpResult>> GetDeliveryAsync([Description(DeliveryIdParameter)] long id, IDeliveryStore deliveries,
        MaintenanceCalendar maintenance, CancellationToken cancellationToken)
    {
        if (await deliveries.FindAsync(id, cancellationToken) is not { } delivery)
        {
            return UnknownDelivery(id);
        }

        // An event that waits behind its situation's held one is marked only at the window's end: the window that
        // covers it now holds it as much.
        if (delivery.State.IsPending() && delivery.HeldUntil is null
            && await maintenance.CoveringAsync(delivery.Subscription, ServiceOf(delivery), confirm: false, cancellationToken) is { } window)
        {
            delivery = delivery with { HeldBy = window.Name, HeldUntil = window.EffectiveEnd };
        }

        var attempts = await deliveries.GetAttemptsAsync(id, cancellationToken);
        using var message = System.Text.Json.JsonDocument.Parse(delivery.Message);
        return TypedResults.Ok(ToView(delivery, attempts.Select(a => new AttemptView(a.AttemptedAt, a.Outcome.ToString(), a.StatusCode, a.Error, a.NextAttemptAt)).ToList())
            with
        { Message = message.RootElement.Clone() });
    }

    private static async Task<Results<Accepted<DeliveryView>, ProblemHttpResult>> RetryAsync([Description(DeliveryIdParameter)] long id, DeadLetterReplay replay,
        ActiveConfiguration configuration, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await replay.ReplayOneAsync(id, context.User.Identity?.Name ?? "(unknown)", cancellationToken);
        return result.Outcome switch
        {
            ReplayOutcome.Replayed => TypedResults.Accepted(PublicLinks.To(configuration.Current, $"/api/v1/deliveries/{id}"), ToView(result.Delivery!)),
            ReplayOutcome.Unknown => Problems.Create(StatusCodes.Status404NotFound, "Unknown delivery", result.Detail),
            ReplayOutcome.SituationHeld => Problems.Create(StatusCodes.Status409Conflict, "Situation held", result.Detail),
            _ => Problems.Create(StatusCodes.Status409Conflict, "Not dead-lettered", result.Detail),
        };
    }

    internal static DeliveryView ToView(DeliveryRecord d, IReadOnlyList<AttemptView>? attempts = null) => new(
        d.Id, d.Subscription, d.SituationId, d.EventType, d.State.ToString(), d.Attempts, d.AcceptedAt,
        d.State.IsPending() ? d.NextAttemptAt : null, d.CompletedAt, d.Action, d.LastStatus, d.LastError, d.Owner, attempts,
        HeldBy: d.HeldBy, HeldUntil: d.State.IsPending() ? d.HeldUntil : null);

    internal static TicketView ToView(TicketLink l, IReadOnlyList<DeliveryView>? events = null) => new(
        l.Subscription, l.SituationId, l.TicketId, l.TicketNumber, l.TicketStatus, l.DisplayUrl, l.IsClosed, l.IsClosedWithoutTicket, l.CreatedAt,
        l.UpdatedAt, events, l.IsHeld, l.HeldAt, l.HoldNote, l.Doubt is DoubtKind.MayExist or DoubtKind.ExistsWithoutId ? l.Doubt.ToString() : null,
        l.ReopenedFrom, l.ReopenedBy, l.GroupId, l.GroupedWith);

    private static string? ServiceOf(DeliveryRecord delivery)
    {
        using var message = System.Text.Json.JsonDocument.Parse(delivery.Message);
        return message.RootElement.TryGetProperty("resource", out var resource) && resource.ValueKind == System.Text.Json.JsonValueKind.Object
               && resource.TryGetProperty("serviceId", out var service) && service.ValueKind == System.Text.Json.JsonValueKind.String
            ? service.GetString()
            : null;
    }

    private static ProblemHttpResult UnknownDelivery(long id) =>
        Problems.Create(StatusCodes.Status404NotFound, "Unknown delivery", $"No delivery {id} exists.");

    private static ProblemHttpResult InvalidPage() =>
        Problems.Create(StatusCodes.Status400BadRequest, "Invalid page", "Pages are numbered from 1.");
}
