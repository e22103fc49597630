using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Configuration;

/// <summary>The configuration in force over REST (role admin); secrets never leave.</summary>
public sealed class ConfigurationApiTests(ServiceNowBridgeFixture bridge) : IClassFixture<ServiceNowBridgeFixture>
{
    [Fact]
    public async Task Destinations_ShowEverySecretMasked()
    {
        using var client = bridge.AdminClient();

        var response = await client.GetAsync("/api/v1/destinations");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(TestSettings.ServiceNowPassword, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSettings.JiraToken, text, StringComparison.Ordinal);
        var destinations = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
        Assert.Equal(["jira", "servicenow"], destinations.Select(d => d.GetProperty("name").GetString()!).ToArray());
        Assert.Equal("***", destinations[0].GetProperty("authentication").GetProperty("password").GetString());
        var destination = destinations[1];
        Assert.Equal("servicenow", destination.GetProperty("name").GetString());
        Assert.Equal(bridge.ServiceNow.Url, destination.GetProperty("url").GetString());
        var authentication = destination.GetProperty("authentication");
        Assert.Equal("BasicAuthentication", authentication.GetProperty("type").GetString());
        Assert.Equal(TestSettings.ServiceNowUser, authentication.GetProperty("user").GetString());
        Assert.Equal("***", authentication.GetProperty("password").GetString());
    }

    [Fact]
    public async Task Subscriptions_ShowTheResolvedMapping()
    {
        using var client = bridge.AdminClient();

        var subscriptions = await client.GetFromJsonAsync<JsonElement>("/api/v1/subscriptions");

        var subscription = subscriptions.EnumerateArray().Single(s => s.GetProperty("name").GetString() == TestSettings.Subscription);
        Assert.Equal("snow-incident", subscription.GetProperty("webhook").GetString());

        // No Mapping configured: the SNOW Incident webhook's built-in is in force.
        Assert.Equal("servicenow-incident", subscription.GetProperty("mapping").GetString());
        Assert.Equal("SAP Basis", subscription.GetProperty("userVariables").GetProperty("assignmentGroup").GetString());
        Assert.True(subscription.GetProperty("enabled").GetBoolean());
        Assert.False(subscriptions.EnumerateArray().Single(s => s.GetProperty("name").GetString() == TestSettings.DisabledSubscription)
            .GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Webhooks_ShowPathAndType()
    {
        using var client = bridge.AdminClient();

        var webhooks = (await client.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).EnumerateArray().ToList();
        var webhook = webhooks.Single(w => w.GetProperty("name").GetString() == "snow-incident");
        Assert.Equal("JIRA", webhooks.Single(w => w.GetProperty("name").GetString() == "jira-issue").GetProperty("destinationType").GetString());

        Assert.Equal("/api/now/table/incident", webhook.GetProperty("path").GetString());
        Assert.Equal("SNOW", webhook.GetProperty("destinationType").GetString());
        Assert.Equal("Incident", webhook.GetProperty("externalResourceType").GetString());
    }

    [Theory]
    [InlineData("/api/v1/subscriptions")]
    [InlineData("/api/v1/webhooks")]
    [InlineData("/api/v1/destinations")]
    public async Task ConfigurationRoutes_NeedCredentials(string route)
    {
        using var client = bridge.Factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(route)).StatusCode);
    }
}
