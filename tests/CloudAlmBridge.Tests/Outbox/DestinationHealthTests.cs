using CloudAlmBridge.Delivery;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace CloudAlmBridge.Tests.Outbox;

/// <summary>A destination's configuration problem (an untrusted certificate) stays until a call gets through.</summary>
public sealed class DestinationHealthTests
{
    [Fact]
    public async Task ATlsProblem_KeepsTheDestinationDegraded_ThroughOutages_UntilACallIsAnswered()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var health = new DestinationHealth(time);
        var check = new DestinationHealthCheck(health);

        health.RecordFailure("servicenow", "POST … failed: the certificate of acme is not trusted (UntrustedRoot)", answered: false,
            configurationProblem: "the certificate of acme is not trusted (UntrustedRoot)");
        health.RecordFailure("servicenow", "POST … failed: servicenow could not be reached: Connection refused", answered: false);
        var degraded = await check.CheckHealthAsync(new HealthCheckContext());
        health.RecordFailure("servicenow", "POST … answered 503: down", answered: true);
        var answered = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal("servicenow: the certificate of acme is not trusted (UntrustedRoot)", degraded.Description);
        Assert.Equal(HealthStatus.Healthy, answered.Status);
        var status = health.Snapshot()["servicenow"];
        Assert.Equal(3, status.ConsecutiveFailures);
        Assert.Equal("POST … answered 503: down", status.LastFailureMessage);
        Assert.Null(status.LastSuccess);

        time.Advance(TimeSpan.FromMinutes(1));
        health.RecordSuccess("servicenow");
        Assert.Equal(0, health.Snapshot()["servicenow"].ConsecutiveFailures);
        Assert.Equal(time.GetUtcNow(), health.Snapshot()["servicenow"].LastSuccess);
    }
}
