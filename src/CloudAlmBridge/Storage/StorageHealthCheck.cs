using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudAlmBridge.Storage;

/// <summary>
/// Ready only while an event could be stored now: each probe writes (one row of this instance's in
/// <c>readiness_probe</c>), so a full disk, a read-only failover, a server that is away or out of connections makes the
/// bridge not ready, and the first probe that writes again makes it ready. A read would not do: a full disk reads fine,
/// and a claim that finds nothing due commits without touching the disk.
/// </summary>
internal sealed class StorageHealthCheck(BridgeDatabase database, BridgeInstance instance, StorageOutage outage, TimeProvider timeProvider)
    : IHealthCheck
{
    /// <summary>Longer than a healthy write ever takes, shorter than a probe's own timeout (Kubernetes: 1 s by default, often raised).</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        if (database.Provider.NoRoom() is { } noRoom)
        {
            outage.Failed(new StoreRefusedException(noRoom, mayBeStored: false));
            return HealthCheckResult.Unhealthy("storage takes no writes now: events cannot be stored");
        }

        try
        {
            await database.WriteAsync(async (connection, transaction) =>
            {
                await using var command = connection.CreateCommand("""
                        INSERT INTO readiness_probe (instance, checked_at) VALUES (@instance, @now)
                        ON CONFLICT (instance) DO UPDATE SET checked_at = excluded.checked_at;
                        """, transaction)
                    .Text("@instance", instance.Id).Time(database.Provider, "@now", timeProvider.GetUtcNow());
                return await command.ExecuteNonQueryAsync(CancellationToken.None);
            }, timeout.Token);
            outage.Recovered();
            return HealthCheckResult.Healthy("storage takes writes");
        }
        catch (Exception exception) when (database.Provider.IsUnavailable(exception)
                                          || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The reason is in the log (once per outage): this answer is anonymous.
            outage.Failed(exception);
            return HealthCheckResult.Unhealthy("storage takes no writes now: events cannot be stored");
        }
    }
}
