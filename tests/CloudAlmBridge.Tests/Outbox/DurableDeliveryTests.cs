using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Outbox;

/// <summary>
/// docs/api.md §2 and §3 against a ServiceNow that fails on purpose: nothing lost, nothing duplicated, in order.
/// Retries run on short configured delays (0.2 s doubling, at most 1 s).
/// </summary>
public abstract class DurableDeliveryTests
{
    private const string Subscription = TestSettings.Subscription;
    private const string Incidents = ServiceNowStubs.IncidentPath;
    private readonly ServiceNowBridgeFixture _bridge;

    protected DurableDeliveryTests(ServiceNowBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Fact]
    public async Task Outage_ThreeTimes503_ThenDelivered_ExactlyOnce()
    {
        // The scenario follows this situation's creates only: a late retry of an earlier test's situation (tests share
        // the bridge) must not move it.
        var situation = Events.NewSituationId();
        var ours = new WireMock.Matchers.WildcardMatcher($"*{situation}*");
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.Given(Request.Create().WithPath(Incidents).UsingPost().WithBody(ours)).InScenario("outage")
            .WillSetStateTo("down1").RespondWith(Response.Create().WithStatusCode(503));
        for (var i = 1; i < 3; i++)
        {
            snow.Given(Request.Create().WithPath(Incidents).UsingPost().WithBody(ours)).InScenario("outage").WhenStateIs($"down{i}")
                .WillSetStateTo($"down{i + 1}").RespondWith(Response.Create().WithStatusCode(503));
        }

        snow.Given(Request.Create().WithPath(Incidents).UsingPost().WithBody(ours)).InScenario("outage").WhenStateIs("down3")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":{"sys_id":"aaa111","number":"INC0020001","state":"1"}}"""));
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();

        var response = await events.PostEventAsync(Subscription, Events.Message("created", situation));

        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Created, response.StatusCode.ToString());
        var ticket = await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 1);
        Assert.Equal("INC0020001", ticket.GetProperty("ticketNumber").GetString());
        var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{ticket.GetProperty("events")[0].GetProperty("id").GetInt64()}");
        Assert.Equal("Delivered", delivery.GetProperty("state").GetString());
        Assert.Equal(["Failed", "Failed", "Failed", "Delivered"],
            delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()!).ToArray());
        Assert.Equal(503, delivery.GetProperty("attempts")[0].GetProperty("statusCode").GetInt32());
        Assert.Equal(4, snow.Calls("POST").Count(c => c.RequestMessage.Body!.Contains(situation, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TooManyRequests_WithRetryAfter_NoCallBeforeItExpires()
    {
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.Given(Request.Create().WithPath(Incidents).UsingPost()).InScenario("throttle").WillSetStateTo("open")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "2")
                .WithBody("""{"error":{"message":"Rate limit exceeded","detail":"Rate limit of 10 requests per hour for Table API exceeded"},"status":"failure"}"""));
        snow.AnswersCreate("bbb222", "INC0020002");
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();
        var situation = Events.NewSituationId();

        await events.PostEventAsync(Subscription, Events.Message("created", situation));
        await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 1);

        var posts = snow.Calls("POST").Where(p => p.RequestMessage.Body!.Contains(situation, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, posts.Count);
        Assert.True(posts[1].RequestMessage.DateTime - posts[0].RequestMessage.DateTime >= TimeSpan.FromSeconds(2),
            $"second call after {(posts[1].RequestMessage.DateTime - posts[0].RequestMessage.DateTime).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task TooManyRequests_WithRetryAfterAsAnHttpDate_NoCallBeforeThatTime()
    {
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        var until = DateTimeOffset.UtcNow.AddSeconds(3);
        snow.Given(Request.Create().WithPath(Incidents).UsingPost()).InScenario("throttle-date").WillSetStateTo("open")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", until.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        snow.AnswersCreate("bbb333", "INC0020010");
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();
        var situation = Events.NewSituationId();

        await events.PostEventAsync(Subscription, Events.Message("created", situation));
        await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 1);

        var posts = snow.Calls("POST").Where(p => p.RequestMessage.Body!.Contains(situation, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, posts.Count);

        // HTTP dates have whole seconds: the second call is not before the named second began.
        Assert.True(posts[1].RequestMessage.DateTime >= until.UtcDateTime.AddSeconds(-1),
            $"second call at {posts[1].RequestMessage.DateTime:O}, Retry-After named {until:O}");
    }

    [Fact]
    public async Task Timeout_OfACreate_IsRetried_AfterLookingTheIncidentUp()
    {
        // Stubs and counts follow this situation only: a late retry of an earlier test's situation must not move them.
        var situation = Events.NewSituationId();
        var ours = new WireMock.Matchers.WildcardMatcher($"*{situation}*");
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.Given(Request.Create().WithPath(Incidents).UsingPost().WithBody(ours)).InScenario("slow").WillSetStateTo("fast")
            .RespondWith(Response.Create().WithStatusCode(201).WithDelay(TimeSpan.FromSeconds(4))
                .WithBody("""{"result":{"sys_id":"late","number":"INC0029999","state":"1"}}"""));
        snow.Given(Request.Create().WithPath(Incidents).UsingPost().WithBody(ours)).InScenario("slow").WhenStateIs("fast")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":{"sys_id":"ccc333","number":"INC0020003","state":"1"}}"""));
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();

        await events.PostEventAsync(Subscription, Events.Message("created", situation));
        var ticket = await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 1);

        Assert.Equal("INC0020003", ticket.GetProperty("ticketNumber").GetString());

        // Each create was preceded by a look-up by correlation id: the outcome of the timed-out one was unknown.
        var calls = snow.LogEntries
            .Where(e => (e.RequestMessage.Body ?? string.Empty).Contains(situation, StringComparison.Ordinal)
                        || e.RequestMessage.Url.Contains(situation, StringComparison.Ordinal))
            .OrderBy(e => e.RequestMessage.DateTime).Select(e => e.RequestMessage.Method).ToList();
        Assert.Equal(2, calls.Count(m => m == "POST"));
        var secondPost = calls.LastIndexOf("POST");
        var firstPost = calls.IndexOf("POST");
        Assert.Contains("GET", calls.Take(firstPost));
        Assert.Contains("GET", calls.Skip(firstPost + 1).Take(secondPost - firstPost - 1));
    }

    [Fact]
    public async Task CreateWhoseAnswerIsLost_GivesExactlyOneIncident()
    {
        var snow = _bridge.ServiceNow;
        var situation = Events.NewSituationId();

        // ServiceNow creates the incident, then the answer breaks off mid-way (a malformed chunk, the connection
        // closed): the bridge cannot know whether the incident exists.
        snow.Given(Request.Create().WithPath(Incidents).UsingPost()).InScenario("lost").WillSetStateTo("created")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":{"sys_id":"ddd444","number":"INC0020004","state":"1"}}""").WithFault(FaultType.MALFORMED_RESPONSE_CHUNK));
        snow.Given(Request.Create().WithPath(Incidents).UsingPost()).InScenario("lost").WhenStateIs("created")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":{"sys_id":"duplicate","number":"INC0029998","state":"1"}}"""));
        snow.Given(Request.Create().WithPath(Incidents).UsingGet().WithParam("sysparm_query")).InScenario("lost").WhenStateIs("created")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"result":[{"sys_id":"ddd444","number":"INC0020004","state":"1","correlation_id":"{{situation}}"}]}"""));
        snow.Given(Request.Create().WithPath(Incidents).UsingGet().WithParam("sysparm_query")).InScenario("lost")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"result":[]}"""));
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();

        await events.PostEventAsync(Subscription, Events.Message("created", situation));
        var ticket = await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 1);

        Assert.Equal("ddd444", ticket.GetProperty("ticketId").GetString());
        Assert.Equal("INC0020004", ticket.GetProperty("ticketNumber").GetString());
        Assert.Single(snow.Calls("POST"));
    }

    [Fact]
    public async Task FiftyConcurrentEvents_OfOneSituation_GiveOneIncident_AndTheUpdatesInAcceptanceOrder()
    {
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate("eee555", "INC0020005");
        snow.AnswersPatch("eee555", "INC0020005", "2");
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();
        var situation = Events.NewSituationId();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
        {
            var message = Events.Message(i == 0 ? "created" : "updated", situation);
            message["resource"]!["updateTime"] = $"2026-11-02T09:{i:D2}:00Z";
            message["resource"]!["workNotes"] = $"note {i}";
            return events.PostEventAsync(Subscription, message);
        }));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        var ticket = await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 50);
        Assert.Single(snow.Calls("POST"));
        var patches = snow.Calls("PATCH");
        Assert.Equal(49, patches.Count);

        // The notes of the events, in acceptance (delivery id) order, minus the one that created the incident, are the
        // notes ServiceNow received, in the order it received them.
        var accepted = new List<(string Note, string? Action)>();
        foreach (var e in ticket.GetProperty("events").EnumerateArray())
        {
            var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{e.GetProperty("id").GetInt64()}");
            accepted.Add((delivery.GetProperty("message").GetProperty("resource").GetProperty("workNotes").GetString()!,
                delivery.GetProperty("action").GetString()));
        }

        Assert.Equal(1, accepted.Count(a => a.Action == "Create"));
        var expected = accepted.Where(a => a.Action != "Create").Select(a => a.Note).ToArray();
        var received = patches.Select(p => ServiceNowStubs.BodyOf(p)["work_notes"]!.GetValue<string>().Split(": ", 2)[1]).ToArray();
        Assert.Equal(expected, received);
    }

    [Fact]
    public async Task DuplicateMessage_IsAnsweredLikeTheOriginal_AndDeliveredOnce_ButNewContentAtTheSameUpdateTimeIsDelivered()
    {
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate("fff666", "INC0020006");
        _bridge.ServiceNow.AnswersPatch("fff666", "INC0020006", "2");
        using var events = _bridge.EventsClient();
        var situation = Events.NewSituationId();
        var message = Events.Message("created", situation);
        var sameUpdateTimeOtherContent = Events.Message("created", situation);
        sameUpdateTimeOtherContent["resource"]!["workNotes"] = "sent again with other notes";

        var original = await events.PostEventAsync(Subscription, message);
        var identical = await events.PostEventAsync(Subscription, message);
        var respaced = await events.PostAsync($"/api/v1/events/{Subscription}", new StringContent(
            message.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), System.Text.Encoding.UTF8, "application/json"));
        var otherContent = await events.PostEventAsync(Subscription, sameUpdateTimeOtherContent);

        var first = await original.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, original.StatusCode);
        Assert.Equal(HttpStatusCode.Created, identical.StatusCode);
        Assert.Equal(first, await identical.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, respaced.StatusCode);
        Assert.Equal(first, await respaced.Content.ReadAsStringAsync());

        // Same update time, other content: another event, not a resend. The ticket exists, so it is an update.
        Assert.Equal(HttpStatusCode.OK, otherContent.StatusCode);
        Assert.Single(_bridge.ServiceNow.Calls("POST"));
        var patch = Assert.Single(_bridge.ServiceNow.Calls("PATCH"));
        Assert.Contains("sent again with other notes", patch.RequestMessage.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonRetryableRefusal_IsDeadLetteredAtOnce_WithServiceNowsMessage_AndReplayedAfterTheFix()
    {
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersError("POST", Incidents, 403, "Operation Failed", "Data Policy Exception: The following fields are mandatory: Caller");
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();
        var situation = Events.NewSituationId();

        var refused = await events.PostEventAsync(Subscription, Events.Message("created", situation));

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var id = problem.GetProperty("deliveryId").GetInt64();
        var dead = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{id}");
        Assert.Equal("DeadLettered", dead.GetProperty("state").GetString());
        Assert.Equal(403, dead.GetProperty("lastStatus").GetInt32());
        Assert.Contains("The following fields are mandatory: Caller", dead.GetProperty("lastError").GetString());
        Assert.Single(snow.Calls("POST"));
        var deadLetters = await admin.GetFromJsonAsync<JsonElement>("/api/v1/deliveries?state=DeadLettered");
        Assert.Contains(deadLetters.EnumerateArray(), d => d.GetProperty("id").GetInt64() == id);

        // The operator fixes the mandatory field in ServiceNow (here: the stand-in accepts now) and replays.
        snow.Reset();
        snow.AnswersLookup();
        snow.AnswersCreate("ggg777", "INC0020007");
        var replay = await admin.PostAsync($"/api/v1/deliveries/{id}/retry", null);
        var delivered = await Polling.WaitForDeliveryAsync(admin, id);
        var again = await admin.PostAsync($"/api/v1/deliveries/{id}/retry", null);

        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal("Delivered", delivered.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("INC0020007", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{Subscription}/{situation}"))
            .GetProperty("ticketNumber").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/v1/deliveries/999999/retry", null)).StatusCode);
    }

    [Fact]
    public async Task Restart_WithDeliveriesPending_DeliversAllOfThemAfterwards()
    {
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersError("POST", Incidents, 503, "Service Unavailable", "maintenance window");
        var situations = Enumerable.Range(0, 5).Select(_ => Events.NewSituationId()).ToList();
        using (var events = _bridge.EventsClient())
        {
            var accepted = await Task.WhenAll(situations.Select(situation =>
                events.PostEventAsync(Subscription, Events.Message("created", situation))));
            Assert.All(accepted, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        }

        await _bridge.RestartAsync();
        snow.Reset();
        snow.AnswersLookup();
        snow.AnswersCreate("hhh888", "INC0020008");
        using var admin = _bridge.AdminClient();

        // Only this test's situations: tests share the bridge, and an earlier one's delivery may still be retrying.
        foreach (var situation in situations)
        {
            await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 1);
        }

        Assert.Equal(5, snow.Calls("POST").Count(c => situations.Any(s => c.RequestMessage.Body!.Contains(s, StringComparison.Ordinal))));
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>("/api/v1/deliveries?state=DeadLettered")).EnumerateArray(),
            d => d.GetProperty("lastError").GetString()!.Contains("maintenance window", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeliveriesWaitingLongerThanTheirLease_ForTheDestinationSlot_AreEachDeliveredOnce()
    {
        // One slot, a slow ServiceNow and a three-second lease: the later deliveries wait for the slot longer than the
        // lease (twelve creates of 0.3 s each, after their look-ups). Their owner renews the lease meanwhile, so none
        // is claimed and run a second time.
        await _bridge.RestartAsync(new Dictionary<string, string?>
        {
            ["Bridge:Delivery:LeaseDuration"] = "00:00:03",
            ["Bridge:Delivery:MaxConcurrencyPerDestination"] = "1",
            ["Bridge:Inbound:WaitForDeliverySeconds"] = "0",
        });
        try
        {
            var snow = _bridge.ServiceNow;
            snow.AnswersLookup();
            snow.Given(Request.Create().WithPath(Incidents).UsingPost())
                .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                    .WithBody("""{"result":{"sys_id":"slow1","number":"INC0030001","state":"1"}}""").WithDelay(TimeSpan.FromMilliseconds(300)));
            using var events = _bridge.EventsClient();
            using var admin = _bridge.AdminClient();
            var situations = Enumerable.Range(0, 12).Select(_ => Events.NewSituationId()).ToList();

            var accepted = await Task.WhenAll(situations.Select(s => events.PostEventAsync(Subscription, Events.Message("created", s))));

            Assert.All(accepted, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
            foreach (var situation in situations)
            {
                var ticket = await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 1);
                var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{ticket.GetProperty("events")[0].GetProperty("id").GetInt64()}");
                Assert.Equal("Delivered", delivery.GetProperty("state").GetString());
                Assert.Equal(1, delivery.GetProperty("attempts").GetArrayLength());
            }

            // Only this test's situations count: tests share the bridge, and an earlier one's late retry may arrive too.
            var creates = snow.Calls("POST").Select(c => ServiceNowStubs.BodyOf(c)["correlation_id"]!.GetValue<string>())
                .Where(situations.Contains).ToList();
            Assert.Equal(situations.Order(), creates.Order());
        }
        finally
        {
            await _bridge.RestartAsync();
        }
    }

    [Fact]
    public async Task AtStart_OnlyExpiredLeasesAreReleased_AndALiveOwnersClaimIsTakenOverOnlyWhenItsLeaseRunsOut()
    {
        // Failed attempts wait long here: the deliveries stay pending until the test makes them due.
        await _bridge.RestartAsync(new Dictionary<string, string?>
        {
            ["Bridge:Inbound:WaitForDeliverySeconds"] = "0",
            ["Bridge:Delivery:RetryBaseDelay"] = "00:10:00",
            ["Bridge:Delivery:RetryMaxDelay"] = "00:10:00",
        });
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersError("POST", Incidents, 503, "Service Unavailable", "maintenance window");
        using (var events = _bridge.EventsClient())
        {
            foreach (var name in new[] { "dead", "live" })
            {
                Assert.Equal(HttpStatusCode.Accepted,
                    (await events.PostEventAsync(Subscription, Events.Message("created", $"lease-{name}-{Guid.NewGuid():N}"))).StatusCode);
            }
        }

        // Both taken up and failed once before the bridge stops: their state rows are what the other instances' claims
        // are written into below.
        using (var watcher = _bridge.AdminClient())
        {
            await Polling.WaitUntilAsync(async () => (await watcher.GetFromJsonAsync<JsonElement>("/api/v1/deliveries?state=Retrying")).EnumerateArray()
                .Count(d => d.GetProperty("situationId").GetString()!.StartsWith("lease-", StringComparison.Ordinal)) == 2, "both deliveries failed once");
        }

        await _bridge.StopAsync();
        try
        {
            // As two other instances would have left them: one died long ago, one is (as far as the database knows) alive.
            var store = _bridge.OpenDatabase();
            var now = DateTimeOffset.UtcNow;
            await using (var connection = await store.OpenAsync(CancellationToken.None))
            {
                foreach (var (name, until) in new[] { ("dead", now.AddMinutes(-10)), ("live", now.AddSeconds(8)) })
                {
                    await using var command = connection.CreateCommand(
                        "UPDATE deliveries SET owner = @owner, lease_id = @lease, lease_until = @until, next_attempt_at = @due WHERE situation_id LIKE @situation AND state IN (0, 1);");
                    AddParameter(command, "@owner", $"{name}-instance");
                    AddParameter(command, "@lease", $"{name}-lease");
                    AddParameter(command, "@situation", $"lease-{name}-%");
                    store.Provider.AddTime(command, "@until", until);
                    store.Provider.AddTime(command, "@due", now.AddMinutes(-1));
                    Assert.Equal(1, await command.ExecuteNonQueryAsync());
                }
            }

            await store.DisposeAsync();
            if (store.Provider is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }

            // ServiceNow is back before the bridge is.
            snow.Reset();
            snow.AnswersLookup();
            snow.AnswersCreate("lease01", "INC0030002");
        }
        finally
        {
            _bridge.Start();
        }

        using var admin = _bridge.AdminClient();

        // Right after the start, the live owner's claim is untouched: only the dead one's lease was released.
        var live = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/deliveries?state=Retrying")).EnumerateArray()
            .Concat((await admin.GetFromJsonAsync<JsonElement>("/api/v1/deliveries?state=Queued")).EnumerateArray())
            .Where(d => d.GetProperty("situationId").GetString()!.StartsWith("lease-live-", StringComparison.Ordinal)).ToList();
        Assert.Equal("live-instance", Assert.Single(live).GetProperty("instance").GetString());

        await Polling.WaitUntilAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>("/api/v1/deliveries?state=Delivered")).EnumerateArray()
                .Count(d => d.GetProperty("situationId").GetString()!.StartsWith("lease-", StringComparison.Ordinal)) == 2,
            "both deliveries delivered");
        var taken = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/deliveries?state=Delivered")).EnumerateArray()
            .Where(d => d.GetProperty("situationId").GetString()!.StartsWith("lease-", StringComparison.Ordinal)).ToList();
        Assert.All(taken, d => Assert.DoesNotContain("-instance", d.GetProperty("instance").GetString(), StringComparison.Ordinal));
        Assert.Equal(2, snow.Calls("POST").Count(c => c.RequestMessage.Body!.Contains("lease-", StringComparison.Ordinal)));
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [Fact]
    public async Task Ping_RefreshesTheStoredStatus()
    {
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate("iii999", "INC0020009");
        snow.AnswersGet("iii999", "INC0020009", "3");
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();
        var situation = Events.NewSituationId();
        await events.PostEventAsync(Subscription, Events.Message("created", situation));

        await events.PostEventAsync(Subscription, Events.Message("ping", situation));

        var ticket = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{Subscription}/{situation}");
        Assert.Equal("ON_HOLD", ticket.GetProperty("ticketStatus").GetString());
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tickets?subscription={Subscription}&status=ON_HOLD");
        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("situationId").GetString() == situation);
    }

    [Fact]
    public async Task Deleted_WithoutTicket_SendsNothing()
    {
        using var events = _bridge.EventsClient();
        var deleted = Events.Message("updated", Events.NewSituationId());
        deleted["eventType"] = "EVENT-SITUATION.DELETED";

        var response = await events.PostEventAsync(Subscription, deleted);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Skipped", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        Assert.Empty(_bridge.ServiceNow.LogEntries);
    }

    [Theory]
    [InlineData("/api/v1/deliveries?state=Exploded")]
    [InlineData("/api/v1/deliveries?page=0")]
    [InlineData("/api/v1/tickets?page=0")]
    public async Task ManagementQueries_WithInvalidParameters_Are400(string route)
    {
        using var admin = _bridge.AdminClient();

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync(route)).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/v1/tickets")]
    [InlineData("GET", "/api/v1/deliveries")]
    [InlineData("GET", "/api/v1/deliveries/1")]
    [InlineData("POST", "/api/v1/deliveries/1/retry")]
    public async Task TicketAndDeliveryRoutes_NeedTheAdminRole(string method, string route)
    {
        using var anonymous = _bridge.Factory.CreateClient();
        using var events = _bridge.EventsClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), route))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await events.SendAsync(new HttpRequestMessage(new HttpMethod(method), route))).StatusCode);
    }
}

/// <summary>The durable delivery tests on a SQLite file.</summary>
public sealed class DurableDeliveryOnSqliteTests(ServiceNowBridgeFixture bridge) : DurableDeliveryTests(bridge), IClassFixture<ServiceNowBridgeFixture>;

/// <summary>The durable delivery tests on a real PostgreSQL server.</summary>
public sealed class DurableDeliveryOnPostgreSqlTests(PostgreSqlBridgeFixture bridge) : DurableDeliveryTests(bridge), IClassFixture<PostgreSqlBridgeFixture>
{
    [Fact]
    public async Task AFinishedCreate_IsOneWrite_ItsOutcomeItsAttemptAndTheSituationsLinkCommittedTogether()
    {
        // Issue 21, item 2: the link the create made is not a commit of its own before the delivery's completion.
        var situation = Events.NewSituationId();
        bridge.ServiceNow.AnswersLookup();
        bridge.ServiceNow.AnswersCreate("onewrite01", "INC0020777");
        using var events = bridge.EventsClient();
        using var admin = bridge.AdminClient();

        var response = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", situation));

        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Created, response.StatusCode.ToString());
        var ticket = await Polling.WaitForSituationAsync(admin, TestSettings.Subscription, situation, events: 1);
        Assert.Equal("INC0020777", ticket.GetProperty("ticketNumber").GetString());
        var id = ticket.GetProperty("events")[0].GetProperty("id").GetInt64();
        await Polling.WaitUntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{id}")).GetProperty("state").GetString() == "Delivered",
            "the delivery was completed");

        // Rows written by one transaction carry its id as xmin.
        await using var connection = new Npgsql.NpgsqlConnection(bridge.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT (SELECT xmin::text FROM deliveries WHERE id = @id),
                   (SELECT string_agg(xmin::text, ',') FROM delivery_attempts WHERE delivery_id = @id),
                   (SELECT xmin::text FROM ticket_links WHERE subscription = @subscription AND situation_id = @situation);
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("subscription", TestSettings.Subscription);
        command.Parameters.AddWithValue("situation", situation);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(reader.GetString(0), reader.GetString(1));
        Assert.Equal(reader.GetString(0), reader.GetString(2));
    }
}
