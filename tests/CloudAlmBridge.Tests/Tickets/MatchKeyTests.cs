using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Tickets;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// The match key a reopen compares, without a host: a situation's service, use case and event by default; none when the
/// message lacks one of them, since a key with a hole would match situations that share only what they lack.
/// </summary>
public sealed class MatchKeyTests
{
    [Theory]
    [InlineData("""{"serviceId":"190c1314","eventType":"CALM.HM","eventName":"Availability - HTTP Ping","subject":"Ping failed"}""", "190c1314|CALM.HM|Availability - HTTP Ping")]
    [InlineData("""{"serviceId":"190c1314","eventType":"CALM.HM","eventName":"Availability - HTTP Ping","id":"other","subject":"Ping failed again"}""", "190c1314|CALM.HM|Availability - HTTP Ping")]
    [InlineData("""{"serviceId":"190c1314","eventType":"CALM.HM","eventName":"High Number of Short Dumps"}""", "190c1314|CALM.HM|High Number of Short Dumps")]
    [InlineData("""{"serviceId":"190c1314","eventType":"CALM.HM"}""", null)]
    [InlineData("""{"serviceId":"","eventType":"CALM.HM","eventName":"Availability - HTTP Ping"}""", null)]
    [InlineData("""{"serviceId":null,"eventType":"CALM.HM","eventName":"Availability - HTTP Ping"}""", null)]
    [InlineData("""{"eventType":"CALM.HM","eventName":"Availability - HTTP Ping"}""", null)]
    public void TheDefaultKey_IsServiceAndEvent_AndNoneWithAHole(string resource, string? expected)
    {
        var template = KeyTemplate.Compile(MatchKeys.Default, "matchKey", out var errors);

        Assert.Empty(errors);
        using var document = JsonDocument.Parse(resource);
        Assert.Equal(expected, template!.Render(new MappingContext(document.RootElement)));
    }

    [Theory]
    [InlineData("#{serviceId}|#{tags.type}", """{"serviceId":"s1","tags":{"type":"httpPing"}}""", "s1|httpPing")]
    [InlineData("#{serviceId}", """{"serviceId":"s1"}""", "s1")]
    [InlineData("#{@USER_VAR(site)}/#{serviceId}", """{"serviceId":"s1"}""", null)]
    public void AKeyOfItsOwn_IsWrittenInTheMappingsPlaceholders(string source, string resource, string? expected)
    {
        var template = KeyTemplate.Compile(source, "key", out var errors);

        Assert.Empty(errors);
        using var document = JsonDocument.Parse(resource);
        Assert.Equal(expected, template!.Render(new MappingContext(document.RootElement)));
    }

    [Fact]
    public void ASubscriptionThatGroups_MatchesOnItsGroupingKey_AndOneThatDoesNot_OnServiceAndEvent()
    {
        using var document = JsonDocument.Parse("""{"serviceId":"s1","eventType":"CALM.HM","eventName":"Availability - HTTP Ping"}""");
        var grouping = new SubscriptionOptions
        {
            Grouping = new GroupingOptions { Key = "#{serviceId}", Window = TimeSpan.FromMinutes(10) },
        };

        Assert.Equal("s1", MatchKeys.Of(new ResolvedSubscription("g", grouping, null!, "m"), document.RootElement));
        Assert.Equal("s1|CALM.HM|Availability - HTTP Ping",
            MatchKeys.Of(new ResolvedSubscription("r", new SubscriptionOptions(), null!, "m"), document.RootElement));
    }

    [Fact]
    public void AMalformedKey_IsAnErrorAtItsPath()
    {
        Assert.Null(KeyTemplate.Compile("#{serviceId", "Bridge:Subscriptions:s:Grouping:Key", out var errors));
        Assert.Contains(errors, e => e.ToString().Contains("Bridge:Subscriptions:s:Grouping:Key", StringComparison.Ordinal));
    }
}
