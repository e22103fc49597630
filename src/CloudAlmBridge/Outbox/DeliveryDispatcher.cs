using System.Collections.Concurrent;
using System.Data.Common;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Ingestion;
using CloudAlmBridge.Observability;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Tickets;

namespace CloudAlmBridge.Outbox;

/// <summary>
/// Delivers the outbox: claims due deliveries (only the oldest pending one of each situation, so a situation's events
/// go out in acceptance order, one at a time), runs each through the ticket lifecycle with a bound per destination,
/// and records the attempt: delivered, retry scheduled, or dead-lettered.
/// </summary>
internal sealed class DeliveryDispatcher(
    IDeliveryStore store,
    TicketLifecycle lifecycle,
    ActiveConfiguration configuration,
    DeliveryNotifications notifications,
    BridgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _destinations = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Look for work now (a new event was accepted, or a delivery finished and freed its situation).</summary>
    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Someone else woke it first: one wake-up is enough.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ReleaseExpiredLeasesAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var options = configuration.Current.Options.Delivery;
            try
            {
                await ClaimAndStartAsync(options, stoppingToken);
                metrics.SetQueueDepth(await store.CountPendingAsync(stoppingToken));
                // Poll interval on the wall clock: a FakeTimeProvider cannot drive a semaphore's timeout, and due times
                // themselves are compared with timeProvider's clock in ClaimDueAsync. Other instances' new events and
                // finished deliveries are found by this poll.
                await _wake.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is DbException or IOException or TimeoutException)
            {
                // Storage unavailable for a moment: keep the loop alive and try again after the poll interval.
                OutboxLog.DispatcherStorageError(logger, exception);
                await Task.Delay(options.PollInterval, timeProvider, CancellationToken.None);
            }
        }

        // Graceful shutdown: what is in flight finishes, or gives its delivery back (see RunAsync).
        await Task.WhenAll(_running.Values);
    }

    /// <summary>
    /// At start, only leases that ran out are cleared: they belong to an instance that died (this host's predecessor
    /// after a crash among them). A live instance renews its leases, so none of its claims is touched.
    /// </summary>
    private async Task ReleaseExpiredLeasesAsync(CancellationToken stoppingToken)
    {
        try
        {
            var released = await store.ReleaseExpiredLeasesAsync(timeProvider.GetUtcNow(), stoppingToken);
            if (released > 0)
            {
                OutboxLog.ExpiredLeasesReleased(logger, released);
            }
        }
        catch (Exception exception) when (exception is DbException or IOException or TimeoutException)
        {
            // Not needed for correctness (an expired lease is claimable as it is): the loop reports the storage.
            OutboxLog.DispatcherStorageError(logger, exception);
        }
    }

    private async Task ClaimAndStartAsync(DeliveryOptions options, CancellationToken stoppingToken)
    {
        // Finished runs are pruned here, by the only writer of _running: a run that removed itself could finish
        // before it was added and stay behind for ever, shrinking the capacity.
        foreach (var (id, run) in _running)
        {
            if (run.IsCompleted)
            {
                _running.TryRemove(id, out _);
            }
        }

        var capacity = options.MaxConcurrentDeliveries - _running.Count;
        if (capacity <= 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var claimed = await store.ClaimDueAsync(now, now + options.LeaseDuration, capacity, stoppingToken);
        foreach (var delivery in claimed)
        {
            _running[delivery.Id] = Task.Run(() => RunAsync(delivery, options.LeaseDuration, stoppingToken), CancellationToken.None);
        }
    }

    private async Task RunAsync(DeliveryRecord delivery, TimeSpan leaseDuration, CancellationToken stoppingToken)
    {
        var claim = delivery.Claim;
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var renewing = new CancellationTokenSource();
        var lease = new LeaseState();
        var renewal = RenewWhileRunningAsync(claim, leaseDuration, lease, run, renewing.Token);
        try
        {
            await DeliverAsync(delivery, claim, run.Token);
        }
        catch (OperationCanceledException) when (lease.Lost)
        {
            // Another instance owns the delivery now and runs it itself: nothing of this run is recorded.
            OutboxLog.ClaimLostDuringRun(logger, delivery.Id, delivery.SituationId);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-call: the delivery goes back to the queue. If a create reached the ticket system, the
            // next attempt finds it by correlation id before creating.
            await store.ReleaseAsync(claim, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The worker's last line: whatever went wrong (a storage hiccup, a bug) becomes a failed attempt with a
            // retry, so no accepted delivery is ever stuck or lost silently. It dead-letters after MaxAttempts.
            OutboxLog.DeliveryCrashed(logger, delivery.Id, exception);
            await FinishAsync(delivery, claim, new LifecycleOutcome(null, DeliveryState.Failed, "None",
                Error: $"internal error: {exception.GetType().Name}", Transient: true), configuration.Current.Options.Delivery);
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;

            // Its situation's next delivery may be due now; the loop also prunes this finished run.
            Wake();
        }
    }

    /// <summary>
    /// Renews the claim every third of the lease for as long as the delivery runs, waits included (for a destination
    /// slot, for a Retry-After), so nothing that still runs is claimed again. A renewal that finds the claim gone, or
    /// a lease that ran out while the storage could not be reached, cancels the run: its owner is someone else now.
    /// </summary>
    private async Task RenewWhileRunningAsync(DeliveryClaim claim, TimeSpan leaseDuration, LeaseState lease, CancellationTokenSource run,
        CancellationToken stop)
    {
        var expires = timeProvider.GetUtcNow() + leaseDuration;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(leaseDuration / 3, timeProvider, stop);
                var until = timeProvider.GetUtcNow() + leaseDuration;
                if (await store.RenewAsync(claim, until, stop))
                {
                    expires = until;
                    continue;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is DbException or IOException or TimeoutException)
            {
                OutboxLog.LeaseRenewalFailed(logger, claim.DeliveryId, exception.Message);
                if (timeProvider.GetUtcNow() < expires)
                {
                    continue;
                }
            }

            lease.Lost = true;
            await run.CancelAsync();
            return;
        }
    }

    private async Task DeliverAsync(DeliveryRecord delivery, DeliveryClaim claim, CancellationToken cancellationToken)
    {
        var options = configuration.Current.Options.Delivery;
        var subscription = configuration.Current.FindSubscription(delivery.Subscription);
        if (subscription is null)
        {
            await FinishAsync(delivery, claim, new LifecycleOutcome(null, DeliveryState.Failed, "None",
                Error: $"subscription '{delivery.Subscription}' is no longer configured"), options);
            return;
        }

        // The message was validated when it was accepted; it is stored exactly as it came.
        using var message = System.Text.Json.JsonDocument.Parse(delivery.Message);
        var (change, problems) = ChangeMessageReader.Read(message.RootElement);
        if (change is null)
        {
            // Only possible when a newer bridge reads stricter than the one that accepted it: retrying cannot help.
            await FinishAsync(delivery, claim, new LifecycleOutcome(null, DeliveryState.Failed, "None",
                Error: $"the stored message is no longer a valid change message: {string.Join("; ", problems)}"), options);
            return;
        }

        var gate = _destinations.GetOrAdd(subscription.Webhook.DestinationName, _ => new SemaphoreSlim(options.MaxConcurrencyPerDestination));
        await gate.WaitAsync(cancellationToken);
        LifecycleOutcome outcome;
        try
        {
            outcome = await lifecycle.HandleAsync(subscription, delivery.EventType, delivery.SituationId, change.Resource, delivery.Id, cancellationToken);
        }
        finally
        {
            gate.Release();
        }

        await FinishAsync(delivery, claim, outcome, options);
    }

    private async Task FinishAsync(DeliveryRecord delivery, DeliveryClaim claim, LifecycleOutcome outcome, DeliveryOptions options)
    {
        var now = timeProvider.GetUtcNow();
        var failedAttempts = delivery.Attempts + 1;
        DeliveryState state;
        DateTimeOffset? next = null;
        if (outcome.DeliveryState != DeliveryState.Failed)
        {
            state = outcome.DeliveryState;
        }
        else if (!outcome.Transient)
        {
            state = DeliveryState.DeadLettered;
        }
        else
        {
            next = now + RetrySchedule.Delay(failedAttempts, outcome.RetryAfter, options, Random.Shared.NextDouble());
            state = RetrySchedule.GivesUp(failedAttempts, delivery.QueuedAt, next.Value, options) ? DeliveryState.DeadLettered : DeliveryState.Retrying;
            next = state == DeliveryState.Retrying ? next : null;
        }

        var attempt = new DeliveryAttempt(now, outcome.DeliveryState, outcome.TargetStatusCode, outcome.Error, next);

        // Recorded even when the host is stopping: the ticket system has already acted on this attempt. Fenced: if the
        // claim was taken over meanwhile, the new owner's result stands and this one is dropped.
        if (!await store.CompleteAttemptAsync(claim, attempt, state, outcome.Action, outcome.TicketCreated, CancellationToken.None))
        {
            OutboxLog.ResultDiscarded(logger, delivery.Id, delivery.SituationId, outcome.DeliveryState.ToString());
            return;
        }

        if (state == DeliveryState.DeadLettered)
        {
            metrics.DeadLettered(delivery.Subscription);
            OutboxLog.DeadLettered(logger, delivery.Id, delivery.Subscription, delivery.SituationId, failedAttempts, outcome.Error ?? "(no message)");
        }
        else if (state == DeliveryState.Retrying)
        {
            OutboxLog.RetryScheduled(logger, delivery.Id, delivery.Subscription, delivery.SituationId, failedAttempts, next!.Value);
        }

        if (state.IsFinal())
        {
            notifications.Finished(delivery.Id);
        }
    }

    /// <summary>Set by the renewal when the claim is gone, read by the run when it is cancelled.</summary>
    private sealed class LeaseState
    {
        private volatile bool _lost;

        public bool Lost
        {
            get => _lost;
            set => _lost = value;
        }
    }
}
