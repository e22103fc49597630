using System.ComponentModel;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Input;
using CloudAlmBridge.Maintenance;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Outbox;
using CloudAlmBridge.Tickets;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Ingestion;

/// <summary>The Cloud ALM-facing API (docs/api.md §2): a Cloud ALM webhook's path is <c>/api/v1/events/{subscription}</c>.</summary>
internal static class EventEndpoints
{
    private const string SubscriptionParameter =
        "The subscription's name under Bridge:Subscriptions: the last segment of the Cloud ALM webhook's path, e.g. demo.";

    /// <summary>The title of a problem whose cause is the bridge's own configuration (it sent nothing), not the ticket system.</summary>
    private const string RefusedTitle = "Refused by the bridge";

    private const string SituationId = "cd0cb7ea-c4ed-43f5-aaf7-e12259483184";

    public static RouteGroupBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/events")
            .WithTags("Events")
            .RequireAuthorization(Roles.Events)
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownSubscription", "No subscription of this name is configured.",
                "Unknown subscription", "No subscription 'calm-to-snow' is configured; the Cloud ALM webhook's path must be /api/v1/events/{subscription} with a name under Bridge:Subscriptions.")
            .AnswersProblem(StatusCodes.Status409Conflict, "subscriptionDisabled", "The subscription is disabled; nothing was stored or sent.",
                "Subscription disabled", "Subscription 'demo' is disabled (Bridge:Subscriptions:demo:Enabled); nothing was stored or sent.");

        group.MapPost("/{subscription}", ([Description(SubscriptionParameter)] string subscription, [AsParameters] EventCall call, CancellationToken cancellationToken) =>
                HandleAsync(subscription, null, call, cancellationToken))
            .AcceptsJsonBody<ChangeMessage>()
            .AnswersChangeMessageProblems()
            .WithName("PostEvent")
            .WithSummary("Takes a Cloud ALM change message and creates, updates or closes the situation's ticket.")
            .WithDescription("The message is stored before the answer. 201 when this event opened the ticket, 200 when it was delivered otherwise, 202 (Queued or Retrying) when the ticket system did not finish within Bridge:Inbound:WaitForDeliverySeconds, or (Held) when the situation waits for an operator to settle whether its create made a ticket, or (Maintenance) when a maintenance window holds it back until the window ends; always the flat object a Cloud ALM response mapping reads. A duplicate of an accepted message is answered like the original and not delivered twice. A PING is answered from the ticket system at once and not stored.");

        // One endpoint per method: an endpoint name is the OpenAPI operationId, which must be unique.
        foreach (var method in new[] { HttpMethods.Post, HttpMethods.Patch, HttpMethods.Put })
        {
            var verb = method[0] + method[1..].ToLowerInvariant();
            group.MapMethods("/{subscription}/{externalId}", [method],
                    ([Description(SubscriptionParameter)] string subscription,
                        [Description("The event situation's id, as a Cloud ALM mapping with path '/#{externalId}' writes it; it must be the body's resource.id.")] string externalId,
                        [AsParameters] EventCall call, CancellationToken cancellationToken) =>
                        HandleAsync(subscription, externalId, call, cancellationToken))
                .AcceptsJsonBody<ChangeMessage>()
                .AnswersChangeMessageProblems()
                .AnswersProblem(StatusCodes.Status400BadRequest, "pathMismatch", "The path's externalId is not the body's resource.id.",
                    "Invalid change message", $"The path addresses situation '{SituationId}' but resource.id is '4e1d8a52-0b6f-4c3e-9a7d-5f2c1b8e6d90'.",
                    [$"resource.id: '4e1d8a52-0b6f-4c3e-9a7d-5f2c1b8e6d90' does not match the path's externalId '{SituationId}'"])
                .WithName($"{verb}EventForTicket")
                .WithSummary($"The same as {HttpMethods.Post} /{{subscription}}, for Cloud ALM mappings that address an existing ticket with path '/#{{externalId}}' and operation {method}.");
        }

        group.MapGet("/{subscription}/{externalId}", GetTicketAsync)
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidSituationId", "The path's externalId is not a situation id.",
                "Invalid situation id", "The path's externalId is not a situation id; nothing was asked of the ticket system.",
                [$"externalId: {ChangeMessageReader.SituationIdRule}"])
            .AnswersProblem(StatusCodes.Status404NotFound, "noTicket", "The situation has no ticket on this subscription.",
                "No ticket", $"Situation '{SituationId}' has no ticket on subscription 'demo'.")
            .AnswersProblem(StatusCodes.Status409Conflict, "situationHeld", "The situation is held until an operator settles it: no ticket is known.",
                "Situation held", $"Situation '{SituationId}' on subscription 'demo' is held: POST https://tickets.example.com/api/tickets failed: tickets did not answer in time; outcome unknown, and webhook tickets has no look-up to find out. No ticket is known; its events are kept, unsent, until an operator settles it in the bridge's console (Held situations).",
                extensions: new Dictionary<string, object?> { ["externalId"] = SituationId, ["deliveryState"] = EventAnswer.Held })
            .AnswersProblem(StatusCodes.Status409Conflict, "heldByMaintenance", "The situation has no ticket yet: a maintenance window holds its events back until it ends.",
                "Held by maintenance", $"Situation '{SituationId}' on subscription 'demo' has no ticket yet: its events are held by maintenance window s4-upgrade until 2026-12-13T01:00:00.0000000+00:00; no ticket is created or updated before the window ends.",
                extensions: new Dictionary<string, object?> { ["externalId"] = SituationId, ["deliveryState"] = EventAnswer.Maintenance, ["maintenanceWindow"] = "s4-upgrade" })
            .AnswersProblem(StatusCodes.Status502BadGateway, "ticketSystemError", "The ticket system refused the read or could not be reached; the problem carries its own error.",
                "Ticket system error", "GET https://acme.service-now.com/api/now/table/incident/c537bae64f411200adf9f8e18110c76e answered 404: No Record found: Record doesn't exist or ACL restricts the record retrieval",
                extensions: new Dictionary<string, object?> { ["externalId"] = SituationId, ["deliveryState"] = nameof(AttemptOutcome.Failed), ["targetStatus"] = 404 })
            .WithName("GetTicketStatus")
            .WithSummary("PING: reads the ticket from the ticket system and answers its current number and status.");

        return group;
    }

    /// <summary>What every route that takes a change message can refuse, besides the subscription's own problems.</summary>
    private static RouteHandlerBuilder AnswersChangeMessageProblems(this RouteHandlerBuilder builder) => builder
        .AnswersProblem(StatusCodes.Status400BadRequest, "invalidMessage", "The change message is malformed or invalid: every problem is listed, nothing was stored or sent.",
            "Invalid change message", "The change message is malformed or invalid; nothing was stored or sent.",
            ["resourceType: required, a non-empty string",
                "eventType: 'EVENT-SITUATION.OPENED' is not one of EVENT-SITUATION.CREATED, EVENT-SITUATION.UPDATED, EVENT-SITUATION.CLOSED, EVENT-SITUATION.DELETED, EVENT-SITUATION.PING",
                "resource.id: required, the event situation's id as a non-empty string"])
        .AnswersProblem(StatusCodes.Status413PayloadTooLarge, "bodyTooLarge", "The body is over Bridge:Inbound:MaxBodyBytes.",
            "Body too large", "A change message may have at most 1048576 bytes (Bridge:Inbound:MaxBodyBytes).")
        .AnswersProblem(StatusCodes.Status422UnprocessableEntity, "resourceTypeNotHandled", "The subscription does not handle the message's resource type.",
            "Resource type not handled", "Subscription 'demo' handles 'EVENT-SITUATION', not 'WORKFLOWS'.")
        .AnswersProblem(StatusCodes.Status502BadGateway, "deadLettered", "The ticket system refused the change for good: the delivery is dead-lettered (replay it once the cause is fixed), and the problem carries the ticket system's own error.",
            "Ticket system error", "PATCH https://acme.service-now.com/api/now/table/incident/c537bae64f411200adf9f8e18110c76e answered 403: Operation Failed: Data Policy Exception: The following fields are mandatory: Resolution code",
            extensions: new Dictionary<string, object?>
            {
                ["externalId"] = SituationId,
                ["deliveryState"] = nameof(DeliveryState.DeadLettered),
                ["deliveryId"] = 42,
                ["targetStatus"] = 403,
            });

    private static async Task<Results<Created<EventAnswer>, Ok<EventAnswer>, Accepted<EventAnswer>, ProblemHttpResult>> HandleAsync(
        string subscriptionName, string? externalId, EventCall call, CancellationToken cancellationToken)
    {
        var (request, configuration, inbox, ticketStatus, maintenance) = call;
        var model = configuration.Current;
        if (CheckSubscription(model, subscriptionName) is { } notUsable)
        {
            return notUsable;
        }

        // A body that is not JSON never gets here: AcceptsJsonBody answers 415 once the caller is authorized.
        var subscription = model.FindSubscription(subscriptionName)!;
        var body = await RequestBody.ReadAsync(request, model.Options.Inbound.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Body too large",
                $"A change message may have at most {model.Options.Inbound.MaxBodyBytes} bytes (Bridge:Inbound:MaxBodyBytes).");
        }

        var (message, problems) = ChangeMessageReader.Read(body.Value);
        if (message is null)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid change message",
                "The change message is malformed or invalid; nothing was stored or sent.", problems);
        }

        if (externalId is not null && !string.Equals(externalId, message.SituationId, StringComparison.Ordinal))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid change message",
                $"The path addresses situation '{externalId}' but resource.id is '{message.SituationId}'.",
                [$"resource.id: '{message.SituationId}' does not match the path's externalId '{externalId}'"]);
        }

        if (!subscription.Handles(message.ResourceType))
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "Resource type not handled",
                $"Subscription '{subscription.Name}' handles '{subscription.Options.ResourceType}', not '{message.ResourceType}'.");
        }

        if (message.EventType == EventTypes.Ping)
        {
            // A PING reads the ticket and changes nothing: answered directly, never queued.
            var status = await ticketStatus.ReadAsync(subscription, message.SituationId, message.Resource);
            return status.Outcome == TicketStatusOutcome.Read
                ? TypedResults.Ok(PingAnswer(message.SituationId, status))
                : PingProblem(message.SituationId, status);
        }

        // An event a maintenance window covers is stored as always; the dispatcher holds it (the window is decided
        // there). The answer does not wait for a delivery that will not come before the window ends.
        var window = await maintenance.CoveringAsync(subscription.Name, ServiceOf(message), confirm: false, cancellationToken);
        var wait = window is null ? TimeSpan.FromSeconds(model.Options.Inbound.WaitForDeliverySeconds) : TimeSpan.Zero;
        var (delivery, link) = await inbox.AcceptAsync(subscription, message, body.Value, wait, cancellationToken);
        return Answer(model, subscription, delivery, link, await inbox.RefusedByTheBridgeAsync(delivery, cancellationToken), window is not null);
    }

    /// <summary>The answer for an accepted event, from its delivery's state (a duplicate gets the original's).</summary>
    private static Results<Created<EventAnswer>, Ok<EventAnswer>, Accepted<EventAnswer>, ProblemHttpResult> Answer(
        BridgeModel model, ResolvedSubscription subscription, DeliveryRecord delivery, TicketLink? link, bool refusedByTheBridge, bool inMaintenance)
    {
        var answer = new EventAnswer
        {
            ExternalId = delivery.SituationId,
            ExternalNumber = link?.TicketNumber,
            ExternalStatus = link?.TicketStatus,
            DisplayUrl = link?.DisplayUrl,
            TicketId = link?.TicketId,
            // A pending event of a held situation waits for an operator, not for the ticket system: it says so; one a
            // maintenance window holds back waits for the window's end. A finished event of a situation that joined a
            // group says that its ticket is the group's.
            DeliveryState = delivery.State.IsPending()
                ? link is { IsHeld: true } ? EventAnswer.Held
                    : inMaintenance || delivery.HeldUntil is not null ? EventAnswer.Maintenance
                    : delivery.State.ToString()
                : delivery.State is DeliveryState.Delivered or DeliveryState.Skipped && link is { GroupedWith: not null } ? EventAnswer.Grouped
                : delivery.State.ToString(),
        };

        return delivery.State switch
        {
            // 502 either way (no ticket was made), but the bridge's own refusal is not dressed as the ticket system's error.
            DeliveryState.DeadLettered => Problems.Create(StatusCodes.Status502BadGateway, refusedByTheBridge ? RefusedTitle : "Ticket system error",
                delivery.LastError ?? "The delivery was dead-lettered.",
                extensions: new Dictionary<string, object?>
                {
                    ["externalId"] = answer.ExternalId,
                    ["deliveryState"] = answer.DeliveryState,
                    ["deliveryId"] = delivery.Id,
                    ["targetStatus"] = delivery.LastStatus,
                }),
            DeliveryState.Queued or DeliveryState.Retrying => TypedResults.Accepted(PublicLinks.To(model, $"/api/v1/deliveries/{delivery.Id}"), answer),
            _ when delivery.TicketCreated => TypedResults.Created(PublicLinks.To(model,
                $"/api/v1/events/{Uri.EscapeDataString(subscription.Name)}/{Uri.EscapeDataString(delivery.SituationId)}"), answer),
            _ => TypedResults.Ok(answer),
        };
    }

    private static async Task<Results<Ok<EventAnswer>, ProblemHttpResult>> GetTicketAsync(
        [Description(SubscriptionParameter)] string subscription,
        [Description("The event situation's id (resource.id) whose ticket is read.")] string externalId, ActiveConfiguration configuration,
        TicketStatusReader ticketStatus)
    {
        var model = configuration.Current;
        if (CheckSubscription(model, subscription) is { } notUsable)
        {
            return notUsable;
        }

        if (!ChangeMessageReader.IsSituationId(externalId))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid situation id",
                "The path's externalId is not a situation id; nothing was asked of the ticket system.", [$"externalId: {ChangeMessageReader.SituationIdRule}"]);
        }

        // A PING addressed by path carries no situation body: the id is all the ticket look-up needs.
        var status = await ticketStatus.ReadAsync(model.FindSubscription(subscription)!, externalId, null);
        return status.Outcome == TicketStatusOutcome.Read ? TypedResults.Ok(PingAnswer(externalId, status)) : PingProblem(externalId, status);
    }

    private static string? ServiceOf(ChangeMessage message) =>
        message.Resource.TryGetProperty("serviceId", out var service) && service.ValueKind == System.Text.Json.JsonValueKind.String
            ? service.GetString()
            : null;

    private static ProblemHttpResult? CheckSubscription(BridgeModel model, string name)
    {
        if (model.FindSubscription(name) is not { } subscription)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "Unknown subscription",
                $"No subscription '{name}' is configured; the Cloud ALM webhook's path must be /api/v1/events/{{subscription}} with a name under Bridge:Subscriptions.");
        }

        return subscription.Options.Enabled
            ? null
            : Problems.Create(StatusCodes.Status409Conflict, "Subscription disabled",
                $"Subscription '{name}' is disabled (Bridge:Subscriptions:{name}:Enabled); nothing was stored or sent.");
    }

    /// <summary>The answer for a PING, read directly from the ticket system: its number and status, or why there are none.</summary>
    private static EventAnswer PingAnswer(string situationId, TicketStatusResult status) => new()
    {
        ExternalId = situationId,
        ExternalNumber = status.Link?.TicketNumber,
        ExternalStatus = status.Link?.TicketStatus,
        DisplayUrl = status.Link?.DisplayUrl,
        TicketId = status.Link?.TicketId,
        DeliveryState = status.Attempt.ToString(),
    };

    /// <summary>A PING that read no ticket: none known (404), held (409), or the ticket system's refusal (502).</summary>
    private static ProblemHttpResult PingProblem(string situationId, TicketStatusResult status) => status.Outcome switch
    {
        TicketStatusOutcome.NoTicket => Problems.Create(StatusCodes.Status404NotFound, "No ticket", status.Detail),
        TicketStatusOutcome.Held => Problems.Create(StatusCodes.Status409Conflict, "Situation held", status.Detail,
            extensions: new Dictionary<string, object?> { ["externalId"] = situationId, ["deliveryState"] = EventAnswer.Held }),
        TicketStatusOutcome.Maintenance => Problems.Create(StatusCodes.Status409Conflict, "Held by maintenance", status.Detail,
            extensions: new Dictionary<string, object?>
            {
                ["externalId"] = situationId,
                ["deliveryState"] = EventAnswer.Maintenance,
                ["maintenanceWindow"] = status.Window,
            }),
        // The ticket system's own message travels with the problem: the operator sees why, not only that.
        TicketStatusOutcome.Failed or TicketStatusOutcome.Refused => Problems.Create(StatusCodes.Status502BadGateway,
            status.Outcome == TicketStatusOutcome.Refused ? RefusedTitle : "Ticket system error", status.Detail,
            extensions: new Dictionary<string, object?>
            {
                ["externalId"] = situationId,
                ["deliveryState"] = status.Attempt.ToString(),
                ["targetStatus"] = status.TargetStatusCode,
            }),
        _ => throw new InvalidOperationException($"A PING that ended {status.Outcome} is answered 200, not as a problem."),
    };
}

/// <summary>
/// What every change message route needs besides its path: the request and the services that take the message in.
/// One bundle (<c>[AsParameters]</c>), so the four routes of a change message (POST, and POST, PATCH, PUT with a
/// situation id) share one parameter list.
/// </summary>
internal sealed record EventCall(
    HttpRequest Request,
    ActiveConfiguration Configuration,
    EventInbox Inbox,
    TicketStatusReader TicketStatus,
    MaintenanceCalendar Maintenance);
