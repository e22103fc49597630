using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// A GENERIC REST target without a look-up: a create whose outcome is unknown is never sent blindly again. With
/// <c>Bridge:Webhooks:x:Lookup</c> the bridge asks the target first, as it asks ServiceNow and Jira.
/// </summary>
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
        var delivery = await DeliverCreatedAsync(settings, Events.NewSituationId());

        Assert.Equal("DeadLettered", delivery.GetProperty("state").GetString());
        Assert.Contains("outcome unknown", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        // WireMock lists a delayed call once its answer is out; the create was sent once, and never again.
        await Polling.WaitUntilAsync(() => Task.FromResult(_target.ServiceNow.Calls("POST", "/api/tickets").Count >= 1), "the create logged");
        Assert.Single(_target.ServiceNow.Calls("POST", "/api/tickets"));
    }

    [Fact]
    public async Task ACreateAnsweredLargerThanMaxAnswerBytes_IsDeadLetteredAsOutcomeUnknown_NotSentAgain()
    {
        var settings = GenericSettings();
        settings["Bridge:Delivery:MaxAnswerBytes"] = "65536";
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("{\"id\":\"T-2\",\"padding\":\"" + new string('x', 256 * 1024) + "\"}"));
        var delivery = await DeliverCreatedAsync(settings, Events.NewSituationId());

        Assert.Equal("DeadLettered", delivery.GetProperty("state").GetString());
        Assert.Contains("MaxAnswerBytes", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("outcome unknown", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Single(_target.ServiceNow.Calls("POST", "/api/tickets"));
    }

    [Fact]
    public async Task WithALookup_ACreateWhoseAnswerWasLost_IsLookedUpAndLinked_NeverSentTwice()
    {
        var settings = GenericSettings();
        settings["Bridge:Webhooks:tickets:Lookup:Path"] = "?reference=#{id}";
        settings["Bridge:Webhooks:tickets:Lookup:ResultsPointer"] = "/items";
        var situation = Events.NewSituationId();

        // The target makes the ticket but answers too late (the attempt gives up after 2 s). Its search finds nothing
        // the first time (before the create) and the ticket every time after.
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-7"}""").WithDelay(TimeSpan.FromSeconds(5)));
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingGet().WithParam("reference", situation))
            .InScenario("lost answer").WillSetStateTo("searched")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"items":[]}"""));
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingGet().WithParam("reference", situation))
            .InScenario("lost answer").WhenStateIs("searched")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"items":[{"id":"T-7","title":"found"}]}"""));
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var accepted = await events.PostEventAsync("generic", Events.Message("created", situation));
        var ticket = await Polling.WaitForSituationAsync(admin, "generic", situation, 1);

        Assert.Equal("T-7", ticket.GetProperty("ticketId").GetString());
        var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{Polling.DeliveryId(accepted)}");
        Assert.Equal("Delivered", delivery.GetProperty("state").GetString());
        await Polling.WaitUntilAsync(() => Task.FromResult(_target.ServiceNow.Calls("POST", "/api/tickets").Count >= 1), "the delayed create logged");
        Assert.Single(_target.ServiceNow.Calls("POST", "/api/tickets"));
        Assert.True(_target.ServiceNow.Calls("GET", "/api/tickets").Count >= 2, "looked up before the create and before the retry");
    }

    [Fact]
    public async Task ACreateAnswered2xxWithABodyCutShort_IsOneTicket_AndTheSituationWaitsUntilItsTicketIsNamed()
    {
        var settings = GenericSettings();
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "1";
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-"""));
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets/T-1").UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"T-1"}"""));
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var situation = Events.NewSituationId();

        var accepted = await events.PostEventAsync("generic", Events.Message("created", situation));
        var delivery = await Polling.WaitForDeliveryAsync(admin, await Polling.DeliveryIdOfAsync(accepted));
        var again = await events.PostEventAsync("generic", Events.Message("updated", situation));

        // The 2xx says the ticket exists, but nothing says which it is: never created again, and the situation's
        // later events wait instead of failing one by one.
        Assert.Equal("DeadLettered", delivery.GetProperty("state").GetString());
        Assert.Equal("Hold", delivery.GetProperty("action").GetString());
        Assert.Contains("no readable ticket id", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("Bridge:Webhooks:tickets:Lookup", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal("Held", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        Assert.Empty(_target.ServiceNow.Calls("PATCH"));

        // Named by the operator, the ticket gets the held UPDATED (and the create, as an update).
        var settled = await admin.PostAsync($"/api/v1/held-situations/generic/{situation}/settle", Events.Json("""{"outcome":"ticket","ticketId":"T-1"}"""));
        Assert.Equal(System.Net.HttpStatusCode.OK, settled.StatusCode);
        var ticket = await Polling.WaitForSituationAsync(admin, "generic", situation, 2);
        Assert.Equal("T-1", ticket.GetProperty("ticketId").GetString());
        Assert.All(ticket.GetProperty("events").EnumerateArray(), e => Assert.Equal("Delivered", e.GetProperty("state").GetString()));
        Assert.Equal(2, _target.ServiceNow.Calls("PATCH", "/api/tickets/T-1").Count);
        Assert.Single(_target.ServiceNow.Calls("POST", "/api/tickets"));
    }

    [Fact]
    public async Task WithALookup_ACreateAnswered2xxWithoutAnId_TakesTheIdFromTheLookup()
    {
        var settings = GenericSettings();
        settings["Bridge:Webhooks:tickets:Lookup:Path"] = "/by-reference/#{id}";
        var situation = Events.NewSituationId();
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingPost())
            .InScenario("cut short").WillSetStateTo("created")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-"""));
        _target.ServiceNow.Given(Request.Create().WithPath($"/api/tickets/by-reference/{situation}").UsingGet())
            .InScenario("cut short").WhenStateIs("created")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"T-9"}"""));
        _target.ServiceNow.Given(Request.Create().WithPath($"/api/tickets/by-reference/{situation}").UsingGet()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(404));
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        await events.PostEventAsync("generic", Events.Message("created", situation));
        var ticket = await Polling.WaitForSituationAsync(admin, "generic", situation, 1);

        Assert.Equal("T-9", ticket.GetProperty("ticketId").GetString());
        Assert.Single(_target.ServiceNow.Calls("POST", "/api/tickets"));
    }

    [Fact]
    public async Task ALookupAnswerTheBridgeCannotRead_IsNeverTakenForNoTicket_NothingIsCreated()
    {
        var settings = GenericSettings();
        settings["Bridge:Webhooks:tickets:Lookup:Path"] = "?reference=#{id}";
        settings["Bridge:Webhooks:tickets:Lookup:ResultsPointer"] = "/itmes";
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"items":[{"id":"T-5"}]}"""));
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-6"}"""));
        var delivery = await DeliverCreatedAsync(settings, Events.NewSituationId());

        Assert.Equal("DeadLettered", delivery.GetProperty("state").GetString());
        Assert.Contains("Lookup:ResultsPointer '/itmes'", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(_target.ServiceNow.Calls("POST", "/api/tickets"));
    }

    [Fact]
    public async Task ALookupThatFailsAfterA2xxCreateWithoutId_NeverCreatesAgain_AndLinksTheTicketOnceTheLookupAnswers()
    {
        var settings = GenericSettings();
        settings["Bridge:Webhooks:tickets:Lookup:Path"] = "?reference=#{id}";
        var situation = Events.NewSituationId();

        // Before the create the search finds nothing; right after it, the search is down for longer than the quick
        // retries of one attempt (three calls); then it finds the ticket.
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingGet()).InScenario("down after").WillSetStateTo("down 1")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("[]"));
        foreach (var (state, next) in new[] { ("down 1", "down 2"), ("down 2", "down 3"), ("down 3", "recovered") })
        {
            _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingGet()).InScenario("down after").WhenStateIs(state)
                .WillSetStateTo(next).RespondWith(Response.Create().WithStatusCode(503));
        }

        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingGet()).InScenario("down after").WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""[{"id":"T-3"}]"""));
        _target.ServiceNow.Given(Request.Create().WithPath("/api/tickets").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("created"));
        var delivery = await DeliverCreatedAsync(settings, situation);

        Assert.Equal("Delivered", delivery.GetProperty("state").GetString());
        Assert.Equal("Link", delivery.GetProperty("action").GetString());
        var attempts = delivery.GetProperty("attempts");
        Assert.Equal(2, attempts.GetArrayLength());
        Assert.Contains("no readable ticket id", attempts[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("answered 503", attempts[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("the look-up found ticket T-3", attempts[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(_target.ServiceNow.Calls("POST", "/api/tickets"));
    }

    [Fact]
    public void ALookupThatCannotWork_StopsTheStart_NamingTheKey()
    {
        var settings = GenericSettings();
        settings["Bridge:Webhooks:tickets:Lookup:Path"] = "@evil.example/#{id}";
        settings["Bridge:Webhooks:tickets:Lookup:ResultsPointer"] = "items";
        settings["Bridge:Webhooks:snow-incident:Lookup:Path"] = "?q=#{id}";
        using var factory = new BridgeFactory(settings);

        var errors = Assert.Throws<OptionsValidationException>(() => factory.Server).Failures.ToList();

        Assert.Contains(errors, e => e.StartsWith("Bridge:Webhooks:tickets:Lookup:Path: '@evil.example/#{id}' must start with '/' or '?'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Bridge:Webhooks:snow-incident:Lookup: only a GENERIC webhook takes a look-up", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _target.Dispose();
        _directory.Dispose();
    }

    /// <summary>Starts a bridge with <paramref name="settings"/>, posts a CREATED of the situation, and returns its delivery once finished.</summary>
    private static async Task<System.Text.Json.JsonElement> DeliverCreatedAsync(Dictionary<string, string?> settings, string situation)
    {
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var accepted = await events.PostEventAsync("generic", Events.Message("created", situation));
        return await Polling.WaitForDeliveryAsync(admin, Polling.DeliveryId(accepted));
    }

    private Dictionary<string, string?> GenericSettings()
    {
        var settings = _target.Settings();
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        settings["Bridge:Webhooks:tickets:Destination"] = "servicenow";
        settings["Bridge:Webhooks:tickets:Path"] = "/api/tickets";
        settings["Bridge:Webhooks:tickets:DestinationType"] = "GENERIC";
        settings["Bridge:Mappings:generic-ticket:File"] = WriteMapping();
        settings["Bridge:Subscriptions:generic:Webhook"] = "tickets";
        settings["Bridge:Subscriptions:generic:Mapping"] = "generic-ticket";
        return settings;
    }

    private string WriteMapping()
    {
        var file = _directory.File("generic-ticket.json");
        File.WriteAllText(file, """
            { "structure": { "request": { "title": "#{subject}", "reference": "#{id}" }, "response": { "externalId": "#{id}" } },
              "eventTypeMapping": { "operationMappings": [
                { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" },
                { "eventType": "EVENT-SITUATION.UPDATED", "operation": "PATCH", "path": "/#{externalId}" } ] } }
            """);
        return file;
    }
}
