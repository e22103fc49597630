using System.Collections.Concurrent;
using System.Data.Common;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Health;
using CloudAlmBridge.Maintenance;
using CloudAlmBridge.Observability;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Tickets;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Outbox;

/// <summary>
/// Delivers the outbox: claims due deliveries (only the oldest pending one of each situation, so a situation's events
/// go out in acceptance order, one at a time), runs each through the ticket lifecycle with a bound per destination,
/// and records the attempt: delivered, retry scheduled, or dead-lettered.
/// </summary>
internal sealed class DeliveryDispatcher(
    IDeliveryStore store,
    ITicketStore tickets,
    StorageOutage outage,
    TicketLifecycle lifecycle,
    MaintenanceCalendar maintenance,
    ActiveConfiguration configuration,
    DeliveryNotifications notifications,
    BridgeMetrics metrics,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan QueueDepthInterval = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _queueDepthCountedAt;
    private readonly ConcurrentDictionary<long, ClaimedRun> _running = new();

    /// <summary>
    /// At most this many accepted events wait here parsed; beyond it (a backlog, or deliveries another instance claims)
    /// they are parsed again from storage. About what the dispatcher starts in a second or two: a parsed event holds a
    /// few KB, and a larger hand-off only kept a backlog's messages in memory twice (the peak RSS under the side-by-side
    /// ingest load, docs/performance.md).
    /// </summary>
    private const int AcceptedCapacity = 1024;

    /// <summary>Events this process accepted, parsed once, handed to their first attempt here (issue 21, item 2).</summary>
    private readonly ConcurrentDictionary<long, ChangeMessage> _accepted = new();

    /// <summary>
    /// A new event this process has just accepted and parsed: its first attempt here takes it as it is, instead of
    /// parsing the stored message again. Wakes the dispatcher.
    /// </summary>
    public void Accepted(long deliveryId, ChangeMessage message)
    {
        if (_accepted.Count >= AcceptedCapacity)
        {
            // Entries nobody here takes (claimed by another instance) must not fill it for good.
            _accepted.Clear();
        }

        _accepted[deliveryId] = message;
        Wake();
    }

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
        // An operator ended a maintenance window here: its held deliveries are due now, so look at once.
        maintenance.Ended += Wake;
        try
        {
            await RunLoopAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            BackgroundFailure.StopTheHost(lifetime, logger, "delivery dispatcher", exception);
        }
        finally
        {
            maintenance.Ended -= Wake;
        }
    }

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        await ReleaseExpiredLeasesAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var options = configuration.Current.Options.Delivery;
            try
            {
                await ClaimAndStartAsync(options, stoppingToken);
                await UpdateQueueDepthAsync(stoppingToken);
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
                // Storage unavailable for a moment: keep the loop alive and try again after the poll interval. The
                // outage is logged once, when it begins and when it ends, not at every poll.
                outage.Failed(exception);
                OutboxLog.DispatcherStorageError(logger, exception);
                await Task.Delay(options.PollInterval, timeProvider, CancellationToken.None);
            }
        }

        // Graceful shutdown: what is in flight finishes, or gives its delivery back (see RunAsync).
        await Task.WhenAll(_running.Values.Select(r => r.Task));
    }

    /// <summary>
    /// The queue depth and held situations gauges, counted at most every few seconds: counting is proportional to the backlog, and the loop
    /// runs at every accepted event.
    /// </summary>
    private async Task UpdateQueueDepthAsync(CancellationToken stoppingToken)
    {
        if (timeProvider.GetElapsedTime(_queueDepthCountedAt) < QueueDepthInterval && _queueDepthCountedAt != 0)
        {
            return;
        }

        _queueDepthCountedAt = timeProvider.GetTimestamp();
        metrics.SetQueueDepth(await store.CountPendingAsync(stoppingToken));
        metrics.SetHeld(await tickets.CountHeldAsync(stoppingToken));
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
            if (run.Task.IsCompleted)
            {
                _running.TryRemove(id, out _);
            }
        }

        var capacity = options.ConcurrentDeliveriesOn(configuration.Current.Options.Storage.Provider) - _running.Count;
        if (capacity <= 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var until = now + options.LeaseDuration;
        var claimed = await store.ClaimDueAsync(now, until, capacity, stoppingToken);
        if (claimed.Count > 0)
        {
            // A claim that took rows wrote them: the storage takes writes (one that took none may not have touched it).
            outage.Recovered();
        }

        foreach (var delivery in claimed)
        {
            // A delivery still running here whose lease ran out (this process was starved, or the storage was away)
            // and that this instance claimed again: the running attempt takes the new claim over, and no second
            // attempt starts beside it.
            if (_running.TryGetValue(delivery.Id, out var running) && !running.Task.IsCompleted)
            {
                if (running.TryAdopt(delivery.Claim, until))
                {
                    OutboxLog.ClaimAdopted(logger, delivery.Id);
                }
                else
                {
                    // The earlier run gave its claim up and is still ending: it finishes before another starts.
                    await store.ReleaseAsync(delivery.Claim, stoppingToken);
                }

                continue;
            }

            var run = new ClaimedRun(delivery.Claim, until);
            run.Task = Task.Run(() => RunAsync(delivery, run, options.LeaseDuration, stoppingToken), CancellationToken.None);
            _running[delivery.Id] = run;
        }
    }

    private async Task RunAsync(DeliveryRecord delivery, ClaimedRun claimed, TimeSpan leaseDuration, CancellationToken stoppingToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var renewing = new CancellationTokenSource();
        var renewal = RenewWhileRunningAsync(claimed, leaseDuration, run, renewing.Token);
        try
        {
            await DeliverAsync(delivery, claimed, run.Token);
        }
        catch (OperationCanceledException) when (claimed.Lost)
        {
            // Another instance owns the delivery now and runs it itself: nothing of this run is recorded.
            OutboxLog.ClaimLostDuringRun(logger, delivery.Id, delivery.SituationId);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-call: the delivery goes back to the queue. If a create reached the ticket system, the
            // next attempt finds it by correlation id before creating.
            await store.ReleaseAsync(claimed.Claim, CancellationToken.None);
        }
        catch (Exception exception) when (exception is DbException or IOException or TimeoutException)
        {
            // The storage went away under the delivery: the outage is logged once (not a stack trace per delivery), and
            // the attempt is recorded once it is back, or its lease runs out and the delivery is claimed again.
            outage.Failed(exception);
            OutboxLog.DeliveryInterruptedByStorage(logger, delivery.Id, exception.Message);
            await FinishAsync(delivery, claimed, new LifecycleOutcome(null, AttemptOutcome.Failed, LifecycleAction.None,
                Error: $"the storage failed during the attempt: {exception.Message}", Transient: true), configuration.Current.Options.Delivery);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The worker's last line: whatever went wrong (a bug) becomes a failed attempt with a retry, so no accepted
            // delivery is ever stuck or lost silently. It dead-letters after MaxAttempts.
            OutboxLog.DeliveryCrashed(logger, delivery.Id, exception);
            await FinishAsync(delivery, claimed, new LifecycleOutcome(null, AttemptOutcome.Failed, LifecycleAction.None,
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
    /// slot, for a Retry-After), so nothing that still runs is claimed again. The run is cancelled when a renewal
    /// finds the claim gone, and also, with a margin, before the lease it holds runs out without a renewal (the storage
    /// away, a renewal hanging): by then another instance may take the delivery over.
    /// </summary>
    private async Task RenewWhileRunningAsync(ClaimedRun claimed, TimeSpan leaseDuration, CancellationTokenSource run, CancellationToken stop)
    {
        var margin = leaseDuration / 6;
        while (!stop.IsCancellationRequested)
        {
            var (claim, expires) = claimed.Current;
            var left = expires - margin - timeProvider.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                if (claimed.TryGiveUp(claim))
                {
                    await run.CancelAsync();
                    return;
                }

                continue;
            }

            try
            {
                // Most deliveries end long before their first renewal: the wait is cancelled then, and ends without an
                // exception (one per delivery was most of the exceptions the bridge threw under load).
                await Task.Delay(left < leaseDuration / 3 ? left : leaseDuration / 3, timeProvider, stop)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var remaining = expires - margin - timeProvider.GetUtcNow();
                attempt.CancelAfter(remaining > TimeSpan.FromMilliseconds(100) ? remaining : TimeSpan.FromMilliseconds(100));
                var until = timeProvider.GetUtcNow() + leaseDuration;
                if (await store.RenewAsync(claim, until, attempt.Token))
                {
                    claimed.Renewed(claim, until);
                }
                else if (claimed.TryGiveUp(claim))
                {
                    await run.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // The renewal took too long: the loop looks at the time left again.
                OutboxLog.LeaseRenewalFailed(logger, claim.DeliveryId, "the renewal did not answer in time");
            }
            catch (Exception exception) when (exception is DbException or IOException or TimeoutException)
            {
                OutboxLog.LeaseRenewalFailed(logger, claim.DeliveryId, exception.Message);
            }
        }
    }

    private async Task DeliverAsync(DeliveryRecord delivery, ClaimedRun claim, CancellationToken cancellationToken)
    {
        using var activity = BridgeTracing.StartDelivery(delivery.Id, delivery.Subscription, delivery.SituationId, delivery.EventType,
            delivery.TraceParent);
        var options = configuration.Current.Options.Delivery;
        var subscription = configuration.Current.FindSubscription(delivery.Subscription);
        if (subscription is null)
        {
            await FinishAsync(delivery, claim, new LifecycleOutcome(null, AttemptOutcome.Failed, LifecycleAction.None,
                Error: $"subscription '{delivery.Subscription}' is no longer configured"), options);
            return;
        }

        // The message was validated when it was accepted; it is stored exactly as it came. Accepted here, it is taken
        // as it was parsed then; otherwise (a retry, a restart, another instance's accept) parsed from storage.
        IReadOnlyList<string> problems = [];
        if (!_accepted.TryRemove(delivery.Id, out var change))
        {
            using var message = System.Text.Json.JsonDocument.Parse(delivery.Message);
            (change, problems) = ChangeMessageReader.Read(message.RootElement);
        }

        if (change is null)
        {
            // Only possible when a newer bridge reads stricter than the one that accepted it: retrying cannot help.
            await FinishAsync(delivery, claim, new LifecycleOutcome(null, AttemptOutcome.Failed, LifecycleAction.None,
                Error: $"the stored message is no longer a valid change message: {string.Join("; ", problems)}"), options);
            return;
        }

        if (await ApplyMaintenanceAsync(delivery, claim, change.Resource, cancellationToken) is not { } released)
        {
            return;
        }

        delivery = released;

        // The destination's bound applies per call to it (Delivery/DestinationSlots), not per delivery: a delivery
        // that waits between its calls holds no slot.
        // The outcome is committed with the link it left, in one write, inside the situation's lock; what follows the
        // commit (metrics, logs, the waiting call's answer) comes after the lock.
        Committed? committed = null;
        var outcome = await lifecycle.HandleAsync(subscription, delivery.EventType, delivery.SituationId, change.Resource, delivery, cancellationToken,
            async (result, link) => committed = await CommitAsync(delivery, claim, result, options, link));
        Report(delivery, claim, outcome, committed ?? await CommitAsync(delivery, claim, outcome, options, null));
    }

    /// <summary>
    /// Maintenance windows are decided here, at dispatch, never at accept (an event in a window is stored as always).
    /// A delivery a window covers is held until the window's end, with its situation's other pending events, and
    /// nothing is sent. One that a window held, when no window covers it any more, gets its window's end applied to its
    /// situation (<see cref="MaintenanceEnd"/>): all its held events dropped, or released in order. Returns the delivery
    /// to deliver now, or null when there is nothing more to do with it here. Under the claim, so an end is applied once
    /// per situation whichever instance gets there first.
    /// </summary>
    private async Task<DeliveryRecord?> ApplyMaintenanceAsync(DeliveryRecord delivery, ClaimedRun claim, System.Text.Json.JsonElement situation,
        CancellationToken cancellationToken)
    {
        var serviceId = situation.TryGetProperty("serviceId", out var service) && service.ValueKind == System.Text.Json.JsonValueKind.String
            ? service.GetString()
            : null;
        if (await maintenance.CoveringAsync(delivery.Subscription, serviceId, confirm: true, cancellationToken) is { } window)
        {
            var until = window.EffectiveEnd;
            if (await store.HoldAsync(claim.Claim, delivery.Subscription, delivery.SituationId, window.Name, until, CancellationToken.None) is not { } held)
            {
                OutboxLog.ResultDiscarded(logger, delivery.Id, delivery.SituationId, "held by maintenance");
                return null;
            }

            metrics.HeldByMaintenance(delivery.Subscription, held);
            if (held > 0)
            {
                MaintenanceLog.Held(logger, delivery.Subscription, delivery.SituationId, window.Name, until, held);
            }

            // A Cloud ALM call that waits for this delivery is answered now: Maintenance, not a wait until it times out.
            notifications.Changed(delivery.Id);
            return null;
        }

        if (delivery.HeldBy is not { } heldBy || delivery.HeldUntil is not { } heldUntil)
        {
            return delivery;
        }

        var (policy, start) = await maintenance.EndPolicyAsync(heldBy, heldUntil, cancellationToken);
        var link = await tickets.FindLinkAsync(delivery.Subscription, delivery.SituationId, cancellationToken);
        var pending = (await store.ListAsync(null, delivery.Subscription, delivery.SituationId, 0, int.MaxValue, cancellationToken))
            .Where(d => d.State.IsPending()).ToList();
        var (decision, why) = MaintenanceEnd.Decide(policy, link?.HasTicket ?? false, [.. pending.Select(d => d.EventType)],
            start is { } began && pending.Any(d => d.AcceptedAt < began));
        var now = timeProvider.GetUtcNow();
        var note = $"maintenance window {heldBy}: {why}";
        var settled = await store.SettleHeldAsync(claim.Claim, delivery.Subscription, delivery.SituationId, heldBy, decision == EndDecision.Drop, note,
            now, CancellationToken.None);
        if (settled is not { } result)
        {
            OutboxLog.ResultDiscarded(logger, delivery.Id, delivery.SituationId, "maintenance end");
            return null;
        }

        var (newlyHeld, count) = result;

        // The events that waited behind the held one are the window's too: counted now, under either policy.
        metrics.HeldByMaintenance(delivery.Subscription, newlyHeld);
        MaintenanceLog.Settled(logger, delivery.Subscription, delivery.SituationId, heldBy, count, why);
        if (decision == EndDecision.Drop)
        {
            for (var i = 0; i < count; i++)
            {
                metrics.AttemptRecorded(delivery.Subscription, nameof(AttemptOutcome.Skipped));
            }

            foreach (var dropped in pending)
            {
                notifications.Changed(dropped.Id);
            }

            return null;
        }

        return delivery with { QueuedAt = now, HeldUntil = null };
    }

    private async Task FinishAsync(DeliveryRecord delivery, ClaimedRun claimed, LifecycleOutcome outcome, DeliveryOptions options) =>
        Report(delivery, claimed, outcome, await CommitAsync(delivery, claimed, outcome, options, null));

    /// <summary>What an attempt committed: its new state and record, or that the claim was lost and nothing of it stands.</summary>
    private sealed record Committed(bool Stands, DeliveryState State, DeliveryAttempt Attempt, string? Error);

    /// <summary>
    /// The attempt, the delivery's new state and the situation's <paramref name="link"/> (when the event left it
    /// unsaved) in one write. Recorded even when the host is stopping: the ticket system has already acted on this
    /// attempt. Fenced: if the claim was taken over meanwhile, the new owner's result stands and this one is dropped
    /// (the link is written all the same: what the ticket system made is never forgotten).
    /// </summary>
    private async Task<Committed> CommitAsync(DeliveryRecord delivery, ClaimedRun claimed, LifecycleOutcome outcome, DeliveryOptions options,
        TicketLink? link)
    {
        var now = timeProvider.GetUtcNow();
        var failedAttempts = delivery.Attempts + 1;
        var (state, next, reason) = RetrySchedule.Next(outcome.Outcome, outcome.Transient, outcome.RetryAfter, failedAttempts, delivery.QueuedAt,
            now, options, Random.Shared.NextDouble());
        var error = reason is null ? outcome.Error : $"{outcome.Error}; {reason}";
        var attempt = new DeliveryAttempt(now, outcome.Outcome, outcome.TargetStatusCode, error ?? outcome.Note, next);
        var stands = await store.CompleteAttemptAsync(claimed.Claim, attempt, state, outcome.Action.ToString(), outcome.TicketCreated, link,
            CancellationToken.None);
        return new Committed(stands, state, attempt, error);
    }

    private void Report(DeliveryRecord delivery, ClaimedRun claimed, LifecycleOutcome outcome, Committed committed)
    {
        var (stands, state, attempt, error) = committed;
        var next = attempt.NextAttemptAt;
        var failedAttempts = delivery.Attempts + 1;
        if (!stands)
        {
            OutboxLog.ResultDiscarded(logger, delivery.Id, delivery.SituationId, outcome.Outcome.ToString());
            return;
        }

        metrics.AttemptRecorded(delivery.Subscription, outcome.Outcome.ToString());

        if (state == DeliveryState.DeadLettered)
        {
            metrics.DeadLettered(delivery.Subscription);
            OutboxLog.DeadLettered(logger, delivery.Id, delivery.Subscription, delivery.SituationId, failedAttempts, error ?? "(no message)");
        }
        else if (state == DeliveryState.Retrying)
        {
            OutboxLog.RetryScheduled(logger, delivery.Id, delivery.Subscription, delivery.SituationId, failedAttempts, next!.Value);
        }

        if (state.IsFinal())
        {
            // The row as this attempt committed it (CompleteAttemptAsync, fenced by the claim: nothing else wrote it
            // meanwhile): a waiting call is answered from it without reading it back.
            notifications.Finished(new FinishedDelivery(delivery with
            {
                State = state,
                Attempts = delivery.Attempts + 1,
                NextAttemptAt = next ?? delivery.NextAttemptAt,
                Action = outcome.Action.ToString(),
                TicketCreated = delivery.TicketCreated || outcome.TicketCreated,
                LastStatus = attempt.StatusCode,
                LastError = attempt.Error,
                CompletedAt = attempt.AttemptedAt,
                Owner = claimed.Claim.Owner,
                LeaseId = null,
            }, outcome.Link));
        }
    }

    /// <summary>
    /// One delivery running here, and the claim it runs under: renewed by its renewal loop, replaced when this instance
    /// claims the same delivery again (<see cref="TryAdopt"/>), given up when it is lost.
    /// </summary>
    private sealed class ClaimedRun(DeliveryClaim claim, DateTimeOffset expires)
    {
        private readonly Lock _lock = new();
        private DeliveryClaim _claim = claim;
        private DateTimeOffset _expires = expires;
        private bool _lost;

        public Task Task { get; set; } = Task.CompletedTask;

        public DeliveryClaim Claim
        {
            get
            {
                lock (_lock)
                {
                    return _claim;
                }
            }
        }

        public (DeliveryClaim Claim, DateTimeOffset Expires) Current
        {
            get
            {
                lock (_lock)
                {
                    return (_claim, _expires);
                }
            }
        }

        public bool Lost
        {
            get
            {
                lock (_lock)
                {
                    return _lost;
                }
            }
        }

        public void Renewed(DeliveryClaim renewed, DateTimeOffset until)
        {
            lock (_lock)
            {
                if (_claim == renewed)
                {
                    _expires = until;
                }
            }
        }

        /// <summary>False when the run already gave up (then a new run starts under the new claim).</summary>
        public bool TryAdopt(DeliveryClaim newer, DateTimeOffset until)
        {
            lock (_lock)
            {
                if (_lost || Task.IsCompleted)
                {
                    return false;
                }

                (_claim, _expires) = (newer, until);
                return true;
            }
        }

        /// <summary>Gives the run up unless its claim was replaced meanwhile (then the loop goes on with the new one).</summary>
        public bool TryGiveUp(DeliveryClaim given)
        {
            lock (_lock)
            {
                if (_claim != given)
                {
                    return false;
                }

                _lost = true;
                return true;
            }
        }
    }
}
