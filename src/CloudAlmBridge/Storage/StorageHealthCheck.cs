using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudAlmBridge.Storage;

/// <summary>Ready only while the storage answers.</summary>
internal sealed class StorageHealthCheck(ITicketStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy("storage reachable");
        }
        catch (Exception exception) when (exception is DbException or IOException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("storage unreachable", exception);
        }
    }
}
