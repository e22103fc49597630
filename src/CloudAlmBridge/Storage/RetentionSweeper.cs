using System.Data.Common;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Health;

namespace CloudAlmBridge.Storage;

/// <summary>
/// Removes delivered and skipped deliveries (and their attempts) older than <c>Bridge:Storage:RetentionDays</c>, in
/// small batches with a pause between them, off the hot path: the outbox would otherwise grow for ever. Dead letters
/// stay until replayed; the situations' ticket links stay (later events of a situation need them). Expired console
/// sessions go too.
/// </summary>
internal sealed class RetentionSweeper(
    IDeliveryStore store,
    ConsoleSessionStore sessions,
    ActiveConfiguration configuration,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan PauseBetweenBatches = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunLoopAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            BackgroundFailure.StopTheHost(lifetime, logger, "retention sweeper", exception);
        }
    }

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        // The first sweep a little after the start, not in the middle of it.
        var wait = TimeSpan.FromMinutes(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, timeProvider, stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is DbException or IOException or TimeoutException)
            {
                // The next sweep tries again; nothing is lost by a sweep that did not run.
                StorageLog.RetentionFailed(logger, exception.Message);
            }

            wait = Interval;
        }
    }

    /// <summary>One sweep: batch after batch until nothing old is left. Public for the tests and for operators' tools.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        // Expired console sessions can no longer be used: their rows go whatever the retention.
        await sessions.RemoveExpiredAsync(timeProvider.GetUtcNow(), cancellationToken);

        var days = configuration.Current.Options.Storage.RetentionDays;
        if (days <= 0)
        {
            return 0;
        }

        var cutoff = timeProvider.GetUtcNow() - TimeSpan.FromDays(days);
        var removed = 0;
        int batch;
        do
        {
            batch = await store.RemoveFinishedAsync(cutoff, BatchSize, cancellationToken);
            removed += batch;
            if (batch == BatchSize)
            {
                await Task.Delay(PauseBetweenBatches, timeProvider, cancellationToken);
            }
        }
        while (batch == BatchSize);

        if (removed > 0)
        {
            StorageLog.RetentionRemoved(logger, removed, days);
        }

        return removed;
    }
}
