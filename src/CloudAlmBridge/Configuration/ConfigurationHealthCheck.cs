using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// Ready while a valid configuration is in force. A rejected change, or a changed setting that is read at start only,
/// degrades readiness (the bridge still works on the last good configuration, or the start's value) so that the
/// operator notices. The errors themselves go to the log only: this answer is
/// anonymous, and they name clients, hosts and files.
/// </summary>
internal sealed class ConfigurationHealthCheck(ActiveConfiguration configuration) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var rejected = configuration.RejectedChangeErrors;
        var pending = configuration.ChangedSinceStart;
        return Task.FromResult((rejected.Count, pending.Count) switch
        {
            ( > 0, _) => HealthCheckResult.Degraded($"last configuration change rejected with {rejected.Count} error(s), listed in the log"),
            (_, > 0) => HealthCheckResult.Degraded($"settings read at start changed, in force only after a restart: {string.Join(", ", pending)}"),
            _ => HealthCheckResult.Healthy($"{configuration.Current.Subscriptions.Count} subscriptions in force"),
        });
    }
}
