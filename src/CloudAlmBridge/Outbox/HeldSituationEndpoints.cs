using System.ComponentModel;
using System.Text.Json;
using CloudAlmBridge.Errors;
using CloudAlmBridge.Input;
using CloudAlmBridge.Tickets;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudAlmBridge.Outbox;

/// <summary>
/// Held situations over REST (role <c>admin</c>): which situations wait because nothing could settle whether their
/// create made a ticket, and settling one. The console's page calls the same use case (<see cref="HeldSituations"/>).
/// </summary>
internal static class HeldSituationEndpoints
{
    private const int PageSize = 50;
    private const int MaxBodyBytes = 16 * 1024;

    public static RouteGroupBuilder MapHeldSituations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/held-situations")
            .WithTags("Tickets and deliveries")
            .RequireAuthorization(Roles.Admin);

        group.MapGet("/", ListAsync)
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidPage", "The page is below 1.", "Invalid page", "Pages are numbered from 1.")
            .AnswersProblem(StatusCodes.Status400BadRequest, "notANumber", "The page is not a whole number.", null)
            .WithName("ListHeldSituations")
            .WithSummary("Situations held until an operator settles them, longest held first, 50 a page: why, since when, and how many events wait.");
        group.MapPost("/{subscription}/{situationId}/settle", SettleAsync)
            .AcceptsJsonBody<SettleRequest>()
            .AnswersProblem(StatusCodes.Status400BadRequest, "invalidSettlement", "The body is not a settlement: outcome ticket (with ticketId), noTicket or discard.",
                "Invalid settlement", "The settlement is invalid; nothing was changed.", ["outcome: 'later' is not one of ticket, noTicket, discard"])
            .AnswersProblem(StatusCodes.Status404NotFound, "noSuchTicket", "The ticket system has no ticket with the id named.", "No such ticket",
                "The ticket system has no ticket 'c537bae64f411200adf9f8e18110c76e' (GET https://acme.service-now.com/api/now/table/incident/c537bae64f411200adf9f8e18110c76e answered 404: No Record found): name the ticket by its id (ServiceNow sys_id, Jira id or key). Nothing was changed.")
            .AnswersProblem(StatusCodes.Status404NotFound, "unknownSituation", "The subscription knows no such situation.", "Unknown situation",
                "Subscription 'demo' knows no situation 'cd0cb7ea-c4ed-43f5-aaf7-e12259483184': there is nothing to settle.")
            .AnswersProblem(StatusCodes.Status409Conflict, "notHeld", "The situation is not held.", "Not held",
                "Situation 'cd0cb7ea-c4ed-43f5-aaf7-e12259483184' on subscription 'demo' is not held (any more): there is nothing to settle.")
            .AnswersProblem(StatusCodes.Status409Conflict, "subscriptionGone", "The subscription is no longer configured, so the ticket named cannot be read.",
                "Subscription not configured", "Subscription 'demo' is no longer configured (or its mapping is gone), so the ticket cannot be read: configure it again, or discard the situation.")
            .AnswersProblem(StatusCodes.Status502BadGateway, "ticketSystemError", "The ticket system could not be asked for the ticket named; nothing was changed.",
                "Ticket system error", "GET https://acme.service-now.com/api/now/table/incident/c537bae64f411200adf9f8e18110c76e failed: servicenow did not answer in time. Nothing was changed; try again.")
            .WithName("SettleHeldSituation")
            .WithSummary("Settles a held situation: ticket (this is its ticket: read, linked, the held events run as updates), noTicket (the create runs again, without the look-up), or discard (the held events are dropped; the situation gets no ticket).");
        return group;
    }

    private static async Task<Results<Ok<HeldSituationView[]>, ProblemHttpResult>> ListAsync(
        [Description("Only the situations of this subscription (its name under Bridge:Subscriptions).")] string? subscription,
        [Description("The page, 1 (the default) for the first 50, 2 for the next 50, and so on.")] int? page,
        HeldSituations held, CancellationToken cancellationToken)
    {
        if (page is < 1)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid page", "Pages are numbered from 1.");
        }

        return TypedResults.Ok((await held.ListAsync(subscription, ((page ?? 1) - 1L) * PageSize, PageSize, cancellationToken)).ToArray());
    }

    private static async Task<Results<Ok<TicketView>, ProblemHttpResult>> SettleAsync(
        [Description("The subscription's name under Bridge:Subscriptions.")] string subscription,
        [Description("The event situation's id (resource.id).")] string situationId,
        HttpRequest request, HeldSituations held, DeliveryDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        var (settlement, ticketId, problems) = body is null ? (null, null, ["the body is over 16384 bytes"]) : Read(body.Value);
        if (settlement is null)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Invalid settlement", "The settlement is invalid; nothing was changed.", problems);
        }

        var result = await held.SettleAsync(subscription, situationId, settlement.Value, ticketId, request.HttpContext.User.Identity?.Name ?? "(unknown)",
            cancellationToken);
        if (result.Failure is { } failure)
        {
            return failure switch
            {
                SettleFailure.UnknownSituation => Problems.Create(StatusCodes.Status404NotFound, "Unknown situation", result.Summary),
                SettleFailure.NotHeld => Problems.Create(StatusCodes.Status409Conflict, "Not held", result.Summary),
                SettleFailure.SubscriptionGone => Problems.Create(StatusCodes.Status409Conflict, "Subscription not configured", result.Summary),
                SettleFailure.NoSuchTicket => Problems.Create(StatusCodes.Status404NotFound, "No such ticket", result.Summary),
                SettleFailure.TicketSystem => Problems.Create(StatusCodes.Status502BadGateway, "Ticket system error", result.Summary),
                SettleFailure.Refused => Problems.Create(StatusCodes.Status409Conflict, "Refused by the bridge", result.Summary),
                _ => Problems.Create(StatusCodes.Status400BadRequest, "Invalid settlement", result.Summary),
            };
        }

        // The situation's deliveries are claimable again: look now, not at the next poll.
        dispatcher.Wake();
        return TypedResults.Ok(DeliveryEndpoints.ToView(result.Settled!));
    }

    /// <summary><c>{"outcome":"ticket","ticketId":"…"}</c>, <c>{"outcome":"noTicket"}</c> or <c>{"outcome":"discard"}</c>; every problem listed.</summary>
    private static (Settlement? Settlement, string? TicketId, List<string> Problems) Read(ReadOnlyMemory<byte> body)
    {
        var problems = new List<string>();
        using var document = JsonInput.Parse(body, string.Empty, out var problem);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            problems.Add(problem ?? "the body must be a JSON object: {\"outcome\": \"ticket\" | \"noTicket\" | \"discard\", \"ticketId\": \"…\"}");
            return (null, null, problems);
        }

        var root = document.RootElement;
        var outcome = root.TryGetProperty("outcome", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var ticketId = root.TryGetProperty("ticketId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        if (root.TryGetProperty("ticketId", out id) && id.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            problems.Add("ticketId: a string, the ticket's id in the ticket system");
        }

        Settlement? settlement = outcome?.ToUpperInvariant() switch
        {
            "TICKET" => Settlement.Ticket,
            "NOTICKET" => Settlement.NoTicket,
            "DISCARD" => Settlement.Discard,
            _ => null,
        };
        if (settlement is null)
        {
            problems.Add(outcome is null ? "outcome: required, one of ticket, noTicket, discard" : $"outcome: '{outcome}' is not one of ticket, noTicket, discard");
        }
        else if (settlement == Settlement.Ticket && string.IsNullOrWhiteSpace(ticketId))
        {
            problems.Add("ticketId: required with outcome ticket: the ticket's id in the ticket system (ServiceNow sys_id, Jira id or key)");
        }

        return problems.Count == 0 ? (settlement, ticketId, problems) : (null, null, problems);
    }
}

/// <summary>How to settle a held situation: <c>outcome</c> <c>ticket</c> (with <c>ticketId</c>), <c>noTicket</c> or <c>discard</c>.</summary>
public sealed record SettleRequest(string Outcome, string? TicketId);
