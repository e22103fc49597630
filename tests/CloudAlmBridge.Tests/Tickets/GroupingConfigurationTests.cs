using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// <c>Bridge:Subscriptions:{name}:Grouping</c> is checked at start, each error naming its key; a subscription that groups
/// says so in the start line.
/// </summary>
public sealed class GroupingConfigurationTests : IDisposable
{
    private const string Prefix = "Bridge:Subscriptions:calm-to-snow:Grouping";
    private readonly IsolatedServiceNow _serviceNow = new();

    [Theory]
    [InlineData("#{serviceId", "00:10:00", "LastMember", $"{Prefix}:Key: '#{{serviceId' is not a key in the mapping language")]
    [InlineData("all", "00:10:00", "LastMember", $"{Prefix}:Key: 'all' names no attribute")]
    [InlineData(null, "00:10:00", "LastMember", $"{Prefix}:Key: required with Grouping:Window")]
    [InlineData("#{serviceId}", null, "LastMember", $"{Prefix}:Window: required with Grouping:Key")]
    [InlineData("#{serviceId}", "00:00:30", "LastMember", $"{Prefix}:Window: must be between 00:01:00 and 1.00:00:00 (is 00:00:30)")]
    [InlineData("#{serviceId}", "2.00:00:00", "LastMember", $"{Prefix}:Window: must be between 00:01:00 and 1.00:00:00 (is 2.00:00:00)")]
    [InlineData("#{serviceId}|#{eventType}", "00:10:00", "First", $"{Prefix}:Close: 'First' must be 'LastMember'")]
    public void AKeyWindowOrCloseTheBridgeCannotUse_StopsTheStart_NamingTheKey(string? key, string? window, string close, string expected)
    {
        var settings = _serviceNow.Settings();
        settings[$"{Prefix}:Key"] = key;
        settings[$"{Prefix}:Window"] = window;
        settings[$"{Prefix}:Close"] = close;
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void GroupingOnAGenericWebhook_StopsTheStart_SinceNothingKnowsHowToAddItsNotesThere()
    {
        var settings = _serviceNow.Settings();
        settings["Bridge:Webhooks:snow-incident:DestinationType"] = "GENERIC";
        settings["Bridge:Subscriptions:calm-to-snow:Mapping"] = "servicenow-incident";
        settings[$"{Prefix}:Key"] = "#{serviceId}";
        settings[$"{Prefix}:Window"] = "00:10:00";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, e => e.StartsWith(
            $"{Prefix}:Key: webhook snow-incident is GENERIC, and the bridge knows how to add a group's notes only in ServiceNow (SNOW) and Jira (JIRA)",
            StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheStartLine_SaysWhichSubscriptionGroups_ByWhatAndWithinWhat()
    {
        var settings = _serviceNow.Settings();
        settings[$"{Prefix}:Key"] = "#{serviceId}|#{eventType}";
        settings[$"{Prefix}:Window"] = "00:10:00";
        settings[$"{Prefix}:Close"] = "Never";
        settings["Serilog:MinimumLevel:Default"] = "Information";
        using var factory = new BridgeFactory(settings);
        using var client = factory.CreateClient();

        await Polling.WaitUntilAsync(() => Task.FromResult(factory.Logs.Lines.Any(l => l.Contains(
                "calm-to-snow (groups by #{serviceId}|#{eventType} within 00:10:00, a person closes the group's ticket)", StringComparison.Ordinal))),
            "the start line naming the grouping");
    }

    public void Dispose() => _serviceNow.Dispose();
}
