using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Outbox;

/// <summary>
/// A delivery that fails on the bridge's own configuration (here: a mapping without the event's operation) cannot
/// succeed by waiting: it is dead-lettered on its first attempt, with the reason, and nothing is sent.
/// </summary>
public sealed class ConfigurationErrorTests : IDisposable
{
    private readonly IsolatedServiceNow _isolated = new();

    [Fact]
    public async Task MappingWithoutTheCreateOperation_DeadLettersAtOnce_WithoutRetries()
    {
        var settings = _isolated.Settings();
        settings["Bridge:Subscriptions:calm-to-snow:Mapping"] = "sap-document-approval";
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var response = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryId").GetInt64();
        var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{id}");
        Assert.Equal("DeadLettered", delivery.GetProperty("state").GetString());
        Assert.Equal(1, delivery.GetProperty("attemptCount").GetInt32());
        Assert.Contains("has no EVENT-SITUATION.CREATED operation", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(_isolated.ServiceNow.LogEntries);
    }

    public void Dispose() => _isolated.Dispose();
}
