using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudAlmBridge.Storage;

/// <summary>Ready only while the storage answers and takes writes: an event accepted now would be stored.</summary>
internal sealed class StorageHealthCheck(ITicketStore store, BridgeDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckAsync(cancellationToken);

            // The reason stays in the log: this answer is anonymous.
            return database.LastWriteError is null
                ? HealthCheckResult.Healthy("storage reachable and writable")
                : HealthCheckResult.Unhealthy("storage reachable, but its last write failed: events cannot be stored now");
        }
        catch (Exception exception) when (exception is DbException or IOException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("storage unreachable", exception);
        }
    }
}
