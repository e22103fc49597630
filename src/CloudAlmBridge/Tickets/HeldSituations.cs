using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Mappings;
using CloudAlmBridge.Storage;
using CloudAlmBridge.TicketSystems;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// Situations held because nothing could settle whether a create made a ticket, and the operator's three ways to settle
/// one: "this is the ticket" (read from the ticket system and linked; the held events then run as updates), "no ticket
/// was made" (the create runs again, without the look-up), "discard" (the held events are dropped, and the situation gets
/// no ticket). One use case for the REST API and the console alike.
/// </summary>
internal sealed class HeldSituations(
    ITicketStore tickets,
    IDeliveryStore deliveries,
    TicketSystemRegistry systems,
    SituationLocks locks,
    ActiveConfiguration configuration,
    MappingCatalog mappings,
    TimeProvider timeProvider,
    ILogger<HeldSituations> logger)
{
    public async Task<IReadOnlyList<HeldSituationView>> ListAsync(string? subscription, long skip, int take, CancellationToken cancellationToken)
    {
        var held = await tickets.ListHeldAsync(subscription, skip, take, cancellationToken);
        var views = new List<HeldSituationView>(held.Count);
        foreach (var link in held)
        {
            views.Add(await ViewAsync(link, cancellationToken));
        }

        return views;
    }

    public async Task<HeldSituationView> ViewAsync(TicketLink link, CancellationToken cancellationToken)
    {
        var waiting = await deliveries.CountAsync(DeliveryState.Queued, link.Subscription, link.SituationId, cancellationToken)
                      + await deliveries.CountAsync(DeliveryState.Retrying, link.Subscription, link.SituationId, cancellationToken);
        return new HeldSituationView(link.Subscription, link.SituationId, link.HeldAt!.Value, link.HoldNote ?? "(no reason recorded)",
            link.HoldDeliveryId, waiting, link.DoubtSince);
    }

    /// <summary>Settles a held situation, under its lock (never beside a PING or a delivery of it).</summary>
    public async Task<SettleResult> SettleAsync(string subscriptionName, string situationId, Settlement settlement, string? ticketId, string user,
        CancellationToken cancellationToken)
    {
        await using var situationLock = await locks.AcquireAsync(subscriptionName, situationId, cancellationToken);
        var link = await tickets.FindLinkAsync(subscriptionName, situationId, cancellationToken);
        if (link is null)
        {
            return SettleResult.Fail(SettleFailure.UnknownSituation,
                $"Subscription '{subscriptionName}' knows no situation '{situationId}': there is nothing to settle.");
        }

        if (!link.IsHeld)
        {
            return SettleResult.Fail(SettleFailure.NotHeld, $"Situation '{situationId}' on subscription '{subscriptionName}' is not held (any more): there is nothing to settle.");
        }

        var now = timeProvider.GetUtcNow();
        var released = link with { HeldAt = null, HoldNote = null, HoldDeliveryId = null, UpdatedAt = now };
        TicketLink settled;
        string summary;
        switch (settlement)
        {
            case Settlement.Ticket:
                if (string.IsNullOrWhiteSpace(ticketId))
                {
                    return SettleResult.Fail(SettleFailure.Invalid, "Name the ticket: its id in the ticket system (ServiceNow sys_id, Jira id or key).");
                }

                var read = await ReadTicketAsync(subscriptionName, situationId, ticketId.Trim(), cancellationToken);
                if (read.Failure is not null)
                {
                    return read.Failure;
                }

                settled = released with
                {
                    TicketId = read.TicketId,
                    TicketNumber = read.Number,
                    TicketStatus = read.Status,
                    DisplayUrl = read.DisplayUrl,
                    IsClosed = false,
                    Doubt = null,
                    DoubtSince = null,
                };
                summary = $"linked to ticket {read.Number ?? read.TicketId}{(read.Number is null ? string.Empty : $" ({read.TicketId})")}; its held events run as updates";
                await tickets.SettleAsync(settled, link.HoldDeliveryId, null, now, cancellationToken);
                break;

            case Settlement.NoTicket:
                settled = released with { Doubt = DoubtKind.NoneConfirmed, DoubtSince = now };
                summary = "no ticket was made: the create runs again (without the look-up), then the held events";
                await tickets.SettleAsync(settled, link.HoldDeliveryId, null, now, cancellationToken);
                break;

            default:
                var note = $"discarded by {user} at {now:yyyy-MM-ddTHH:mm:ssZ}";
                settled = released with { IsClosed = true, Doubt = null, DoubtSince = null, HoldNote = note };
                var skipped = await tickets.SettleAsync(settled, null, $"{note}: the situation was held, and an operator discarded its events", now, cancellationToken);
                summary = $"discarded: {skipped} held event(s) dropped; the situation gets no ticket";
                break;
        }

        TicketLog.SituationSettled(logger, subscriptionName, situationId, user, summary);
        return new SettleResult(settled, summary, null);
    }

    /// <summary>
    /// "This is the ticket": read through the mapping's PING operation (as Cloud ALM's PING reads it), so the link gets
    /// the ticket's own id, number and status, and a ticket that does not exist is refused before anything is linked.
    /// </summary>
    private async Task<TicketRead> ReadTicketAsync(string subscriptionName, string situationId, string ticketId, CancellationToken cancellationToken)
    {
        if (configuration.Current.FindSubscription(subscriptionName) is not { } subscription
            || mappings.Find(subscription.MappingName) is not { } mapping)
        {
            return new TicketRead(SettleResult.Fail(SettleFailure.SubscriptionGone,
                $"Subscription '{subscriptionName}' is no longer configured (or its mapping is gone), so the ticket cannot be read: configure it again, or discard the situation."));
        }

        var system = systems.For(subscription.Webhook);
        var operation = mapping.Document.FindOperation(EventTypes.Ping);
        if (operation is null)
        {
            // Nothing to read it with: linked as named.
            return new TicketRead(null, ticketId, null, null, system.DefaultDisplayUrl(subscription.Webhook, ticketId, null));
        }

        using var resource = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["id"] = situationId }));
        var context = new MappingContext(resource.RootElement.Clone(), subscription.Options.UserVariables, subscription.Options.CloudAlmUrl, ticketId);
        try
        {
            var request = new TicketRequest(subscription.Webhook, operation.Method,
                TicketUrl.Compose(subscription.Webhook, operation.RenderPath(context)), operation.RenderRequest(context), "the read of the ticket an operator named");
            var answer = await system.SendAsync(request, cancellationToken);
            var mapped = operation.MapResponse(answer.Body, context);
            var id = mapped.TicketId ?? ticketId;
            var number = mapped.GetText("externalNumber");
            return new TicketRead(null, id, number, mapped.GetText("externalStatus"),
                mapped.GetText("displayUrl") ?? system.DefaultDisplayUrl(subscription.Webhook, id, number));
        }
        catch (TicketSystemException exception) when (exception.StatusCode == 404)
        {
            return new TicketRead(SettleResult.Fail(SettleFailure.NoSuchTicket,
                $"The ticket system has no ticket '{ticketId}' ({exception.Message}): name the ticket by its id (ServiceNow sys_id, Jira id or key). Nothing was changed."));
        }
        catch (TicketSystemException exception)
        {
            return new TicketRead(SettleResult.Fail(SettleFailure.TicketSystem, $"{exception.Message}. Nothing was changed; try again."));
        }
        catch (DeliveryRefusedException exception)
        {
            // The mapping's read cannot be sent (another host): asking again will not help, the mapping must change.
            return new TicketRead(SettleResult.Fail(SettleFailure.Refused, $"{exception.Message}. Nothing was changed; correct the mapping's read operation."));
        }
    }

    private sealed record TicketRead(SettleResult? Failure, string? TicketId = null, string? Number = null, string? Status = null, string? DisplayUrl = null);
}

/// <summary>How an operator settles a held situation.</summary>
public enum Settlement
{
    /// <summary>This is the situation's ticket: link it, then run the held events as updates.</summary>
    Ticket,

    /// <summary>No ticket was made: create it again (without the look-up), then run the held events.</summary>
    NoTicket,

    /// <summary>Drop the held events; the situation gets no ticket from the bridge.</summary>
    Discard,
}

/// <summary>Why a settlement was refused.</summary>
internal enum SettleFailure
{
    /// <summary>The subscription has no such situation.</summary>
    UnknownSituation,

    /// <summary>The situation is not held (any more).</summary>
    NotHeld,

    /// <summary>The settlement lacks what it needs (a ticket id).</summary>
    Invalid,

    /// <summary>The subscription (or its mapping) is no longer configured: its ticket cannot be read.</summary>
    SubscriptionGone,

    /// <summary>The ticket system has no ticket with the id named.</summary>
    NoSuchTicket,

    /// <summary>The ticket system could not be asked.</summary>
    TicketSystem,

    /// <summary>The bridge would not send the read: its own configuration cannot (the mapping addresses another host).</summary>
    Refused,
}

/// <summary>A settlement's outcome: the situation as settled and what happened, or why nothing was changed.</summary>
internal sealed record SettleResult(TicketLink? Settled, string Summary, SettleFailure? Failure)
{
    public static SettleResult Fail(SettleFailure failure, string message) => new(null, message, failure);
}

/// <summary>
/// A held situation: since when and why, the delivery that was dead-lettered when it was held (the create, usually),
/// and how many of its events wait. <c>createSentAt</c>: when the create whose outcome is unknown was sent.
/// </summary>
public sealed record HeldSituationView(string Subscription, string SituationId, DateTimeOffset HeldAt, string Reason, long? DeliveryId,
    long WaitingEvents, DateTimeOffset? CreateSentAt);
