using System.Collections.Concurrent;
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
        // SQLite is one process: leases left by a crash (SIGKILL, power loss) belong to nobody and are released.
        await store.ReleaseAllLeasesAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var options = configuration.Current.Options.Delivery;
            try
            {
                await ClaimAndStartAsync(options, stoppingToken);
                metrics.SetQueueDepth(await store.CountPendingAsync(stoppingToken));
                // Poll interval on the wall clock: a FakeTimeProvider cannot drive a semaphore's timeout, and due times
                // themselves are compared with timeProvider's clock in ClaimDueAsync.
                await _wake.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                // Storage unavailable for a moment: keep the loop alive and try again after the poll interval.
                OutboxLog.DispatcherStorageError(logger, exception);
                await Task.Delay(options.PollInterval, timeProvider, CancellationToken.None);
            }
        }

        // Graceful shutdown: what is in flight finishes, or gives its delivery back (see RunAsync).
        await Task.WhenAll(_running.Values);
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
            _running[delivery.Id] = Task.Run(() => RunAsync(delivery, stoppingToken), CancellationToken.None);
        }
    }

    private async Task RunAsync(DeliveryRecord delivery, CancellationToken stoppingToken)
    {
        try
        {
            await DeliverAsync(delivery, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-call: the delivery goes back to the queue. If a create reached the ticket system, the
            // next attempt finds it by correlation id before creating.
            await store.ReleaseAsync(delivery.Id, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The worker's last line: whatever went wrong (a storage hiccup, a bug) becomes a failed attempt with a
            // retry, so no accepted delivery is ever stuck or lost silently. It dead-letters after MaxAttempts.
            OutboxLog.DeliveryCrashed(logger, delivery.Id, exception);
            await FinishAsync(delivery, new LifecycleOutcome(null, DeliveryStates.Failed, "None",
                Error: $"internal error: {exception.GetType().Name}", Transient: true), configuration.Current.Options.Delivery);
        }
        finally
        {
            // Its situation's next delivery may be due now; the loop also prunes this finished run.
            Wake();
        }
    }

    private async Task DeliverAsync(DeliveryRecord delivery, CancellationToken stoppingToken)
    {
        var options = configuration.Current.Options.Delivery;
        var subscription = configuration.Current.FindSubscription(delivery.Subscription);
        if (subscription is null)
        {
            await FinishAsync(delivery, new LifecycleOutcome(null, DeliveryStates.Failed, "None",
                Error: $"subscription '{delivery.Subscription}' is no longer configured"), options);
            return;
        }

        // The message was validated when it was accepted; it is stored exactly as it came.
        using var message = System.Text.Json.JsonDocument.Parse(delivery.Message);
        var (change, problems) = ChangeMessageReader.Read(message.RootElement);
        if (change is null)
        {
            // Only possible when a newer bridge reads stricter than the one that accepted it: retrying cannot help.
            await FinishAsync(delivery, new LifecycleOutcome(null, DeliveryStates.Failed, "None",
                Error: $"the stored message is no longer a valid change message: {string.Join("; ", problems)}"), options);
            return;
        }

        var gate = _destinations.GetOrAdd(subscription.Webhook.DestinationName, _ => new SemaphoreSlim(options.MaxConcurrencyPerDestination));
        await gate.WaitAsync(stoppingToken);
        LifecycleOutcome outcome;
        try
        {
            outcome = await lifecycle.HandleAsync(subscription, delivery.EventType, delivery.SituationId, change.Resource, delivery.Id, stoppingToken);
        }
        finally
        {
            gate.Release();
        }

        await FinishAsync(delivery, outcome, options);
    }

    private async Task FinishAsync(DeliveryRecord delivery, LifecycleOutcome outcome, DeliveryOptions options)
    {
        var now = timeProvider.GetUtcNow();
        var failedAttempts = delivery.Attempts + 1;
        string state;
        DateTimeOffset? next = null;
        if (outcome.DeliveryState != DeliveryStates.Failed)
        {
            state = outcome.DeliveryState;
        }
        else if (!outcome.Transient)
        {
            state = DeliveryStates.DeadLettered;
        }
        else
        {
            next = now + RetrySchedule.Delay(failedAttempts, outcome.RetryAfter, options, Random.Shared.NextDouble());
            state = RetrySchedule.GivesUp(failedAttempts, delivery.QueuedAt, next.Value, options) ? DeliveryStates.DeadLettered : DeliveryStates.Retrying;
            next = state == DeliveryStates.Retrying ? next : null;
        }

        var attempt = new DeliveryAttempt(now, outcome.DeliveryState, outcome.TargetStatusCode, outcome.Error, next);

        // Recorded even when the host is stopping: the ticket system has already acted on this attempt.
        await store.CompleteAttemptAsync(delivery.Id, attempt, state, outcome.Action, outcome.TicketCreated, CancellationToken.None);
        if (state == DeliveryStates.DeadLettered)
        {
            metrics.DeadLettered(delivery.Subscription);
            OutboxLog.DeadLettered(logger, delivery.Id, delivery.Subscription, delivery.SituationId, failedAttempts, outcome.Error ?? "(no message)");
        }
        else if (state == DeliveryStates.Retrying)
        {
            OutboxLog.RetryScheduled(logger, delivery.Id, delivery.Subscription, delivery.SituationId, failedAttempts, next!.Value);
        }

        if (DeliveryStates.IsFinal(state))
        {
            notifications.Finished(delivery.Id);
        }
    }
}
