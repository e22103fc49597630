using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Outbox;

/// <summary>How a replay of one delivery ended.</summary>
internal enum ReplayOutcome
{
    /// <summary>Queued again; the dispatcher runs it.</summary>
    Replayed,

    /// <summary>No delivery has this id.</summary>
    Unknown,

    /// <summary>Its situation is held: settling the situation is what runs it (replayed, it would wait behind the hold anyway).</summary>
    SituationHeld,

    /// <summary>Not a dead letter (any more): only dead letters are replayed.</summary>
    NotDeadLettered,
}

/// <summary>A replay's result: its outcome, the delivery as it is now (null when unknown), and the outcome in words.</summary>
internal sealed record ReplayResult(ReplayOutcome Outcome, DeliveryRecord? Delivery, string Detail);

/// <summary>
/// Replaying dead letters (docs/api.md §3), one use case for the REST API and the console alike: the same rules, the
/// same words, the same log line (event 5004, naming who did it); the routes and pages only translate the result.
/// </summary>
internal sealed class DeadLetterReplay(IDeliveryStore deliveries, ITicketStore tickets, DeliveryDispatcher dispatcher, TimeProvider timeProvider,
    ILogger<DeadLetterReplay> logger)
{
    public async Task<ReplayResult> ReplayOneAsync(long id, string who, CancellationToken cancellationToken)
    {
        if (await deliveries.FindAsync(id, cancellationToken) is not { } delivery)
        {
            return new ReplayResult(ReplayOutcome.Unknown, null, $"No delivery {id} exists.");
        }

        if (delivery.State == DeliveryState.DeadLettered
            && await tickets.FindLinkAsync(delivery.Subscription, delivery.SituationId, cancellationToken) is { IsHeld: true })
        {
            return new ReplayResult(ReplayOutcome.SituationHeld, delivery,
                $"Situation '{delivery.SituationId}' on subscription '{delivery.Subscription}' is held: nothing can tell whether its create made a ticket. "
                + $"Settle it instead (POST /api/v1/held-situations/{delivery.Subscription}/{delivery.SituationId}/settle, or the console's Held situations): "
                + "name its ticket, say that no ticket was made, or discard its events.");
        }

        if (!await deliveries.ReplayAsync(id, timeProvider.GetUtcNow(), cancellationToken))
        {
            return new ReplayResult(ReplayOutcome.NotDeadLettered, delivery, $"Delivery {id} is {delivery.State}; only dead-lettered deliveries can be replayed.");
        }

        OutboxLog.Replayed(logger, id, who);
        dispatcher.Wake();
        return new ReplayResult(ReplayOutcome.Replayed, await deliveries.FindAsync(id, cancellationToken), $"Delivery {id} is queued again.");
    }

    /// <summary>
    /// Replays each of <paramref name="ids"/> that is still a dead letter; one replayed by someone else meanwhile is
    /// simply not counted. Returns those it replayed.
    /// </summary>
    public async Task<IReadOnlyList<long>> ReplayManyAsync(IEnumerable<long> ids, string who, CancellationToken cancellationToken)
    {
        var replayed = new List<long>();
        foreach (var id in ids)
        {
            if (await deliveries.ReplayAsync(id, timeProvider.GetUtcNow(), cancellationToken))
            {
                replayed.Add(id);
                OutboxLog.Replayed(logger, id, who);
            }
        }

        dispatcher.Wake();
        return replayed;
    }
}
