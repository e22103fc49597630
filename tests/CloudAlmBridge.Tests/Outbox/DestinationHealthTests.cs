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

        health.RecordFailure("servicenow", "POST … failed: the certificate of acme is not trusted (UntrustedRoot)", status: null,
            configurationProblem: "the certificate of acme is not trusted (UntrustedRoot)");
        health.RecordFailure("servicenow", "POST … failed: servicenow could not be reached: Connection refused", status: null);
        var degraded = await check.CheckHealthAsync(new HealthCheckContext());
        health.RecordFailure("servicenow", "POST … answered 503: down", status: 503);
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

    [Fact]
    public void DownIsNoAnswerA5xxOrTls_ARefusalIsAnAnswer_AndTheConsoleSaysTheSame()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-06T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var health = new DestinationHealth(time);

        health.RecordFailure("jira", "GET … failed: jira did not answer in time", status: null);
        health.RecordFailure("jira", "GET … answered 502: bad gateway", status: 502);
        var down = health.Snapshot()["jira"];
        time.Advance(TimeSpan.FromSeconds(1));
        health.RecordFailure("jira", "POST … answered 400: Field 'priority' cannot be set", status: 400);
        var refusing = health.Snapshot()["jira"];
        time.Advance(TimeSpan.FromSeconds(1));
        health.RecordSuccess("jira");
        var working = health.Snapshot()["jira"];

        Assert.Equal(2, down.ConsecutiveFailures);
        Assert.True(View(down).Down);
        Assert.Equal(0, refusing.ConsecutiveFailures);
        Assert.Equal(1, refusing.RefusedCalls);
        Assert.Equal("POST … answered 400: Field 'priority' cannot be set", refusing.LastRefusalMessage);
        Assert.False(View(refusing).Down);
        Assert.True(View(refusing).Refusing);
        Assert.False(View(working).Down);
        Assert.False(View(working).Refusing);
        Assert.Equal(1, working.RefusedCalls);
    }

    [Theory]
    [InlineData(null, true, false)]
    [InlineData(408, true, false)]
    [InlineData(429, true, false)]
    [InlineData(500, true, false)]
    [InlineData(504, true, false)]
    [InlineData(302, false, true)]
    [InlineData(401, false, true)]
    [InlineData(404, false, true)]
    [InlineData(200, false, false)]
    public void EachAnswer_IsDownRefusedOrUp(int? status, bool down, bool refused)
    {
        var health = new DestinationHealth(new FakeTimeProvider());

        health.RecordFailure("servicenow", $"GET … answered {status}", status);

        var recorded = health.Snapshot()["servicenow"];
        Assert.Equal(down ? 1 : 0, recorded.ConsecutiveFailures);
        Assert.Equal(refused ? 1 : 0, recorded.RefusedCalls);
        Assert.Equal(!down && !refused, recorded.LastSuccess is not null);
    }

    private static CloudAlmBridge.Console.DestinationHealthView View(DestinationStatus status) =>
        new("jira", "https://acme.atlassian.net", "JIRA", status.LastSuccess, status.LastFailure, status.LastFailureMessage, status.ConsecutiveFailures,
            status.ConfigurationProblem, status.LookupProblem, status.LastRefusal, status.LastRefusalMessage);
}
