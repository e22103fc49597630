using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudAlmBridge.Console;

/// <summary>
/// The overview's deliveries by state of the last hour and day, and its readiness checks (the storage's writes a row),
/// read at most once every <see cref="MaxAge"/> per instance however many operators reload it, the counts from the
/// index in acceptance order (<c>ix_deliveries_accepted</c>), never from every delivery: the console must never slow
/// the intake of events.
/// </summary>
internal sealed class OverviewCounts(IDeliveryStore deliveries, TimeProvider timeProvider, Func<CancellationToken, Task<HealthReport>> readiness)
{
    public OverviewCounts(IDeliveryStore deliveries, TimeProvider timeProvider, HealthCheckService health)
        : this(deliveries, timeProvider, cancellationToken => health.CheckHealthAsync(Health.HealthExtensions.IsReadiness, cancellationToken))
    {
    }

    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private (DateTimeOffset ReadAt, IReadOnlyDictionary<DeliveryState, long> Hour, IReadOnlyDictionary<DeliveryState, long> Day, HealthReport Readiness)? _last;

    public async Task<(IReadOnlyDictionary<DeliveryState, long> LastHour, IReadOnlyDictionary<DeliveryState, long> LastDay, DateTimeOffset ReadAt, HealthReport Readiness)> GetAsync(
        CancellationToken cancellationToken)
    {
        // One reader at a time: a second operator waits for the first one's counts instead of counting again.
        await _reading.WaitAsync(cancellationToken);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (_last is not { } last || now - last.ReadAt >= MaxAge || last.ReadAt > now)
            {
                last = (now, await deliveries.CountByStateAsync(now.AddHours(-1), cancellationToken),
                    await deliveries.CountByStateAsync(now.AddDays(-1), cancellationToken), await readiness(cancellationToken));
                _last = last;
            }

            return (last.Hour, last.Day, last.ReadAt, last.Readiness);
        }
        finally
        {
            _reading.Release();
        }
    }
}
