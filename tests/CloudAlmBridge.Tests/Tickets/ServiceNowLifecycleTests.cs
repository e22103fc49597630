using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>docs/api.md §3 against a WireMock ServiceNow: one incident per situation, through its whole life.</summary>
public abstract class ServiceNowLifecycleTests
{
    private const string Subscription = TestSettings.Subscription;
    private readonly ServiceNowBridgeFixture _bridge;

    protected ServiceNowLifecycleTests(ServiceNowBridgeFixture bridge)
    {
        // Tests of a class run one after another on one ServiceNow: each starts with no stubs and no calls.
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Fact]
    public async Task TheBridgeSendsServiceNowsSessionCookiesNeverBack()
    {
        // ServiceNow runs the requests of one session one after another (and has dropped them, answered 202, when about
        // ten queued): an integration client keeps no JSESSIONID or load-balancer cookie.
        var situation = Events.NewSituationId();
        var sysId = NewSysId();
        var snow = _bridge.ServiceNow;
        foreach (var (method, path, status, body) in new[]
                 {
                     ("GET", ServiceNowStubs.IncidentPath, 200, """{"result":[]}"""),
                     ("POST", ServiceNowStubs.IncidentPath, 201, $$$"""{"result":{"sys_id":"{{{sysId}}}","number":"INC0019999","state":"1"}}"""),
                     ("PATCH", $"{ServiceNowStubs.IncidentPath}/{sysId}", 200, $$$"""{"result":{"sys_id":"{{{sysId}}}","number":"INC0019999","state":"2"}}"""),
                 })
        {
            snow.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingMethod(method))
                .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                    .WithHeader("Set-Cookie", "JSESSIONID=4C6E7F0A9B; Path=/; HttpOnly").WithBody(body));
        }

        using var client = _bridge.EventsClient();
        await client.PostEventAsync(Subscription, Events.Message("created", situation));
        await client.PostEventAsync(Subscription, Events.Message("updated", situation));

        Assert.Equal(3, snow.LogEntries.Count());
        Assert.All(snow.LogEntries, e => Assert.False(e.RequestMessage.Headers?.ContainsKey("Cookie") ?? false, $"{e.RequestMessage.Method} sent a cookie"));
    }

    [Fact]
    public async Task CreatedUpdatedClosed_ReachOneIncident_WithTheRightFields()
    {
        var situation = Events.NewSituationId();
        var sysId = NewSysId();
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate(sysId, "INC0010002");
        snow.AnswersPatch(sysId, "INC0010002", "6");
        using var client = _bridge.EventsClient();

        var created = await client.PostEventAsync(Subscription, Events.Message("created", situation));
        var updated = await client.PostEventAsync(Subscription, Events.Message("updated", situation));
        var closed = await client.PostEventAsync(Subscription, Events.Message("closed", situation));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(situation, answer.GetProperty("externalId").GetString());
        Assert.Equal("INC0010002", answer.GetProperty("externalNumber").GetString());
        Assert.Equal("NEW", answer.GetProperty("externalStatus").GetString());
        Assert.Equal(sysId, answer.GetProperty("ticketId").GetString());
        Assert.Equal("Delivered", answer.GetProperty("deliveryState").GetString());
        Assert.Equal($"{snow.Url}/nav_to.do?uri=incident.do?sys_id={sysId}", answer.GetProperty("displayUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("RESOLVED", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalStatus").GetString());

        var create = Assert.Single(snow.Calls("POST"));
        var incident = ServiceNowStubs.BodyOf(create);
        Assert.Equal("[SAP Cloud ALM] Ping failed to service S4H", incident["short_description"]!.GetValue<string>());
        Assert.Equal("1", incident["urgency"]!.GetValue<string>());
        Assert.Equal("2", incident["impact"]!.GetValue<string>());
        Assert.Equal(situation, incident["correlation_id"]!.GetValue<string>());
        Assert.Equal("SAP Basis", incident["assignment_group"]!.GetValue<string>());

        var patches = snow.Calls("PATCH", $"{ServiceNowStubs.IncidentPath}/{sysId}");
        Assert.Equal(2, patches.Count);
        var update = ServiceNowStubs.BodyOf(patches[0]);
        Assert.StartsWith("Update from SAP Cloud ALM (FATAL): Timestamp: 2026-11-02T08:29:03Z", update["work_notes"]!.GetValue<string>());
        Assert.Equal("1", update["urgency"]!.GetValue<string>());
        var resolve = ServiceNowStubs.BodyOf(patches[1]);
        Assert.Equal("6", resolve["state"]!.GetValue<string>());
        Assert.Equal("Solved (Permanently)", resolve["close_code"]!.GetValue<string>());
        Assert.Equal("Event situation closed in SAP Cloud ALM at 2026-11-02T09:02:41Z", resolve["close_notes"]!.GetValue<string>());

        // The destination's credentials are sent on every call, never Cloud ALM's.
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestSettings.ServiceNowUser}:{TestSettings.ServiceNowPassword}"));
        Assert.All(snow.LogEntries, e => Assert.Equal(expected, e.RequestMessage.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task Ping_AnswersTheTicketsCurrentNumberAndStatus_AndStoresIt()
    {
        var situation = Events.NewSituationId();
        var sysId = NewSysId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate(sysId, "INC0010003");
        _bridge.ServiceNow.AnswersGet(sysId, "INC0010003", "2");
        using var client = _bridge.EventsClient();
        await client.PostEventAsync(Subscription, Events.Message("created", situation));

        var byPath = await client.GetAsync($"/api/v1/events/{Subscription}/{situation}");
        var byMessage = await client.PostEventAsync(Subscription, Events.Message("ping", situation));

        foreach (var response in new[] { byPath, byMessage })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("INC0010003", answer.GetProperty("externalNumber").GetString());
            Assert.Equal("IN_PROCESS", answer.GetProperty("externalStatus").GetString());
        }

        Assert.Equal(2, _bridge.ServiceNow.Calls("GET", $"{ServiceNowStubs.IncidentPath}/{sysId}").Count);
    }

    [Fact]
    public async Task Ping_WithoutTicket_IsA404Problem()
    {
        using var client = _bridge.EventsClient();

        var response = await client.GetAsync($"/api/v1/events/{Subscription}/{Events.NewSituationId()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("No ticket", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Empty(_bridge.ServiceNow.LogEntries);
    }

    [Fact]
    public async Task Updated_BeforeCreated_CreatesTheIncident_AndTheLateCreatedUpdatesIt()
    {
        var situation = Events.NewSituationId();
        var sysId = NewSysId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate(sysId, "INC0010004");
        _bridge.ServiceNow.AnswersPatch(sysId, "INC0010004", "2");
        using var client = _bridge.EventsClient();

        var updated = await client.PostEventAsync(Subscription, Events.Message("updated", situation));
        var created = await client.PostEventAsync(Subscription, Events.Message("created", situation));

        Assert.Equal(HttpStatusCode.Created, updated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Single(_bridge.ServiceNow.Calls("POST"));
        Assert.Single(_bridge.ServiceNow.Calls("PATCH"));
    }

    [Fact]
    public async Task Created_WhenServiceNowAlreadyHasTheIncident_LinksIt_InsteadOfCreatingASecond()
    {
        var situation = Events.NewSituationId();
        var sysId = NewSysId();
        _bridge.ServiceNow.AnswersLookup(sysId, "INC0010005");
        using var client = _bridge.EventsClient();

        var response = await client.PostEventAsync(Subscription, Events.Message("created", situation));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(sysId, answer.GetProperty("ticketId").GetString());
        Assert.Equal("INC0010005", answer.GetProperty("externalNumber").GetString());
        Assert.Empty(_bridge.ServiceNow.Calls("POST"));
        var lookup = Assert.Single(_bridge.ServiceNow.Calls("GET"));
        Assert.Equal($"correlation_id={situation}", lookup.RequestMessage.Query!["sysparm_query"].Single());
    }

    [Fact]
    public async Task Closed_WithoutTicket_IsSkipped_AndSendsNothing()
    {
        using var client = _bridge.EventsClient();

        var response = await client.PostEventAsync(Subscription, Events.Message("closed", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Skipped", answer.GetProperty("deliveryState").GetString());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("ticketId").ValueKind);
        Assert.Empty(_bridge.ServiceNow.LogEntries);
    }

    [Fact]
    public async Task ASituationClosedBeforeItsTicket_StaysClosed_ALateCreatedOrUpdatedOpensNone()
    {
        // Cloud ALM opened and closed it at one moment, and its CREATED (a resend) reaches the bridge after the CLOSED.
        var situation = Events.NewSituationId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate(NewSysId(), "INC0010099");
        using var client = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();

        var closed = await client.PostEventAsync(Subscription, Events.Message("closed", situation));
        var created = await client.PostEventAsync(Subscription, Events.Message("created", situation));
        var updated = await client.PostEventAsync(Subscription, Events.Message("updated", situation));
        var ping = await client.GetAsync($"/api/v1/events/{Subscription}/{situation}");

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("Skipped", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ping.StatusCode);
        Assert.Empty(_bridge.ServiceNow.Calls("POST"));
        Assert.Empty(_bridge.ServiceNow.Calls("PATCH"));
        var ticket = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{Subscription}/{situation}");
        Assert.True(ticket.GetProperty("closed").GetBoolean());
        Assert.True(ticket.GetProperty("closedWithoutTicket").GetBoolean());
        Assert.Equal(JsonValueKind.Null, ticket.GetProperty("ticketNumber").ValueKind);
        var events = ticket.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal("Skipped", e.GetProperty("state").GetString()));
        Assert.Contains("before it had a ticket", events[1].GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Updated_AfterClosed_NeverReopensTheTicket()
    {
        var situation = Events.NewSituationId();
        var sysId = NewSysId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate(sysId, "INC0010006");
        _bridge.ServiceNow.AnswersPatch(sysId, "INC0010006", "6");
        using var client = _bridge.EventsClient();
        await client.PostEventAsync(Subscription, Events.Message("created", situation));
        await client.PostEventAsync(Subscription, Events.Message("closed", situation));

        var late = await client.PostEventAsync(Subscription, Events.Message("updated", situation));

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var answer = await late.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Skipped", answer.GetProperty("deliveryState").GetString());
        Assert.Equal("RESOLVED", answer.GetProperty("externalStatus").GetString());
        Assert.Single(_bridge.ServiceNow.Calls("PATCH"));
    }

    [Fact]
    public async Task Deleted_WithTicket_RunsTheMappingsDeletedOperation()
    {
        var situation = Events.NewSituationId();
        var sysId = NewSysId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate(sysId, "INC0010007");
        _bridge.ServiceNow.AnswersPatch(sysId, "INC0010007", "2");
        using var client = _bridge.EventsClient();
        await client.PostEventAsync(Subscription, Events.Message("created", situation));
        var deleted = Events.Message("updated", situation);
        deleted["eventType"] = "EVENT-SITUATION.DELETED";

        var response = await client.PostEventAsync(Subscription, deleted);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var note = ServiceNowStubs.BodyOf(Assert.Single(_bridge.ServiceNow.Calls("PATCH")));
        Assert.Equal("The event situation was deleted in SAP Cloud ALM.", note["work_notes"]!.GetValue<string>());
    }

    [Fact]
    public async Task EventForTicket_Route_AcceptsPatchAndPut_ForTheSameSituation()
    {
        var situation = Events.NewSituationId();
        var sysId = NewSysId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate(sysId, "INC0010008");
        _bridge.ServiceNow.AnswersPatch(sysId, "INC0010008", "2");
        using var client = _bridge.EventsClient();
        await client.PostEventAsync(Subscription, Events.Message("created", situation));

        var patch = await client.PatchAsync($"/api/v1/events/{Subscription}/{situation}", Events.Json(Events.Message("updated", situation).ToJsonString()));
        var second = Events.Message("updated", situation);
        second["resource"]!["updateTime"] = "2026-11-02T08:44:03Z";
        var put = await client.PutAsync($"/api/v1/events/{Subscription}/{situation}", Events.Json(second.ToJsonString()));
        var mismatch = await client.PatchAsync($"/api/v1/events/{Subscription}/other-id", Events.Json(Events.Message("updated", situation).ToJsonString()));

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Equal(2, _bridge.ServiceNow.Calls("PATCH").Count);
    }

    [Fact]
    public async Task Create_RefusedByServiceNow_IsDeadLettered_AndA502Problem_WithServiceNowsOwnMessage_AndLinksNothing()
    {
        var situation = Events.NewSituationId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersError("POST", ServiceNowStubs.IncidentPath, 400, "Invalid field", "assignment_group: SAP Basis not found");
        using var client = _bridge.EventsClient();

        var response = await client.PostEventAsync(Subscription, Events.Message("created", situation));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Invalid field: assignment_group: SAP Basis not found", problem.GetProperty("detail").GetString());
        Assert.Equal(400, problem.GetProperty("targetStatus").GetInt32());
        Assert.Equal("DeadLettered", problem.GetProperty("deliveryState").GetString());
        Assert.True(problem.GetProperty("deliveryId").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/events/{Subscription}/{situation}")).StatusCode);
    }

    [Fact]
    public async Task Create_IsNeverRetriedInline_ButQueued_HonouringRetryAfter()
    {
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.Given(WireMock.RequestBuilders.Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(503).WithHeader("Retry-After", "60"));
        using var client = _bridge.EventsClient();

        var response = await client.PostEventAsync(Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Retrying", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        Assert.StartsWith("/api/v1/deliveries/", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Single(_bridge.ServiceNow.Calls("POST"));
    }

    [Fact]
    public async Task Update_IsRetriedInline_WhenServiceNowIsBrieflyUnavailable()
    {
        var situation = Events.NewSituationId();
        var sysId = NewSysId();
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate(sysId, "INC0010009");
        using var client = _bridge.EventsClient();
        await client.PostEventAsync(Subscription, Events.Message("created", situation));
        snow.Given(WireMock.RequestBuilders.Request.Create().WithPath($"{ServiceNowStubs.IncidentPath}/{sysId}").UsingPatch())
            .InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(503));
        snow.Given(WireMock.RequestBuilders.Request.Create().WithPath($"{ServiceNowStubs.IncidentPath}/{sysId}").UsingPatch())
            .InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$$"""{"result":{"sys_id":"{{{sysId}}}","number":"INC0010009","state":"2"}}"""));

        var response = await client.PostEventAsync(Subscription, Events.Message("updated", situation));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("IN_PROCESS", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalStatus").GetString());
        Assert.Equal(2, snow.Calls("PATCH").Count);
    }

    [Fact]
    public async Task WithoutAReopenWindow_AFlapOfTheSameServiceAndEvent_GetsANewIncident()
    {
        // Reopen:Window is off by default: a new situation is a new incident, as it always was.
        var (first, second) = (Events.NewSituationId(), Events.NewSituationId());
        var sysId = NewSysId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate(sysId, "INC0010011");
        _bridge.ServiceNow.AnswersPatch(sysId, "INC0010011", "6");
        using var client = _bridge.EventsClient();
        await client.PostEventAsync(Subscription, Events.Message("created", first));
        await client.PostEventAsync(Subscription, Events.Message("closed", first));

        var flap = await client.PostEventAsync(Subscription, Events.Message("created", second));

        Assert.Equal(HttpStatusCode.Created, flap.StatusCode);
        Assert.Equal(2, _bridge.ServiceNow.Calls("POST").Count);
        Assert.Single(_bridge.ServiceNow.Calls("PATCH"));
    }

    [Fact]
    public async Task ConcurrentEvents_OfOneSituation_GiveOneIncident()
    {
        var situation = Events.NewSituationId();
        var sysId = NewSysId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate(sysId, "INC0010010");
        _bridge.ServiceNow.AnswersPatch(sysId, "INC0010010", "2");
        using var client = _bridge.EventsClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
        {
            var message = Events.Message(i % 2 == 0 ? "created" : "updated", situation);
            message["resource"]!["updateTime"] = $"2026-11-02T08:{i:D2}:00Z";
            return client.PostEventAsync(Subscription, message);
        }));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Single(_bridge.ServiceNow.Calls("POST"));
        Assert.Equal(9, _bridge.ServiceNow.Calls("PATCH").Count);
    }

    private static string NewSysId() => Guid.NewGuid().ToString("N");
}

/// <summary>The ServiceNow lifecycle tests on a SQLite file.</summary>
public sealed class ServiceNowLifecycleOnSqliteTests(ServiceNowBridgeFixture bridge) : ServiceNowLifecycleTests(bridge), IClassFixture<ServiceNowBridgeFixture>;

/// <summary>The ServiceNow lifecycle tests on a real PostgreSQL server.</summary>
public sealed class ServiceNowLifecycleOnPostgreSqlTests(PostgreSqlBridgeFixture bridge) : ServiceNowLifecycleTests(bridge), IClassFixture<PostgreSqlBridgeFixture>;
