using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Maintenance;

/// <summary>
/// Issue 22 item 3, a planned downtime: during a maintenance window the events it covers are accepted and stored, and
/// nothing reaches the ticket system (WireMock's request log stays empty); Cloud ALM's answer, the delivery and a PING
/// say the window holds them. At its end (ended early over REST, which applies the policy at once) <c>Deliver</c>
/// delivers what is still open, in order, and <c>Drop</c> drops it; under both, a situation that opened and closed
/// within the window leaves no trace, and the CLOSED of a ticket made before the window is delivered. On each storage.
/// </summary>
public abstract partial class MaintenanceTests
{
    private const string Subscription = TestSettings.Subscription;
    private readonly ServiceNowBridgeFixture _bridge;

    // Each test's situations are about a service of its own, and its windows cover only that service: the tests of a
    // class share one bridge and database, and one test's window must not hold another's events.
    private readonly string _service = Guid.NewGuid().ToString();

    protected MaintenanceTests(ServiceNowBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Fact]
    public async Task AnAdHocWindow_HoldsEverything_AndAtItsEnd_DeliverSendsWhatIsStillOpen_InOrder_AndDropsWhatClosed()
    {
        var (existing, open, closed) = (Events.NewSituationId(), Events.NewSituationId(), Events.NewSituationId());
        var (existingSysId, openSysId) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        // Information: the log lines that say who started and ended the window.
        await _bridge.RestartAsync(new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" });
        using var client = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();
        await CreateBeforeTheWindowAsync(client, existing, existingSysId);
        var heldBefore = HeldCounter(await admin.GetStringAsync("/metrics"));

        var start = await admin.PostAsJsonAsync("/api/v1/maintenance",
            new { minutes = 60, services = new[] { _service }, atEnd = "Deliver", reason = "S/4HANA kernel upgrade" });

        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var window = await start.Content.ReadFromJsonAsync<JsonElement>();
        var name = window.GetProperty("name").GetString()!;
        Assert.StartsWith("adhoc-", name, StringComparison.Ordinal);
        Assert.Equal($"/api/v1/maintenance/{name}", start.Headers.Location!.ToString());
        Assert.Equal("Active", window.GetProperty("status").GetString());
        Assert.Equal(TestSettings.AdminClient, window.GetProperty("startedBy").GetString());
        Assert.Equal("S/4HANA kernel upgrade", window.GetProperty("reason").GetString());
        Assert.Contains(_bridge.Factory.Logs.Lines, l => l.Contains("Id: 9001", StringComparison.Ordinal) && l.Contains($"Window={name},", StringComparison.Ordinal)
                                                          && l.Contains($"User={TestSettings.AdminClient},", StringComparison.Ordinal));
        AnswerServiceNow(existingSysId, "INC0030001", openSysId, "INC0030002");

        var answers = await PostDuringTheWindowAsync(client, existing, open, closed, name);

        // Nothing reached ServiceNow: no create, no update, no close, not even a look-up.
        Assert.Empty(_bridge.ServiceNow.LogEntries);
        var held = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{answers[open][0]}");
        Assert.Equal(name, held.GetProperty("heldBy").GetString());
        Assert.Equal("Queued", held.GetProperty("state").GetString());
        var ping = await client.GetAsync($"/api/v1/events/{Subscription}/{open}");
        Assert.Equal(HttpStatusCode.Conflict, ping.StatusCode);
        var pingProblem = await ping.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Maintenance", pingProblem.GetProperty("deliveryState").GetString());
        Assert.Equal(name, pingProblem.GetProperty("maintenanceWindow").GetString());
        Assert.Empty(_bridge.ServiceNow.LogEntries);
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).EnumerateArray().Single(w => w.GetProperty("name").GetString() == name);
        Assert.True(listed.GetProperty("heldBack").GetProperty("waiting").GetInt64() >= 3);

        var end = await admin.PostAsync($"/api/v1/maintenance/{name}/end", null);

        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        var ended = await end.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(TestSettings.AdminClient, ended.GetProperty("endedBy").GetString());
        Assert.Equal("Ended", ended.GetProperty("status").GetString());
        Assert.Contains(_bridge.Factory.Logs.Lines, l => l.Contains("Id: 9002", StringComparison.Ordinal) && l.Contains($"Window={name},", StringComparison.Ordinal)
                                                          && l.Contains($"User={TestSettings.AdminClient},", StringComparison.Ordinal));

        // The open situation gets its incident, created then updated, in order; the existing incident is resolved; the
        // situation that opened and closed within the window leaves no trace.
        var openTicket = await Polling.WaitForSituationAsync(admin, Subscription, open, 2);
        Assert.Equal("INC0030002", openTicket.GetProperty("ticketNumber").GetString());
        Assert.Equal(["Create", "Update"], openTicket.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        await WaitForStatesAsync(admin, answers[closed], "Skipped");
        await WaitForStatesAsync(admin, answers[existing], "Delivered");
        var creates = _bridge.ServiceNow.Calls("POST", ServiceNowStubs.IncidentPath);
        Assert.Equal(open, ServiceNowStubs.BodyOf(Assert.Single(creates))["correlation_id"]!.GetValue<string>());
        var log = _bridge.ServiceNow.LogEntries.ToList();
        Assert.True(log.IndexOf(creates[0]) < log.IndexOf(_bridge.ServiceNow.Calls("PATCH", $"{ServiceNowStubs.IncidentPath}/{openSysId}").Single()));
        Assert.Equal("6", ServiceNowStubs.BodyOf(_bridge.ServiceNow.Calls("PATCH", $"{ServiceNowStubs.IncidentPath}/{existingSysId}").Single())["state"]!.GetValue<string>());
        var dropped = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{answers[closed][1]}");
        Assert.Contains($"maintenance window {name}: dropped: the situation opened and closed during the window", dropped.GetProperty("lastError").GetString(),
            StringComparison.Ordinal);
        Assert.Equal(name, dropped.GetProperty("heldBy").GetString());

        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/maintenance/{name}");
        Assert.Equal(5, after.GetProperty("heldBack").GetProperty("events").GetInt64());
        Assert.Equal(3, after.GetProperty("heldBack").GetProperty("delivered").GetInt64());
        Assert.Equal(2, after.GetProperty("heldBack").GetProperty("dropped").GetInt64());
        Assert.Equal(0, after.GetProperty("heldBack").GetProperty("waiting").GetInt64());
        // The Prometheus exporter answers a scrape from its cache for a moment (300 ms): a fast run can still see the
        // figure of the scrape before the window.
        await Polling.WaitUntilAsync(async () => HeldCounter(await admin.GetStringAsync("/metrics")) == heldBefore + 5,
            "bridge_events_held_by_maintenance_total to count the 5 events held");
    }

    [Fact]
    public async Task AConfiguredWindow_EndedEarly_WithAtEndDrop_SendsNothingOfTheWindow_ButTheCloseOfAnExistingTicket()
    {
        var (existing, open, closed) = (Events.NewSituationId(), Events.NewSituationId(), Events.NewSituationId());
        var (existingSysId, openSysId) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        using (var before = _bridge.EventsClient())
        {
            await CreateBeforeTheWindowAsync(before, existing, existingSysId);
        }

        var now = DateTimeOffset.UtcNow;
        var windowName = $"s4-upgrade-{_service[..8]}";
        await _bridge.RestartAsync(new Dictionary<string, string?>
        {
            [$"Bridge:Maintenance:{windowName}:Start"] = (now - TimeSpan.FromMinutes(5)).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
            [$"Bridge:Maintenance:{windowName}:End"] = (now + TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
            [$"Bridge:Maintenance:{windowName}:Subscriptions:0"] = Subscription,
            [$"Bridge:Maintenance:{windowName}:Services:0"] = _service,
            [$"Bridge:Maintenance:{windowName}:AtEnd"] = "Drop",
            [$"Bridge:Maintenance:{windowName}:Reason"] = "planned downtime",
        });
        using var client = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/maintenance/{windowName}");
        Assert.Equal("Active", listed.GetProperty("status").GetString());
        Assert.Equal("Configuration", listed.GetProperty("origin").GetString());
        Assert.Equal("Drop", listed.GetProperty("atEnd").GetString());
        AnswerServiceNow(existingSysId, "INC0030011", openSysId, "INC0030012");

        var answers = await PostDuringTheWindowAsync(client, existing, open, closed, windowName);

        Assert.Empty(_bridge.ServiceNow.LogEntries);

        var end = await admin.PostAsync($"/api/v1/maintenance/{windowName}/end", null);

        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        Assert.Equal(TestSettings.AdminClient, (await end.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endedBy").GetString());
        await WaitForStatesAsync(admin, answers[existing], "Delivered");
        await WaitForStatesAsync(admin, answers[open], "Skipped");
        await WaitForStatesAsync(admin, answers[closed], "Skipped");

        // Only the existing incident's resolve reached ServiceNow: nothing was created.
        Assert.Empty(_bridge.ServiceNow.Calls("POST"));
        var patch = Assert.Single(_bridge.ServiceNow.Calls("PATCH"));
        Assert.Equal($"{ServiceNowStubs.IncidentPath}/{existingSysId}", patch.RequestMessage.Path);
        Assert.Equal("6", ServiceNowStubs.BodyOf(patch)["state"]!.GetValue<string>());
        var dropped = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{answers[open][0]}");
        Assert.Contains($"maintenance window {windowName}: dropped: AtEnd Drop", dropped.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/maintenance/{windowName}/end", null)).StatusCode);

        // After the window, the bridge delivers again: an event of the service creates its incident at once.
        var afterwards = await client.PostEventAsync(Subscription, Situation("created", Events.NewSituationId()));
        Assert.Equal(HttpStatusCode.Created, afterwards.StatusCode);
    }

    [Fact]
    public async Task Jira_ADowntime_HoldsTheIssue_AndAtItsEnd_DeliverCreatesIt_ThenItsUpdate()
    {
        using var jira = new JiraStandIn(cloud: false);
        await _bridge.RestartAsync(new Dictionary<string, string?> { ["Bridge:Destinations:jira:Url"] = jira.Url });
        using var client = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();
        var start = await admin.PostAsJsonAsync("/api/v1/maintenance",
            new { minutes = 30, subscriptions = new[] { TestSettings.JiraSubscription }, services = new[] { _service }, reason = "Jira side" });
        var name = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString()!;
        var callsBefore = jira.Server.LogEntries.Count();
        var open = Events.NewSituationId();

        var ids = new List<long>();
        foreach (var kind in new[] { "created", "updated" })
        {
            var answer = await client.PostEventAsync(TestSettings.JiraSubscription, Situation(kind, open));
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            Assert.Equal("Maintenance", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
            ids.Add(Polling.DeliveryId(answer));
        }

        await using (var database = _bridge.OpenDatabase())
        {
            var store = new DeliveryStore(database, new BridgeInstance("test"));
            await Polling.WaitUntilAsync(async () => await store.FindAsync(ids[0], CancellationToken.None) is { HeldUntil: not null }, "the situation held");
        }

        Assert.Equal(callsBefore, jira.Server.LogEntries.Count());
        Assert.Empty(jira.IssuesOf(open));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/maintenance/{name}/end", null)).StatusCode);

        var ticket = await Polling.WaitForSituationAsync(admin, TestSettings.JiraSubscription, open, 2);
        Assert.Equal(["Create", "Update"], ticket.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        var issue = Assert.Single(jira.IssuesOf(open));
        Assert.Equal(issue.Key, ticket.GetProperty("ticketNumber").GetString());
    }

    [Fact]
    public async Task StartingAWindow_WithBadInput_IsA400ListingEveryField_AndEndingAnUnknownOne_A404_AndOnlyAdminsMayDoEither()
    {
        using var admin = _bridge.AdminClient();
        using var events = _bridge.EventsClient();

        var bad = await admin.PostAsJsonAsync("/api/v1/maintenance", new { minutes = 0, subscriptions = new[] { "calm-to-snw" }, atEnd = "Later" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains("minutes: must be between 1 and 10080 (a week), is 0", errors);
        Assert.Contains(errors, e => e.StartsWith("subscriptions[0]: no subscription 'calm-to-snw' is configured; known: ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("atEnd: 'Later' must be 'Deliver'", StringComparison.Ordinal));
        Assert.Equal(3, errors.Count);

        var malformed = await admin.PostAsync("/api/v1/maintenance", Events.Json("""{"minutes":"ten"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.StartsWith("minutes: ", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetString(), StringComparison.Ordinal);

        var unknown = await admin.PostAsync("/api/v1/maintenance/adhoc-999999/end", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/maintenance/adhoc-999999")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await events.PostAsJsonAsync("/api/v1/maintenance", new { minutes = 10 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await events.GetAsync("/api/v1/maintenance")).StatusCode);
    }

    /// <summary>
    /// During the window: the existing situation's CLOSED; the open situation's CREATED and UPDATED; the CREATED and
    /// CLOSED of one that opens and closes within it. Each is answered 202 Maintenance without a ticket number that
    /// does not exist, and the bridge has held each situation before this returns. Returns the delivery ids by situation.
    /// </summary>
    private async Task<Dictionary<string, List<long>>> PostDuringTheWindowAsync(HttpClient client, string existing, string open, string closed, string window)
    {
        var answers = new Dictionary<string, List<long>> { [existing] = [], [open] = [], [closed] = [] };
        foreach (var (situation, name) in new[] { (existing, "closed"), (open, "created"), (open, "updated"), (closed, "created"), (closed, "closed") })
        {
            var answer = await client.PostEventAsync(Subscription, Situation(name, situation));
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Maintenance", body.GetProperty("deliveryState").GetString());
            if (situation != existing)
            {
                Assert.Equal(JsonValueKind.Null, body.GetProperty("externalNumber").ValueKind);
            }

            answers[situation].Add(Polling.DeliveryId(answer));
        }

        // Held: the dispatcher marked the first event of each situation with the window (the others wait behind it).
        await using var database = _bridge.OpenDatabase();
        var store = new DeliveryStore(database, new BridgeInstance("test"));
        foreach (var (situation, ids) in answers)
        {
            await Polling.WaitUntilAsync(async () => await store.FindAsync(ids[0], CancellationToken.None) is { HeldUntil: not null } held && held.HeldBy == window,
                $"situation {situation} held by {window}");
        }

        return answers;
    }

    /// <summary>A situation with an incident made before the window (the look-up and create answered, then forgotten).</summary>
    private async Task CreateBeforeTheWindowAsync(HttpClient client, string situationId, string sysId)
    {
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate(sysId, "INC0030000");
        Assert.Equal(HttpStatusCode.Created, (await client.PostEventAsync(Subscription, Situation("created", situationId))).StatusCode);
        _bridge.ResetTicketSystems();
    }

    private void AnswerServiceNow(string existingSysId, string existingNumber, string openSysId, string openNumber)
    {
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate(openSysId, openNumber);
        snow.AnswersPatch(openSysId, openNumber, "2");
        snow.AnswersPatch(existingSysId, existingNumber, "6");
    }

    private static async Task WaitForStatesAsync(HttpClient admin, IEnumerable<long> deliveries, string state)
    {
        foreach (var id in deliveries)
        {
            var delivery = await Polling.WaitForDeliveryAsync(admin, id);
            Assert.Equal(state, delivery.GetProperty("state").GetString());
        }
    }

    private JsonObject Situation(string name, string situationId)
    {
        var message = Events.Message(name, situationId);
        message["resource"]!["serviceId"] = _service;
        return message;
    }

    private static long HeldCounter(string metrics) =>
        HeldCounterLine().Match(metrics) is { Success: true } match ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex("""bridge_events_held_by_maintenance_total\{[^}]*subscription="calm-to-snow"[^}]*\} (\d+)""")]
    private static partial Regex HeldCounterLine();
}

/// <summary>The maintenance window tests on a SQLite file.</summary>
public sealed class MaintenanceOnSqliteTests(ServiceNowBridgeFixture bridge) : MaintenanceTests(bridge), IClassFixture<ServiceNowBridgeFixture>;

/// <summary>The maintenance window tests on a real PostgreSQL server, and with two instances sharing it.</summary>
public sealed class MaintenanceOnPostgreSqlTests(PostgreSqlBridgeFixture bridge) : MaintenanceTests(bridge), IClassFixture<PostgreSqlBridgeFixture>
{
    /// <summary>An ad hoc window is stored, so the other instance holds by it too; ended there, the held events go out once.</summary>
    [Fact]
    public async Task AWindowStartedOnOneInstance_HoldsOnTheOther_AndEndedThere_DeliversOnce()
    {
        await using var other = bridge.StartBridge(new Dictionary<string, string?> { ["Bridge:Storage:InstanceName"] = "bridge-b" });
        using var adminA = bridge.AdminClient();
        using var eventsB = other.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var adminB = other.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var service = Guid.NewGuid().ToString();
        var start = await adminA.PostAsJsonAsync("/api/v1/maintenance", new { minutes = 30, services = new[] { service } });
        var name = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString()!;
        var (situation, sysId) = (Events.NewSituationId(), Guid.NewGuid().ToString("N"));
        bridge.ServiceNow.AnswersLookup();
        bridge.ServiceNow.AnswersCreate(sysId, "INC0030021");
        bridge.ServiceNow.AnswersPatch(sysId, "INC0030021", "2");

        var ids = new List<long>();
        foreach (var kind in new[] { "created", "updated" })
        {
            var message = Events.Message(kind, situation);
            message["resource"]!["serviceId"] = service;
            var answer = await eventsB.PostEventAsync(TestSettings.Subscription, message);
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            Assert.Equal("Maintenance", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
            ids.Add(Polling.DeliveryId(answer));
        }

        await using (var database = bridge.OpenDatabase())
        {
            var store = new DeliveryStore(database, new BridgeInstance("test"));
            await Polling.WaitUntilAsync(async () => await store.FindAsync(ids[0], CancellationToken.None) is { HeldUntil: not null }, "the situation held");
        }

        Assert.Empty(bridge.ServiceNow.LogEntries);
        var listedOnB = (await adminB.GetFromJsonAsync<JsonElement>("/api/v1/maintenance")).EnumerateArray().Single(w => w.GetProperty("name").GetString() == name);
        Assert.Equal("Active", listedOnB.GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, (await adminB.PostAsync($"/api/v1/maintenance/{name}/end", null)).StatusCode);

        var ticket = await Polling.WaitForSituationAsync(adminA, TestSettings.Subscription, situation, 2);
        Assert.Equal("INC0030021", ticket.GetProperty("ticketNumber").GetString());
        Assert.Single(bridge.ServiceNow.Calls("POST", ServiceNowStubs.IncidentPath));
        Assert.Single(bridge.ServiceNow.Calls("PATCH", $"{ServiceNowStubs.IncidentPath}/{sysId}"));
    }
}
