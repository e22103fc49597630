using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// A GENERIC target without a look-up whose create answer is lost: nothing can tell whether it made a ticket, so the
/// situation is held, its later events kept in order and unsent, until an operator settles it over REST in one of three
/// ways. On SQLite and PostgreSQL, and across a restart.
/// </summary>
public abstract class HeldSituationTests : IDisposable
{
    private const string Subscription = "generic";
    private const string Tickets = "/api/tickets";
    private readonly ServiceNowBridgeFixture _bridge;
    private readonly TempDirectory _directory = new();

    protected HeldSituationTests(ServiceNowBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Fact]
    public async Task SettledWithItsTicket_TheTicketIsReadAndLinked_AndTheHeldEventsRunAsUpdates_InOrder()
    {
        var situation = await HoldAsync();
        var target = _bridge.ServiceNow;
        target.Given(Request.Create().WithPath($"{Tickets}/T-1").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"T-1","number":"TKT-1","status":"open"}"""));
        target.Given(Request.Create().WithPath($"{Tickets}/T-1").UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"T-1","number":"TKT-1","status":"open"}"""));
        using var admin = _bridge.AdminClient();

        var settled = await SettleAsync(admin, situation, """{"outcome":"ticket","ticketId":"T-1"}""");

        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        var view = await settled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TKT-1", view.GetProperty("ticketNumber").GetString());
        Assert.False(view.GetProperty("held").GetBoolean());
        var ticket = await Polling.WaitForSituationAsync(admin, Subscription, situation, 3);
        var history = ticket.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["Update", "Update", "Close"], history.Select(e => e.GetProperty("action").GetString()));
        Assert.All(history, e => Assert.Equal("Delivered", e.GetProperty("state").GetString()));
        Assert.True(ticket.GetProperty("closed").GetBoolean());

        // One ticket; the held events reached it in their order: the create (as an update), the UPDATED, the CLOSED.
        Assert.Single(CreatesOf(situation));
        var patches = target.Calls("PATCH", $"{Tickets}/T-1");
        Assert.Equal(3, patches.Count);
        Assert.Equal("closed", ServiceNowStubs.BodyOf(patches[2])["status"]!.GetValue<string>());
        Assert.Empty(await ListHeldAsync(admin, situation));
    }

    [Fact]
    public async Task SettledWithNoTicket_TheCreateRunsAgain_ThenTheHeldEvents()
    {
        var situation = await HoldAsync();
        var target = _bridge.ServiceNow;
        target.Given(Request.Create().WithPath($"{Tickets}/T-2").UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"T-2","number":"TKT-2","status":"open"}"""));
        using var admin = _bridge.AdminClient();

        var settled = await SettleAsync(admin, situation, """{"outcome":"noTicket"}""");

        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        var ticket = await Polling.WaitForSituationAsync(admin, Subscription, situation, 3);
        Assert.Equal("T-2", ticket.GetProperty("ticketId").GetString());
        Assert.Equal(["Create", "Update", "Close"], ticket.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(2, CreatesOf(situation).Count);
        Assert.Equal(2, target.Calls("PATCH", $"{Tickets}/T-2").Count);
    }

    [Fact]
    public async Task Discarded_TheHeldEventsAreDropped_AndALaterEventOpensNoTicket()
    {
        var situation = await HoldAsync();
        using var admin = _bridge.AdminClient();
        using var events = _bridge.EventsClient();

        var settled = await SettleAsync(admin, situation, """{"outcome":"discard"}""");
        var again = await SettleAsync(admin, situation, """{"outcome":"noTicket"}""");
        var update = Events.Message("updated", situation);
        update["resource"]!["updateTime"] = "2026-11-02T10:00:00Z";
        var later = await events.PostEventAsync(Subscription, update);

        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("Not held", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal("Skipped", (await later.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        var ticket = await Polling.WaitForSituationAsync(admin, Subscription, situation, 4);
        var history = ticket.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["DeadLettered", "Skipped", "Skipped", "Skipped"], history.Select(e => e.GetProperty("state").GetString()));
        Assert.Contains("discarded by ops", history[1].GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("discarded by ops", history[3].GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Single(CreatesOf(situation));
        Assert.Empty(_bridge.ServiceNow.Calls("PATCH"));
    }

    [Fact]
    public async Task AHeldSituation_StaysHeldAcrossARestart_AndIsSettledAfterIt()
    {
        var situation = await HoldAsync();
        await _bridge.RestartAsync(Settings());
        using var admin = _bridge.AdminClient();
        using var events = _bridge.EventsClient();

        // Still held: listed, answered as held, and nothing of it sent after the restart.
        var held = Assert.Single(await ListHeldAsync(admin, situation));
        Assert.Equal(situation, held.GetProperty("situationId").GetString());
        Assert.Equal(2, held.GetProperty("waitingEvents").GetInt64());
        Assert.Contains("outcome unknown", held.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var ping = await events.GetAsync($"/api/v1/events/{Subscription}/{situation}");
        Assert.Equal(HttpStatusCode.Conflict, ping.StatusCode);
        Assert.Equal("Held", (await ping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        var allHeld = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/held-situations")).GetArrayLength();
        await Polling.WaitUntilAsync(async () => (await events.GetStringAsync("/metrics"))
            .Contains($"bridge_situations_held{{otel_scope_name=\"CloudAlmBridge\"}} {allHeld}", StringComparison.Ordinal), "the held gauge counted");
        Assert.Single(CreatesOf(situation));

        var settled = await SettleAsync(admin, situation, """{"outcome":"discard"}""");

        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        await Polling.WaitForSituationAsync(admin, Subscription, situation, 3);
        Assert.Empty(await ListHeldAsync(admin, situation));
    }

    [Fact]
    public async Task ACreateInFlightWhenTheBridgeStops_IsNeverSentAgain_ItsSituationIsHeldAfterTheRestart()
    {
        // The bridge writes down that the create is being sent before it sends it: stopped with the call on the wire,
        // it cannot know whether the target made the ticket, and after the restart it holds the situation.
        var settings = Settings();
        settings["Bridge:Delivery:AttemptTimeout"] = "00:00:10";
        await _bridge.RestartAsync(settings);
        var situation = Events.NewSituationId();
        _bridge.ServiceNow.Given(Request.Create().WithPath(Tickets).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-5"}""").WithDelay(TimeSpan.FromSeconds(5)));
        using (var events = _bridge.EventsClient())
        using (var before = _bridge.AdminClient())
        {
            await events.PostEventAsync(Subscription, Events.Message("created", situation));
            await Polling.WaitUntilAsync(async () =>
            {
                var response = await before.GetAsync($"/api/v1/tickets/{Subscription}/{situation}");
                return response.IsSuccessStatusCode
                       && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("createInDoubt").GetString() == "MayExist";
            }, "the create written down before it is sent");
        }

        await _bridge.StopAsync();
        _bridge.Start(Settings());
        using var admin = _bridge.AdminClient();

        await Polling.WaitUntilAsync(async () => (await ListHeldAsync(admin, situation)).Count == 1, "the situation held after the restart");
        var held = (await ListHeldAsync(admin, situation))[0];
        Assert.Contains("has no look-up to find out", held.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var create = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{held.GetProperty("deliveryId").GetInt64()}");
        Assert.Equal("DeadLettered", create.GetProperty("state").GetString());
        Assert.True(CreatesOf(situation).Count <= 1, "the create was never sent a second time");
    }

    [Fact]
    public async Task ACreateThatWaitedForItsSlotWhenTheBridgeStopped_WasNeverSent_AndItsSituationIsNotHeld()
    {
        // One call at a time to the target: B's create waits for the slot that A's slow create holds. Stopped then, A's
        // outcome is unknown (held after the restart), B's is known (nothing was sent) and it is created normally.
        var settings = Settings();
        settings["Bridge:Delivery:AttemptTimeout"] = "00:00:10";
        settings["Bridge:Delivery:MaxConcurrencyPerDestination"] = "1";
        await _bridge.RestartAsync(settings);
        var (a, b) = (Events.NewSituationId(), Events.NewSituationId());
        _bridge.ServiceNow.Given(Request.Create().WithPath(Tickets).UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher($"*{a}*")))
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-A"}""").WithDelay(TimeSpan.FromSeconds(5)));
        _bridge.ServiceNow.Given(Request.Create().WithPath(Tickets).UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher($"*{b}*")))
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-B"}"""));
        long waiting;
        using (var events = _bridge.EventsClient())
        using (var before = _bridge.AdminClient())
        {
            await events.PostEventAsync(Subscription, Events.Message("created", a));
            await Polling.WaitUntilAsync(async () =>
            {
                var response = await before.GetAsync($"/api/v1/tickets/{Subscription}/{a}");
                return response.IsSuccessStatusCode;
            }, "A's create written down before it is sent");
            waiting = await Polling.DeliveryIdOfAsync(await events.PostEventAsync(Subscription, Events.Message("created", b)));
            await Polling.WaitUntilAsync(async () => (await before.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{waiting}"))
                .GetProperty("instance").ValueKind == JsonValueKind.String, "B's delivery claimed, waiting for the slot");
            Assert.Equal(HttpStatusCode.NotFound, (await before.GetAsync($"/api/v1/tickets/{Subscription}/{b}")).StatusCode);
        }

        await _bridge.StopAsync();
        _bridge.Start(Settings());
        using var admin = _bridge.AdminClient();

        var ticket = await Polling.WaitForSituationAsync(admin, Subscription, b, 1);
        Assert.Equal("T-B", ticket.GetProperty("ticketId").GetString());
        Assert.False(ticket.GetProperty("held").GetBoolean());
        await Polling.WaitUntilAsync(async () => (await ListHeldAsync(admin, a)).Count == 1, "A held after the restart");
        Assert.Empty(await ListHeldAsync(admin, b));
    }

    [Fact]
    public async Task Settling_ASituationThatIsNotHeld_Or_WithATicketTheSystemDoesNotHave_ChangesNothing_AndSaysWhy()
    {
        var situation = await HoldAsync();
        _bridge.ServiceNow.Given(Request.Create().WithPath($"{Tickets}/T-404").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("""{"message":"no such ticket"}"""));
        using var admin = _bridge.AdminClient();

        var unknownTicket = await SettleAsync(admin, situation, """{"outcome":"ticket","ticketId":"T-404"}""");
        var noId = await SettleAsync(admin, situation, """{"outcome":"ticket"}""");
        var badOutcome = await SettleAsync(admin, situation, """{"outcome":"later"}""");
        var unknown = await SettleAsync(admin, Events.NewSituationId(), """{"outcome":"noTicket"}""");

        Assert.Equal(HttpStatusCode.NotFound, unknownTicket.StatusCode);
        Assert.Contains("no ticket 'T-404'", (await unknownTicket.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        Assert.Contains("ticketId: required with outcome ticket",
            (await noId.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badOutcome.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Unknown situation", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Single(await ListHeldAsync(admin, situation));

        // A replay of the held create is refused too: settling is what runs it.
        var heldView = (await ListHeldAsync(admin, situation))[0];
        var replay = await admin.PostAsync($"/api/v1/deliveries/{heldView.GetProperty("deliveryId").GetInt64()}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Single(CreatesOf(situation));
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Restarts the bridge on a generic target, loses the answer of a CREATED's create, and sends the situation's
    /// UPDATED and CLOSED: the CREATED is dead-lettered and the situation held, the two others kept unsent.
    /// </summary>
    private async Task<string> HoldAsync()
    {
        await _bridge.RestartAsync(Settings());
        var situation = Events.NewSituationId();

        // The target takes the ticket, and answers after the bridge gave up waiting (AttemptTimeout 0.5 s): it cannot know.
        _bridge.ServiceNow.Given(Request.Create().WithPath(Tickets).UsingPost()).InScenario($"held-{situation}").WillSetStateTo("made")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-1","number":"TKT-1","status":"new"}""")
                .WithDelay(TimeSpan.FromSeconds(1)));
        _bridge.ServiceNow.Given(Request.Create().WithPath(Tickets).UsingPost()).InScenario($"held-{situation}").WhenStateIs("made")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"T-2","number":"TKT-2","status":"new"}"""));
        using var events = _bridge.EventsClient();

        var created = await events.PostEventAsync(Subscription, Events.Message("created", situation));
        var updated = await events.PostEventAsync(Subscription, Events.Message("updated", situation));
        var closed = await events.PostEventAsync(Subscription, Events.Message("closed", situation));

        // Answered 502 with the dead letter when it was held within the wait (else 202, and it is held a moment later).
        using var admin = _bridge.AdminClient();
        var create = await Polling.WaitForDeliveryAsync(admin, await Polling.DeliveryIdOfAsync(created));
        Assert.Equal("DeadLettered", create.GetProperty("state").GetString());
        Assert.Contains("outcome unknown", create.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("The situation is held", create.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        foreach (var waiting in new[] { updated, closed })
        {
            Assert.Equal(HttpStatusCode.Accepted, waiting.StatusCode);
            Assert.Equal("Held", (await waiting.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        }

        // WireMock lists a delayed call once its answer is out.
        await Polling.WaitUntilAsync(() => Task.FromResult(CreatesOf(situation).Count == 1), "the lost create logged");
        Assert.Empty(_bridge.ServiceNow.Calls("PATCH"));
        return situation;
    }

    /// <summary>The creates of this situation the target got (a slow create of an earlier test may be logged late).</summary>
    private List<WireMock.Logging.ILogEntry> CreatesOf(string situation) =>
        _bridge.ServiceNow.Calls("POST", Tickets).Where(c => c.RequestMessage.Body?.Contains(situation, StringComparison.Ordinal) == true).ToList();

    private static Task<HttpResponseMessage> SettleAsync(HttpClient admin, string situation, string body) =>
        admin.PostAsync($"/api/v1/held-situations/{Subscription}/{situation}/settle", Events.Json(body));

    /// <summary>The held situations of the subscription, of this test's situation only (the database is the test class's).</summary>
    private static async Task<List<JsonElement>> ListHeldAsync(HttpClient admin, string situation) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/held-situations?subscription={Subscription}")).EnumerateArray()
        .Where(h => h.GetProperty("situationId").GetString() == situation).ToList();

    private Dictionary<string, string?> Settings()
    {
        var mapping = _directory.File("generic-ticket.json");
        File.WriteAllText(mapping, """
            { "structure": { "request": { "title": "#{subject}", "reference": "#{id}", "rating": "#{rating}" },
                             "response": { "externalId": "#{id}", "externalNumber": "#{number}", "externalStatus": "#{status}" } },
              "eventTypeMapping": { "operationMappings": [
                { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" },
                { "eventType": "EVENT-SITUATION.UPDATED", "operation": "PATCH", "path": "/#{externalId}" },
                { "eventType": "EVENT-SITUATION.CLOSED", "operation": "PATCH", "path": "/#{externalId}", "structure": { "request": { "status": "closed" } } },
                { "eventType": "EVENT-SITUATION.PING", "operation": "GET", "path": "/#{externalId}" } ] } }
            """);
        return new Dictionary<string, string?>
        {
            // The answer of an event that waits behind a hold comes after this wait.
            ["Bridge:Inbound:WaitForDeliverySeconds"] = "2",
            ["Bridge:Delivery:AttemptTimeout"] = "00:00:00.500",
            ["Bridge:Webhooks:tickets:Destination"] = "servicenow",
            ["Bridge:Webhooks:tickets:Path"] = Tickets,
            ["Bridge:Webhooks:tickets:DestinationType"] = "GENERIC",
            ["Bridge:Mappings:generic-ticket:File"] = mapping,
            ["Bridge:Subscriptions:generic:Webhook"] = "tickets",
            ["Bridge:Subscriptions:generic:Mapping"] = "generic-ticket",
        };
    }
}

public sealed class HeldSituationOnSqliteTests(ServiceNowBridgeFixture bridge) : HeldSituationTests(bridge), IClassFixture<ServiceNowBridgeFixture>;

public sealed class HeldSituationOnPostgreSqlTests(PostgreSqlBridgeFixture bridge) : HeldSituationTests(bridge), IClassFixture<PostgreSqlBridgeFixture>;
