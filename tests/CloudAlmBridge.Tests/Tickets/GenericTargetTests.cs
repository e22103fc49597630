using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>A GENERIC REST target has no look-up: a create whose outcome is unknown is never sent blindly again.</summary>
public sealed class GenericTargetTests : IDisposable
{
    private readonly IsolatedServiceNow _target = new();
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task ACreateThatGotNoAnswer_IsDeadLetteredAsOutcomeUnknown_NotRetried()
    {
        // The target takes longer than the attempt may wait (2 s in the test settings): it may well have made the ticket.
        var settings = _target.Settings();
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        settings["Bridge:Webhooks:tickets:Destination"] = "servicenow";
        settings["Bridge:Webhooks:tickets:Path"] = "/api/tickets";
        settings["Bridge:Webhooks:tickets:DestinationType"] = "GENERIC";
        settings["Bridge:Mappings:generic-ticket:File"] = WriteMapping();
        settings["Bridge:Subscriptions:generic:Webhook"] = "tickets";
        settings["Bridge:Subscriptions:generic:Mapping"] = "generic-ticket";
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-1"}""").WithDelay(TimeSpan.FromSeconds(5)));
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var accepted = await events.PostEventAsync("generic", Events.Message("created", Events.NewSituationId()));
        var delivery = await Polling.WaitForDeliveryAsync(admin, Polling.DeliveryId(accepted));

        Assert.Equal("DeadLettered", delivery.GetProperty("state").GetString());
        Assert.Contains("outcome unknown", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        // WireMock lists a delayed call once its answer is out; the create was sent once, and never again.
        await Polling.WaitUntilAsync(() => Task.FromResult(_target.ServiceNow.Calls("POST", "/api/tickets").Count >= 1), "the create logged");
        Assert.Single(_target.ServiceNow.Calls("POST", "/api/tickets"));
    }

    public void Dispose()
    {
        _target.Dispose();
        _directory.Dispose();
    }

    private string WriteMapping()
    {
        var file = _directory.File("generic-ticket.json");
        File.WriteAllText(file, """
            { "structure": { "request": { "title": "#{subject}", "reference": "#{id}" }, "response": { "externalId": "#{id}" } },
              "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" } ] } }
            """);
        return file;
    }
}
