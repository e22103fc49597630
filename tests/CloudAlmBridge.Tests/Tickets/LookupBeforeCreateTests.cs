using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// Issue 21, item 6, against a WireMock ServiceNow on both storages: <c>Bridge:Lifecycle:LookupBeforeCreate</c>
/// <c>Auto</c> skips the look-up by <c>correlation_id</c> only for the first claim of a fresh situation's first delivery;
/// an old situation, a retry, a replay, an earlier delivery of the situation and <c>Always</c> keep it. Each test follows
/// its own situation's calls only (the bridge and ServiceNow are shared with the other tests of the class).
/// </summary>
public abstract class LookupBeforeCreateTests
{
    private const string Subscription = TestSettings.Subscription;
    private const string Incidents = ServiceNowStubs.IncidentPath;
    private readonly ServiceNowBridgeFixture _bridge;

    protected LookupBeforeCreateTests(ServiceNowBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Fact]
    public async Task Auto_TheFirstCreatedOfAFreshSituation_IsCreatedWithoutALookUp()
    {
        var situation = Events.NewSituationId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate("aaa001", "INC0030001");
        using var events = _bridge.EventsClient();

        var created = await events.PostEventAsync(Subscription, Events.Started("created", situation, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("INC0030001", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalNumber").GetString());
        Assert.Equal(["POST"], CallsOf(situation));
    }

    [Fact]
    public async Task Auto_ASituationThatStartedBeforeTheWindow_IsLookedUpFirst()
    {
        // A restored database or a second system that creates tickets may have left it a ticket the bridge does not know.
        var situation = Events.NewSituationId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate("aaa002", "INC0030002");
        using var events = _bridge.EventsClient();

        var created = await events.PostEventAsync(Subscription, Events.Started("created", situation, DateTimeOffset.UtcNow.AddMinutes(-11)));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["GET", "POST"], CallsOf(situation));
    }

    [Fact]
    public async Task Auto_TheRetryOfACreateAnswered503_IsLookedUpFirst()
    {
        var situation = Events.NewSituationId();
        CreateAnswers(situation, 503, 201);
        _bridge.ServiceNow.AnswersLookup();
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();

        await events.PostEventAsync(Subscription, Events.Started("created", situation, DateTimeOffset.UtcNow));
        var ticket = await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 1);

        Assert.Equal("INC0030003", ticket.GetProperty("ticketNumber").GetString());
        Assert.Equal(["POST", "GET", "POST"], CallsOf(situation));
    }

    [Fact]
    public async Task Auto_AReplayedDeadLetter_IsLookedUpFirst()
    {
        var situation = Events.NewSituationId();
        CreateAnswers(situation, 400, 201);
        _bridge.ServiceNow.AnswersLookup();
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();

        var refused = await events.PostEventAsync(Subscription, Events.Started("created", situation, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Equal(["POST"], CallsOf(situation));
        var id = await Polling.DeliveryIdOfAsync(refused);

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/v1/deliveries/{id}/retry", null)).StatusCode);
        var replayed = await Polling.WaitForDeliveryAsync(admin, id);

        Assert.Equal("Delivered", replayed.GetProperty("state").GetString());
        Assert.Equal(["POST", "GET", "POST"], CallsOf(situation));
    }

    [Fact]
    public async Task Auto_AnUpdatedAfterItsSituationsCreatedWasSent_IsLookedUpFirst_ThoughItIsItsOwnFirstClaim()
    {
        // The CREATED ran (here: refused, dead-lettered); nothing of the bridge's own says what its create left behind.
        var situation = Events.NewSituationId();
        CreateAnswers(situation, 400, 201);
        _bridge.ServiceNow.AnswersLookup();
        using var events = _bridge.EventsClient();

        var refused = await events.PostEventAsync(Subscription, Events.Started("created", situation, DateTimeOffset.UtcNow));
        var updated = await events.PostEventAsync(Subscription, Events.Started("updated", situation, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, updated.StatusCode);
        Assert.Equal(["POST", "GET", "POST"], CallsOf(situation));
    }

    [Fact]
    public async Task Always_TheFirstCreatedOfAFreshSituation_IsLookedUpFirst()
    {
        await _bridge.RestartAsync(new Dictionary<string, string?> { ["Bridge:Lifecycle:LookupBeforeCreate"] = "Always" });
        try
        {
            var situation = Events.NewSituationId();
            _bridge.ServiceNow.AnswersLookup();
            _bridge.ServiceNow.AnswersCreate("aaa005", "INC0030005");
            using var events = _bridge.EventsClient();

            var created = await events.PostEventAsync(Subscription, Events.Started("created", situation, DateTimeOffset.UtcNow));

            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(["GET", "POST"], CallsOf(situation));
        }
        finally
        {
            // The other tests of the class run on the default, Auto.
            await _bridge.RestartAsync();
        }
    }

    /// <summary>The situation's creates answer <paramref name="first"/>, then <paramref name="then"/> (a 201 with INC003000x).</summary>
    private void CreateAnswers(string situation, int first, int then)
    {
        var ours = new WildcardMatcher($"*{situation}*");
        _bridge.ServiceNow.Given(Request.Create().WithPath(Incidents).UsingPost().WithBody(ours)).InScenario(situation).WillSetStateTo("second")
            .RespondWith(Response.Create().WithStatusCode(first).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"message":"refused","detail":"by the test"},"status":"failure"}"""));
        _bridge.ServiceNow.Given(Request.Create().WithPath(Incidents).UsingPost().WithBody(ours)).InScenario(situation).WhenStateIs("second")
            .RespondWith(Response.Create().WithStatusCode(then).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":{"sys_id":"aaa003","number":"INC0030003","state":"1"}}"""));
    }

    /// <summary>The methods of the calls about the situation (its look-ups name it in the URL, its creates in the body), in order.</summary>
    private List<string> CallsOf(string situation) => _bridge.ServiceNow.LogEntries
        .Where(e => e.RequestMessage.Url.Contains(situation, StringComparison.Ordinal)
                    || (e.RequestMessage.Body ?? string.Empty).Contains(situation, StringComparison.Ordinal))
        .OrderBy(e => e.RequestMessage.DateTime)
        .Select(e => e.RequestMessage.Method)
        .ToList();
}

/// <summary>The look-up before a create on a SQLite file.</summary>
public sealed class LookupBeforeCreateOnSqliteTests(ServiceNowBridgeFixture bridge) : LookupBeforeCreateTests(bridge), IClassFixture<ServiceNowBridgeFixture>;

/// <summary>The look-up before a create on a real PostgreSQL server.</summary>
public sealed class LookupBeforeCreateOnPostgreSqlTests(PostgreSqlBridgeFixture bridge) : LookupBeforeCreateTests(bridge), IClassFixture<PostgreSqlBridgeFixture>;

/// <summary>A skipped look-up is visible: one line at Debug (event 3014) naming the situation and why.</summary>
public sealed class LookupSkippedLogTests : IDisposable
{
    private readonly IsolatedServiceNow _serviceNow = new();

    [Fact]
    public async Task ASkippedLookUp_IsLoggedAtDebug_AndALookedUpCreateIsNot()
    {
        var settings = _serviceNow.Settings();
        settings["Serilog:MinimumLevel:Default"] = "Debug";
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        _serviceNow.ServiceNow.AnswersLookup();
        _serviceNow.ServiceNow.AnswersCreate("bbb001", "INC0031001");
        var fresh = Events.NewSituationId();
        var old = Events.NewSituationId();

        Assert.Equal(HttpStatusCode.Created, (await events.PostEventAsync(TestSettings.Subscription,
            Events.Started("created", fresh, DateTimeOffset.UtcNow))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await events.PostEventAsync(TestSettings.Subscription,
            Events.Started("created", old, DateTimeOffset.UtcNow.AddHours(-1)))).StatusCode);

        var skipped = factory.Logs.Lines.Where(line => line.Contains("the look-up before its create is skipped", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(skipped);
        Assert.StartsWith("Debug CloudAlmBridge.Tickets.TicketLifecycle: ", line, StringComparison.Ordinal);
        Assert.Contains(fresh, line, StringComparison.Ordinal);
        Assert.Contains("started within 00:10:00 of now", line, StringComparison.Ordinal);
    }

    public void Dispose() => _serviceNow.Dispose();
}
