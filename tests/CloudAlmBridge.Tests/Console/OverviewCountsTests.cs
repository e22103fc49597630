using CloudAlmBridge.Console;
using CloudAlmBridge.Tests.Storage;
using CloudAlmBridge.Vocabulary;
using Microsoft.Extensions.Time.Testing;

namespace CloudAlmBridge.Tests.Console;

/// <summary>
/// Issue 25, "In production": the console's overview must never slow the intake of events, however many operators
/// reload it. Its counts by state (on a real SQLite file) and its readiness checks (which write a row) are read at most
/// every 15 s per instance.
/// </summary>
public sealed class OverviewCountsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private readonly SqliteHarness _harness = new();

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task ReloadsWithin15Seconds_ShareOneCount_AndTheNextOneCountsAgain()
    {
        var store = _harness.Instance("a").Deliveries;
        var clock = new FakeTimeProvider(T0);
        var readinessChecks = 0;
        var counts = new OverviewCounts(store, clock, _ =>
        {
            readinessChecks++;
            return Task.FromResult(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport(
                new Dictionary<string, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReportEntry>(), TimeSpan.Zero));
        });
        await store.AcceptAsync(New(T0.AddMinutes(-5)), CancellationToken.None);
        await store.AcceptAsync(New(T0.AddHours(-3)), CancellationToken.None);

        var first = await counts.GetAsync(CancellationToken.None);
        await store.AcceptAsync(New(T0.AddMinutes(-1)), CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(14));
        var reload = await counts.GetAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1));
        var later = await counts.GetAsync(CancellationToken.None);

        Assert.Equal(1, first.LastHour[DeliveryState.Queued]);
        Assert.Equal(2, first.LastDay[DeliveryState.Queued]);
        Assert.Equal(first.ReadAt, reload.ReadAt);
        Assert.Equal(1, reload.LastHour[DeliveryState.Queued]);
        Assert.Equal(2, later.LastHour[DeliveryState.Queued]);
        Assert.Equal(3, later.LastDay[DeliveryState.Queued]);
        Assert.Equal(T0.AddSeconds(15), later.ReadAt);
        Assert.Equal(2, readinessChecks);
    }

    private static NewDelivery New(DateTimeOffset accepted)
    {
        var situation = Guid.NewGuid().ToString();
        return new("sub", situation, "EVENT-SITUATION.CREATED", Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), $"{{\"situation\":\"{situation}\"}}", accepted);
    }
}
