using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Maintenance;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Observability;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Tickets;

/// <summary>What a read of a situation's ticket found.</summary>
internal enum TicketStatusOutcome
{
    /// <summary>The ticket system answered: the link carries the ticket's current number and status.</summary>
    Read,

    /// <summary>The situation has no ticket on the subscription: nothing was asked of the ticket system.</summary>
    NoTicket,

    /// <summary>The situation is held until an operator settles it: no ticket is known.</summary>
    Held,

    /// <summary>The situation has no ticket yet: its events are held by a maintenance window until the window's end.</summary>
    Maintenance,

    /// <summary>The ticket system refused the read or could not be reached.</summary>
    Failed,

    /// <summary>The bridge would not send the read: its own configuration cannot (the mapping addresses another host).</summary>
    Refused,
}

/// <summary>
/// A read's result: its outcome; the situation's link as the read left it (null without ticket); the lifecycle's
/// attempt outcome (Delivered, Skipped or Failed, the answer's deliveryState); the outcome in words (for a failure, the ticket system's own error);
/// the ticket system's HTTP status of a failure (null when it did not answer); and the maintenance window that holds the situation.
/// </summary>
internal sealed record TicketStatusResult(TicketStatusOutcome Outcome, TicketLink? Link, AttemptOutcome Attempt, string Detail,
    int? TargetStatusCode = null, string? Window = null);

/// <summary>
/// Reading a situation's ticket status: the PING of docs/api.md §2 and §3, whether it comes as a change message or as
/// a <c>GET</c> of the situation's path. It runs through the lifecycle (under the situation's lock, never beside a
/// delivery of it), stores what it read, and is never queued; PINGs of one situation that arrive together share one
/// read (<see cref="PingCoalescer"/>). The routes only translate the result.
/// </summary>
internal sealed class TicketStatusReader(TicketLifecycle lifecycle, PingCoalescer pings, BridgeMetrics metrics, IDeliveryStore deliveries,
    MaintenanceCalendar maintenance)
{
    /// <summary>
    /// Reads the ticket of <paramref name="situationId"/>; <paramref name="resource"/> is the PING's situation as
    /// Cloud ALM sent it, or null when only its id is known (the mapping's PING operation then sees <c>{"id": …}</c>).
    /// </summary>
    /// <remarks>
    /// Takes no cancellation token on purpose: the read is shared by every PING of the situation that arrives
    /// meanwhile, so one caller that goes away must not cancel it for the others.
    /// </remarks>
    public async Task<TicketStatusResult> ReadAsync(ResolvedSubscription subscription, string situationId, JsonElement? resource)
    {
        metrics.EventReceived(subscription.Name, EventTypes.Ping);
        var situation = resource?.Clone() ?? JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["id"] = situationId });
        var outcome = await pings.RunAsync(subscription.Name, situationId,
            () => lifecycle.HandleAsync(subscription, EventTypes.Ping, situationId, situation, null, CancellationToken.None));

        if (outcome.Link is null)
        {
            // No ticket yet because a window holds the situation's events back: said so, not "no ticket" as if none came.
            if (await HeldByMaintenanceAsync(subscription.Name, situationId) is { } held)
            {
                return new TicketStatusResult(TicketStatusOutcome.Maintenance, null, outcome.Outcome,
                    $"Situation '{situationId}' on subscription '{subscription.Name}' has no ticket yet: its events are held by maintenance window "
                    + $"{held.Window} until {held.Until:O}; no ticket is created or updated before the window ends.", Window: held.Window);
            }

            return new TicketStatusResult(TicketStatusOutcome.NoTicket, null, outcome.Outcome,
                $"Situation '{situationId}' has no ticket on subscription '{subscription.Name}'.");
        }

        if (outcome.Link.IsHeld)
        {
            return new TicketStatusResult(TicketStatusOutcome.Held, outcome.Link, outcome.Outcome,
                $"Situation '{situationId}' on subscription '{subscription.Name}' is held: {outcome.Link.HoldNote}. "
                + "No ticket is known; its events are kept, unsent, until an operator settles it in the bridge's console (Held situations).");
        }

        return outcome.Outcome is AttemptOutcome.Failed or AttemptOutcome.Refused
            ? new TicketStatusResult(outcome.Outcome == AttemptOutcome.Refused ? TicketStatusOutcome.Refused : TicketStatusOutcome.Failed,
                outcome.Link, outcome.Outcome, outcome.Error ?? "The delivery failed.", outcome.TargetStatusCode)
            : new TicketStatusResult(TicketStatusOutcome.Read, outcome.Link, outcome.Outcome,
                $"Situation '{situationId}' has ticket {outcome.Link.TicketNumber ?? outcome.Link.TicketId ?? "(unknown)"}, status {outcome.Link.TicketStatus ?? "unknown"}.");
    }

    /// <summary>
    /// The window that holds the situation's pending events, and until when: the one a held event names, or the one
    /// that covers them now (events that wait behind a held one are not marked until the window's end). Null when
    /// nothing of the situation waits.
    /// </summary>
    private async Task<(string Window, DateTimeOffset Until)?> HeldByMaintenanceAsync(string subscription, string situationId)
    {
        var pending = (await deliveries.ListAsync(null, subscription, situationId, 0, int.MaxValue, CancellationToken.None))
            .Where(d => d.State.IsPending()).ToList();
        if (pending.FirstOrDefault(d => d.HeldBy is not null && d.HeldUntil is not null) is { } held)
        {
            return (held.HeldBy!, held.HeldUntil!.Value);
        }

        if (pending.Count == 0)
        {
            return null;
        }

        using var message = JsonDocument.Parse(pending[0].Message);
        var serviceId = message.RootElement.TryGetProperty("resource", out var resource) && resource.ValueKind == JsonValueKind.Object
                        && resource.TryGetProperty("serviceId", out var service) && service.ValueKind == JsonValueKind.String
            ? service.GetString()
            : null;
        return await maintenance.CoveringAsync(subscription, serviceId, confirm: false, CancellationToken.None) is { } window
            ? (window.Name, window.EffectiveEnd)
            : null;
    }
}
