using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// <c>Bridge:Subscriptions:{name}:Reopen:Window</c> is checked at start, each error naming its key; a subscription that
/// reopens says so in the start line.
/// </summary>
public sealed class ReopenConfigurationTests : IDisposable
{
    private readonly IsolatedServiceNow _serviceNow = new();

    [Theory]
    [InlineData("00:00:30")]
    [InlineData("8.00:00:00")]
    public void AWindowOutsideAMinuteToAWeek_StopsTheStart_NamingTheKey(string window)
    {
        var settings = _serviceNow.Settings();
        settings["Bridge:Subscriptions:calm-to-snow:Reopen:Window"] = window;
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Equal($"Bridge:Subscriptions:calm-to-snow:Reopen:Window: must be between 00:01:00 and 7.00:00:00 (is {TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture)})",
            Assert.Single(exception.Failures));
    }

    [Fact]
    public void AWindowOnAGenericWebhook_StopsTheStart_SinceNothingKnowsHowToReopenThere()
    {
        var settings = _serviceNow.Settings();
        settings["Bridge:Webhooks:snow-incident:DestinationType"] = "GENERIC";
        settings["Bridge:Subscriptions:calm-to-snow:Mapping"] = "servicenow-incident";
        settings["Bridge:Subscriptions:calm-to-snow:Reopen:Window"] = "00:30:00";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, e => e.StartsWith(
            "Bridge:Subscriptions:calm-to-snow:Reopen:Window: webhook snow-incident is GENERIC, and the bridge knows how to reopen a ticket only in ServiceNow (SNOW) and Jira (JIRA)",
            StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheStartLine_SaysWhichSubscriptionReopens_AndWithinWhat()
    {
        var settings = _serviceNow.Settings();
        settings["Bridge:Subscriptions:calm-to-snow:Reopen:Window"] = "00:30:00";
        settings["Serilog:MinimumLevel:Default"] = "Information";
        using var factory = new BridgeFactory(settings);
        using var client = factory.CreateClient();

        await Polling.WaitUntilAsync(() => Task.FromResult(factory.Logs.Lines.Any(l => l.Contains("calm-to-snow (reopens within 00:30:00)", StringComparison.Ordinal))),
            "the start line naming the reopen");
    }

    public void Dispose() => _serviceNow.Dispose();
}
