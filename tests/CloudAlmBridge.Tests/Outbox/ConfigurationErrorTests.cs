using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CloudAlmBridge.Tests.Outbox;

/// <summary>
/// A delivery that fails on the bridge's side (a mapping without the event's operation, a stored message that a newer
/// bridge reads more strictly) cannot succeed by waiting: it is dead-lettered on that attempt, with the reason, and
/// nothing is sent.
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
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = problem.GetProperty("deliveryId").GetInt64();
        var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{id}");
        Assert.Equal("DeadLettered", delivery.GetProperty("state").GetString());
        Assert.Equal(1, delivery.GetProperty("attemptCount").GetInt32());
        Assert.Contains("has no EVENT-SITUATION.CREATED operation", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(_isolated.ServiceNow.LogEntries);

        // The bridge's own mistake, not dressed as the ticket system's: the answer and the attempt say whose it is.
        Assert.Equal("Refused by the bridge", problem.GetProperty("title").GetString());
        Assert.Equal("Refused", delivery.GetProperty("attempts")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task AStoredMessageThatNoLongerReads_DeadLettersAtOnce_AfterARestart()
    {
        var settings = _isolated.Settings();
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        _isolated.ServiceNow.Given(WireMock.RequestBuilders.Request.Create().UsingAnyMethod())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(503));
        long id;
        using (var factory = new BridgeFactory(settings))
        using (var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret))
        using (var first = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret))
        {
            var accepted = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", "kept-situation"));
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            id = Polling.DeliveryId(accepted);

            // Stopped between attempts, never with a call on the wire (WireMock would log it after the reset below).
            await Polling.WaitUntilAsync(async () => (await first.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{id}")).GetProperty("attemptCount").GetInt32() >= 1,
                "the first attempt recorded");
        }

        // What an older bridge could have accepted and a newer one reads more strictly: an id with a query operator.
        using (var store = new SqliteConnection(settings["Bridge:Storage:ConnectionString"]))
        {
            store.Open();
            using var update = store.CreateCommand();
            update.CommandText = """
                UPDATE inbox SET message = CAST(replace(CAST(message AS TEXT), 'kept-situation', 'kept^situation') AS BLOB) WHERE id = $id;
                UPDATE deliveries SET next_attempt_at = '2000-01-01T00:00:00.0000000Z', lease_until = NULL WHERE id = $id;
                """;
            update.Parameters.AddWithValue("$id", id);
            Assert.Equal(2, update.ExecuteNonQuery());
        }

        _isolated.ServiceNow.ResetLogEntries();
        using var restarted = new BridgeFactory(settings);
        using var admin = restarted.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var delivery = await Polling.WaitForDeliveryAsync(admin, id);

        Assert.Equal("DeadLettered", delivery.GetProperty("state").GetString());
        Assert.Contains("no longer a valid change message", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(_isolated.ServiceNow.LogEntries);
    }

    public void Dispose() => _isolated.Dispose();
}
