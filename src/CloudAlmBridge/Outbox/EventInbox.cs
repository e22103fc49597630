using System.Text;
using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Observability;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Outbox;

/// <summary>
/// Accepts a change message durably (committed before the answer), wakes the dispatcher, and waits a bounded time for
/// the delivery so that Cloud ALM usually gets the ticket in the same call.
/// </summary>
internal sealed class EventInbox(
    IDeliveryStore deliveries,
    ITicketStore tickets,
    DeliveryDispatcher dispatcher,
    DeliveryNotifications notifications,
    ActiveConfiguration configuration,
    StorageOutage outage,
    BridgeMetrics metrics,
    TimeProvider timeProvider)
{
    private int _storing;

    /// <summary>
    /// Whether a dead letter's last attempt was the bridge's own refusal (its configuration cannot send it) rather than
    /// the ticket system's failure: the answer says whose it was. Read only for a dead letter, the rare answer.
    /// </summary>
    public async Task<bool> RefusedByTheBridgeAsync(DeliveryRecord delivery, CancellationToken cancellationToken) =>
        delivery.State == DeliveryState.DeadLettered
        && (await deliveries.GetAttemptsAsync(delivery.Id, cancellationToken)) is [.., { Outcome: AttemptOutcome.Refused }];

    public async Task<(DeliveryRecord Delivery, TicketLink? Link)> AcceptAsync(ResolvedSubscription subscription, ChangeMessage message,
        ReadOnlyMemory<byte> body, TimeSpan wait, CancellationToken cancellationToken)
    {
        // One fingerprint of the message as it came (whitespace between tokens left out), for the body hash and the
        // dedupe key both: no second serialization of the resource.
        var fingerprint = MessageFingerprint.Of(body.Span);

        // A message repeats an accepted one when it has the same subscription, situation, event type, update time and
        // content (a resend, however its JSON is spaced), or, without an update time, the same content. Two messages
        // with one update time but different content are two events: both are delivered.
        var dedupeKey = message.Resource.TryGetProperty("updateTime", out var updateTime) && updateTime.ValueKind == JsonValueKind.String
                        && updateTime.GetString() is { Length: > 0 } time
            ? $"updateTime:{time}:{fingerprint}"
            : $"body:{fingerprint}";
        var accepted = new NewDelivery(subscription.Name, message.SituationId, message.EventType, dedupeKey, fingerprint,
            Encoding.UTF8.GetString(body.Span), timeProvider.GetUtcNow(), BridgeTracing.TraceParentToStore());

        var (delivery, duplicate, link) = await StoreAsync(accepted, withLink: wait <= TimeSpan.Zero, cancellationToken);
        if (!duplicate)
        {
            metrics.EventReceived(subscription.Name, message.EventType);
            dispatcher.Accepted(delivery.Id, message);
        }

        if (wait <= TimeSpan.Zero)
        {
            // The link as it stood when the event was committed: read with it, no second round trip.
            return (delivery, link);
        }

        if (delivery.State.IsFinal())
        {
            // A duplicate of a delivery that has finished: answered like the original, nothing to wait for.
            return (delivery, await tickets.FindLinkAsync(subscription.Name, message.SituationId, cancellationToken));
        }

        // A new event is not finished anywhere this soon: its first look at the storage is the first cross-instance
        // poll, and this process's own finish wakes it. A duplicate's delivery may have finished long ago: asked at once.
        var committed = await notifications.WaitAsync(delivery.Id,
            async () => (await deliveries.GetStateAsync(delivery.Id, cancellationToken))?.IsFinal() ?? true,
            wait, timeProvider, cancellationToken, askStorageFirst: duplicate);
        if (committed is not null)
        {
            // Finished here: the answer comes from what the dispatcher committed, not from a read of it (issue 21,
            // item 2). A delivery that ended before it touched the situation's link (say, its subscription was
            // removed) carries none: the link is read then.
            return (committed.Delivery, committed.Link
                ?? await tickets.FindLinkAsync(subscription.Name, message.SituationId, cancellationToken));
        }

        // Finished by another instance, or still pending when the wait was up: read.
        var (finished, finishedLink) = await deliveries.FindWithLinkAsync(delivery.Id, cancellationToken);
        return (finished!, finishedLink);
    }

    /// <summary>
    /// Stores the event, at most <c>MaxConcurrentStores</c> at once and within <c>StoreTimeout</c>: a storage that is
    /// slow or locked makes the call a 503 with Retry-After, never a wait that only the caller's own timeout ends. An
    /// answer that will not wait reads the link with the insert; one that waits reads it once the wait is over.
    /// </summary>
    private async Task<(DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)> StoreAsync(NewDelivery delivery, bool withLink,
        CancellationToken cancellationToken)
    {
        var inbound = configuration.Current.Options.Inbound;
        try
        {
            if (Interlocked.Increment(ref _storing) > inbound.MaxConcurrentStores)
            {
                throw new StoreRefusedException(
                    $"{inbound.MaxConcurrentStores} events are being stored already (Bridge:Inbound:MaxConcurrentStores): the storage is slow or away.",
                    mayBeStored: false);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(inbound.StoreTimeout);
            try
            {
                var stored = withLink
                    ? await deliveries.AcceptWithLinkAsync(delivery, timeout.Token)
                    : await WithoutLinkAsync(deliveries.AcceptAsync(delivery, timeout.Token));
                outage.Recovered();
                return stored;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new StoreRefusedException(
                    $"The bridge could not store the event within {inbound.StoreTimeout} (Bridge:Inbound:StoreTimeout): the storage is slow or locked.",
                    mayBeStored: true);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _storing);
        }
    }

    private static async Task<(DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)> WithoutLinkAsync(
        Task<(DeliveryRecord Delivery, bool IsDuplicate)> accept)
    {
        var (accepted, duplicate) = await accept;
        return (accepted, duplicate, null);
    }
}
