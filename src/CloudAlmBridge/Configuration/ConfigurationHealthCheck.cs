using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// Ready while a valid configuration is in force. A rejected change degrades readiness (the bridge still works on the
/// last good configuration) so that the operator notices. The errors themselves go to the log only: this answer is
/// anonymous, and they name clients, hosts and files.
/// </summary>
internal sealed class ConfigurationHealthCheck(ActiveConfiguration configuration) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var rejected = configuration.RejectedChangeErrors;
        return Task.FromResult(rejected.Count == 0
            ? HealthCheckResult.Healthy($"{configuration.Current.Subscriptions.Count} subscriptions in force")
            : HealthCheckResult.Degraded($"last configuration change rejected with {rejected.Count} error(s), listed in the log"));
    }
}
