using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Tests.Maintenance;

/// <summary>
/// <c>Bridge:Maintenance:{name}</c> is checked at start, every error naming its full key (a bad schedule, an end before
/// its start, an unknown subscription or time zone, a bad AtEnd); the start line says what is configured.
/// </summary>
public sealed class MaintenanceConfigurationTests : IDisposable
{
    private const string Key = "Bridge:Maintenance:s4-upgrade";
    private readonly IsolatedServiceNow _serviceNow = new();

    public static TheoryData<string, string?, string> OneMistakeEach => new()
    {
        { "Schedule", "0 25 * * SAT", $"{Key}:Schedule: '0 25 * * SAT' is not a cron expression of five fields, minute hour day-of-month month day-of-week, e.g. '0 22 * * SAT' for Saturdays at 22:00" },
        { "Schedule", "every saturday", $"{Key}:Schedule: 'every saturday' is not a cron expression of five fields" },
        { "Duration", "four hours", $"{Key}:Duration: 'four hours' is not a duration, e.g. 04:00:00" },
        { "Duration", "8.00:00:00", $"{Key}:Duration: must be between 00:01:00 and 7.00:00:00 (is 8.00:00:00)" },
        { "TimeZone", "Europe/Bonn", $"{Key}:TimeZone: 'Europe/Bonn' is not a known IANA time zone id, e.g. Europe/Berlin or UTC" },
        { "Subscriptions:0", "calm-to-snw", $"{Key}:Subscriptions:0: no subscription 'calm-to-snw' is configured; known: calm-to-snow" },
        { "AtEnd", "Later", $"{Key}:AtEnd: 'Later' must be 'Deliver' (what is still open gets its ticket at the end) or 'Drop' (nothing of the window reaches the ticket system)" },
        { "Services:0", " ", $"{Key}:Services:0: empty; a service is named by the situation's serviceId" },
    };

    [Theory]
    [MemberData(nameof(OneMistakeEach))]
    public void ARecurringWindowWithOneMistake_StopsTheStart_NamingItsKey(string setting, string? value, string error)
    {
        var settings = Recurring();
        settings[$"{Key}:{setting}"] = value;
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.StartsWith(error, Assert.Single(exception.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void AOneOffWindow_WhoseEndIsNotAfterItsStart_OrWhoseStartIsNoTime_StopsTheStart_WithEveryError()
    {
        var settings = _serviceNow.Settings();
        settings[$"{Key}:Start"] = "2026-12-12T22:00:00+01:00";
        settings[$"{Key}:End"] = "2026-12-12T20:00:00+01:00";
        settings["Bridge:Maintenance:other:Start"] = "Saturday night";
        settings["Bridge:Maintenance:other:End"] = "2026-12-13T02:00:00Z";
        settings["Bridge:Maintenance:both:Start"] = "2026-12-12T22:00:00Z";
        settings["Bridge:Maintenance:both:End"] = "2026-12-13T02:00:00Z";
        settings["Bridge:Maintenance:both:Schedule"] = "0 22 * * SAT";
        settings["Bridge:Maintenance:both:Duration"] = "04:00:00";
        settings["Bridge:Maintenance:neither:Reason"] = "forgot the times";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Equal(
        [
            "Bridge:Maintenance:both: either Start and End (once) or Schedule and Duration (recurring), not both",
            "Bridge:Maintenance:neither: needs Start and End (once) or Schedule and Duration (recurring)",
            "Bridge:Maintenance:other:Start: 'Saturday night' is not an ISO 8601 time, e.g. 2026-12-12T22:00:00+01:00",
            $"{Key}:End: '2026-12-12T20:00:00+01:00' is not after Start '2026-12-12T22:00:00+01:00'",
        ], exception.Failures.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheStartLine_NamesEachConfiguredWindow_WhenItComes_WhatItCovers_AndItsPolicy()
    {
        var settings = Recurring();
        settings["Serilog:MinimumLevel:Default"] = "Information";
        using var factory = new BridgeFactory(settings);
        using var client = factory.CreateClient();

        await Polling.WaitUntilAsync(() => Task.FromResult(factory.Logs.Lines.Any(l => l.Contains(
                "maintenance window s4-upgrade (every '0 22 * * SAT' in Europe/Berlin for 04:00:00, covers calm-to-snow, at its end Drop)",
                StringComparison.Ordinal))),
            "the start line naming the maintenance window");
    }

    private Dictionary<string, string?> Recurring()
    {
        var settings = _serviceNow.Settings();
        settings[$"{Key}:Schedule"] = "0 22 * * SAT";
        settings[$"{Key}:Duration"] = "04:00:00";
        settings[$"{Key}:TimeZone"] = "Europe/Berlin";
        settings[$"{Key}:Subscriptions:0"] = "calm-to-snow";
        settings[$"{Key}:AtEnd"] = "Drop";
        return settings;
    }

    public void Dispose() => _serviceNow.Dispose();
}
