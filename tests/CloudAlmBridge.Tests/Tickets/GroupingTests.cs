using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// Issue 22 item 1, a storm: situations of one grouping key (<c>Grouping:Key</c> <c>#{serviceId}</c>) within
/// <c>Grouping:Window</c> of the group's opening share one ticket, each named by a note (ServiceNow work note, Jira
/// comment); the last member's close closes it; a situation after that starts a new group. Cloud ALM's answer carries
/// the group ticket's number for every member, <c>Grouped</c> for those that joined. Against WireMock ServiceNow and a
/// Jira stand-in, on each storage provider.
/// </summary>
public abstract class GroupingTests
{
    protected const string Subscription = TestSettings.Subscription;
    protected const string Window = "00:10:00";
    protected const int Storm = 40;

    // Each test's situations are about a service of its own: the tests of a class share one database.
    protected readonly string Service = Guid.NewGuid().ToString();

    protected GroupingTests(ServiceNowBridgeFixture bridge)
    {
        Bridge = bridge;
        bridge.ResetTicketSystems();
    }

    protected ServiceNowBridgeFixture Bridge { get; }

    [Fact]
    public async Task ServiceNow_AStormOf40Situations_GivesOneIncidentWith40Notes_ClosedWhenTheLastCloses()
    {
        await StartWithGroupingAsync();
        var sysId = Guid.NewGuid().ToString("N");
        AnswerServiceNow(sysId, "INC0030001");
        using var client = Bridge.EventsClient();
        var situations = Enumerable.Range(0, Storm).Select(_ => Events.NewSituationId()).ToList();

        var answers = await Task.WhenAll(situations.Select(s => client.PostEventAsync(Subscription, Situation("created", s))));

        // One create; every answer names that incident; the one that opened the group is 201, the others joined it.
        // (Counted by the storm's own situations: the class's bridge restarts on one database for each test.)
        Assert.Single(Bridge.ServiceNow.Calls("POST", ServiceNowStubs.IncidentPath),
            c => situations.Contains(ServiceNowStubs.BodyOf(c)["correlation_id"]!.GetValue<string>()));
        // (On a loaded machine the opener's create may outlast AttemptTimeout: its look-up then links it, answered 200.)
        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.Created), 0, 1);
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"answered {a.StatusCode}"));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.All(bodies, b => Assert.Equal("INC0030001", b.GetProperty("externalNumber").GetString()));
        Assert.All(bodies, b => Assert.Equal(sysId, b.GetProperty("ticketId").GetString()));
        Assert.Equal(Storm - 1, bodies.Count(b => b.GetProperty("deliveryState").GetString() == "Grouped"));

        // 40 work notes on the one incident, each naming its situation, its subject and its rating.
        var notes = Notes(sysId);
        Assert.Equal(Storm, notes.Count);
        Assert.All(situations, s => Assert.Single(notes, n => n.StartsWith($"SAP Cloud ALM situation {s} ", StringComparison.Ordinal)));
        Assert.All(notes, n => Assert.Contains("\"Ping failed to service S4H\" (ERROR", n, StringComparison.Ordinal));

        // The REST API shows the group, the metric counts the members that joined.
        using var admin = Bridge.AdminClient();
        var group = await GroupOfAsync(admin);
        Assert.Equal(Storm, group.GetProperty("memberCount").GetInt32());
        Assert.Equal(Storm, group.GetProperty("openMemberCount").GetInt32());
        Assert.False(group.GetProperty("closed").GetBoolean());
        Assert.Equal("INC0030001", group.GetProperty("ticketNumber").GetString());
        Assert.Matches(GroupedCounter(Subscription, Storm - 1), await admin.GetStringAsync("/metrics"));

        // The members close; only the last one's CLOSED resolves the incident, and nothing else is added to it.
        foreach (var situation in situations.Skip(1))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostEventAsync(Subscription, Situation("closed", situation))).StatusCode);
        }

        Assert.DoesNotContain(Patches(sysId), p => p["state"]?.GetValue<string>() == "6");
        Assert.Equal(HttpStatusCode.OK, (await client.PostEventAsync(Subscription, Situation("closed", situations[0]))).StatusCode);
        var closes = Patches(sysId).Where(p => p["state"]?.GetValue<string>() == "6").ToList();
        Assert.Single(closes);
        Assert.Equal(Storm, Notes(sysId).Count);
        group = await GroupOfAsync(admin);
        Assert.True(group.GetProperty("closed").GetBoolean());
        Assert.Equal(0, group.GetProperty("openMemberCount").GetInt32());
        var single = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{group.GetProperty("id").GetInt64()}");
        Assert.Equal(Storm, single.GetProperty("members").GetArrayLength());
        Assert.All(single.GetProperty("members").EnumerateArray(), m => Assert.True(m.GetProperty("closed").GetBoolean()));
    }

    [Fact]
    public async Task ServiceNow_AMemberAfterTheGroupClosed_StartsANewGroupWithItsOwnIncident()
    {
        await StartWithGroupingAsync();
        var sysId = Guid.NewGuid().ToString("N");
        AnswerServiceNow(sysId, "INC0030002");
        using var client = Bridge.EventsClient();
        var (first, second, late) = (Events.NewSituationId(), Events.NewSituationId(), Events.NewSituationId());
        await client.PostEventAsync(Subscription, Situation("created", first));
        await client.PostEventAsync(Subscription, Situation("created", second));
        await client.PostEventAsync(Subscription, Situation("closed", first));
        await client.PostEventAsync(Subscription, Situation("closed", second));
        Assert.Single(Patches(sysId), p => p["state"]?.GetValue<string>() == "6");

        var answer = await client.PostEventAsync(Subscription, Situation("created", late));

        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        Assert.Equal(2, Bridge.ServiceNow.Calls("POST", ServiceNowStubs.IncidentPath).Count);
        using var admin = Bridge.AdminClient();
        var groups = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/groups?subscription={Subscription}")).EnumerateArray()
            .Where(g => g.GetProperty("key").GetString() == Service).ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal(late, groups[0].GetProperty("openedBy").GetString());
        Assert.False(groups[0].GetProperty("closed").GetBoolean());
        Assert.True(groups[1].GetProperty("closed").GetBoolean());
    }

    [Fact]
    public async Task ServiceNow_WithReopen_AMemberAfterTheGroupClosed_ReopensItsIncident_AndTheNextJoinsIt()
    {
        var settings = GroupingSettings();
        settings[$"Bridge:Subscriptions:{Subscription}:Reopen:Window"] = "01:00:00";
        await Bridge.RestartAsync(settings);
        var sysId = Guid.NewGuid().ToString("N");
        AnswerServiceNow(sysId, "INC0030004");
        using var client = Bridge.EventsClient();
        var (first, second, flap, next) = (Events.NewSituationId(), Events.NewSituationId(), Events.NewSituationId(), Events.NewSituationId());
        await client.PostEventAsync(Subscription, Situation("created", first));
        await client.PostEventAsync(Subscription, Situation("created", second));
        await client.PostEventAsync(Subscription, Situation("closed", first));
        await client.PostEventAsync(Subscription, Situation("closed", second));

        var reopened = await client.PostEventAsync(Subscription, Situation("created", flap));
        var joined = await client.PostEventAsync(Subscription, Situation("created", next));

        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        Assert.Equal("Delivered", (await reopened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        var answer = await joined.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Grouped", answer.GetProperty("deliveryState").GetString());
        Assert.Equal("INC0030004", answer.GetProperty("externalNumber").GetString());
        Assert.Single(Bridge.ServiceNow.Calls("POST", ServiceNowStubs.IncidentPath));
        var reopen = Assert.Single(Patches(sysId), p => p["state"]?.GetValue<string>() == "2");
        Assert.Contains($"situation {flap}", reopen["work_notes"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith($"SAP Cloud ALM situation {next} ", Notes(sysId)[^1], StringComparison.Ordinal);
        using var admin = Bridge.AdminClient();
        var groups = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/groups?subscription={Subscription}")).EnumerateArray()
            .Where(g => g.GetProperty("key").GetString() == Service).ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal(flap, groups[0].GetProperty("openedBy").GetString());
        Assert.Equal(2, groups[0].GetProperty("memberCount").GetInt32());
        Assert.Equal("INC0030004", groups[0].GetProperty("ticketNumber").GetString());
    }

    [Fact]
    public async Task ServiceNow_AMemberArrivingWhileTheOpenersCreateIsInDoubt_WaitsAndJoins_NeverASecondIncident()
    {
        await StartWithGroupingAsync();
        var sysId = Guid.NewGuid().ToString("N");

        // The opener's create is answered after the bridge gave up (AttemptTimeout 2 s): its outcome is in doubt.
        AnswerServiceNow(sysId, "INC0030005", createDelay: TimeSpan.FromSeconds(3));
        using var client = Bridge.EventsClient();
        using var admin = Bridge.AdminClient();
        var (opener, member) = (Events.NewSituationId(), Events.NewSituationId());
        var opening = client.PostEventAsync(Subscription, Situation("created", opener));
        await Polling.WaitUntilAsync(() => Task.FromResult(Bridge.ServiceNow.Calls("POST", ServiceNowStubs.IncidentPath).Count == 1), "the opener's create sent");

        // From now on ServiceNow has the incident: the opener's look-up finds it (the member's finds none of its own).
        // The member arrives meanwhile.
        Bridge.ServiceNow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingGet()
                .WithParam("sysparm_query", new WildcardMatcher($"*{opener}*"))).AtPriority(-5)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$$"""{"result":[{"sys_id":"{{{sysId}}}","number":"INC0030005","state":"1"}]}"""));
        var joining = client.PostEventAsync(Subscription, Situation("created", member));
        await Task.WhenAll(opening, joining);

        var joined = await Polling.WaitForSituationAsync(admin, Subscription, member, events: 1);
        await Polling.WaitUntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{Subscription}/{member}"))
            .GetProperty("ticketId").ValueKind == JsonValueKind.String, "the member joined");
        joined = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{Subscription}/{member}");
        Assert.Equal(sysId, joined.GetProperty("ticketId").GetString());
        Assert.Equal(opener, joined.GetProperty("groupedWith").GetString());
        var opened = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{Subscription}/{opener}");
        Assert.Equal(sysId, opened.GetProperty("ticketId").GetString());
        Assert.Single(Bridge.ServiceNow.Calls("POST", ServiceNowStubs.IncidentPath));
        Assert.Contains(Notes(sysId), n => n.StartsWith($"SAP Cloud ALM situation {member} ", StringComparison.Ordinal));

        // Whether the member found the opener's create still in doubt (and waited) or already linked depends on which
        // claim came first; either way it joined, with the action Group.
        var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{joined.GetProperty("events")[0].GetProperty("id").GetInt64()}");
        Assert.Equal("Group", delivery.GetProperty("action").GetString());
    }

    [Fact]
    public async Task ServiceNow_AMembersUpdate_AddsANoteOnlyWhenItsRatingRises_AndItsPingReadsTheGroupsIncident()
    {
        await StartWithGroupingAsync();
        var sysId = Guid.NewGuid().ToString("N");
        AnswerServiceNow(sysId, "INC0030003");
        Bridge.ServiceNow.AnswersGet(sysId, "INC0030003", "2");
        using var client = Bridge.EventsClient();
        var (opener, member) = (Events.NewSituationId(), Events.NewSituationId());
        await client.PostEventAsync(Subscription, Situation("created", opener));
        await client.PostEventAsync(Subscription, Situation("created", member));

        // The sample UPDATED raises the rating from ERROR to FATAL: one note; the same again adds none.
        var risen = await client.PostEventAsync(Subscription, Situation("updated", member));
        var later = Situation("updated", member);
        later["resource"]!["updateTime"] = "2026-11-02T08:44:03Z";
        var again = await client.PostEventAsync(Subscription, later);

        Assert.Equal("Grouped", (await risen.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        Assert.Equal("Grouped", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());
        var notes = Notes(sysId);
        Assert.Equal(3, notes.Count);
        Assert.Contains("rose from ERROR to FATAL", notes[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(Patches(sysId), p => p.ContainsKey("short_description"));
        using var admin = Bridge.AdminClient();
        var ticket = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{Subscription}/{member}");
        Assert.Equal(new[] { "Group", "Note", "None" }, ticket.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("Skipped", ticket.GetProperty("events")[2].GetProperty("state").GetString());
        Assert.Equal(opener, ticket.GetProperty("groupedWith").GetString());

        // A PING of the member reads the group's incident.
        var ping = await client.GetAsync($"/api/v1/events/{Subscription}/{member}");

        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        var read = await ping.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("INC0030003", read.GetProperty("externalNumber").GetString());
        Assert.Single(Bridge.ServiceNow.Calls("GET", $"{ServiceNowStubs.IncidentPath}/{sysId}"));
    }

    [Fact]
    public async Task Jira_AStormOf40Situations_GivesOneIssueWith40Comments_DoneWhenTheLastCloses()
    {
        using var jira = new JiraStandIn(cloud: false);
        await StartWithGroupingAsync(jira.Url);
        using var client = Bridge.EventsClient();
        var situations = Enumerable.Range(0, Storm).Select(_ => Events.NewSituationId()).ToList();

        var answers = await Task.WhenAll(situations.Select(s => client.PostEventAsync(TestSettings.JiraSubscription, Situation("created", s))));

        var issue = Assert.Single(jira.Issues);
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.All(bodies, b => Assert.Equal(issue.Key, b.GetProperty("externalNumber").GetString()));
        Assert.Equal(Storm - 1, bodies.Count(b => b.GetProperty("deliveryState").GetString() == "Grouped"));
        Assert.Equal(Storm, issue.Comments.Count);
        Assert.All(situations, s => Assert.Single(issue.Comments, c => c.StartsWith($"SAP Cloud ALM situation {s} ", StringComparison.Ordinal)));

        foreach (var situation in situations.Take(Storm - 1))
        {
            await client.PostEventAsync(TestSettings.JiraSubscription, Situation("closed", situation));
        }

        Assert.Equal("new", issue.Status);
        await client.PostEventAsync(TestSettings.JiraSubscription, Situation("closed", situations[^1]));
        Assert.Equal("done", issue.Status);
        Assert.Single(jira.Issues);
        Assert.Equal(Storm, issue.Comments.Count);
    }

    [Fact]
    public async Task Jira_AMemberAfterTheGroupClosed_StartsANewGroupWithItsOwnIssue()
    {
        using var jira = new JiraStandIn(cloud: false);
        await StartWithGroupingAsync(jira.Url);
        using var client = Bridge.EventsClient();
        var (first, late) = (Events.NewSituationId(), Events.NewSituationId());
        await client.PostEventAsync(TestSettings.JiraSubscription, Situation("created", first));
        await client.PostEventAsync(TestSettings.JiraSubscription, Situation("closed", first));

        var answer = await client.PostEventAsync(TestSettings.JiraSubscription, Situation("created", late));

        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        Assert.Equal(2, jira.Issues.Count);
        Assert.Equal(["done", "new"], jira.Issues.Select(i => i.Status));
    }

    /// <summary>The sample message of <paramref name="name"/> for <paramref name="situationId"/>, about this test's service.</summary>
    protected JsonObject Situation(string name, string situationId)
    {
        var message = Events.Message(name, situationId);
        message["resource"]!["serviceId"] = Service;
        return message;
    }

    /// <summary>Grouping by service on both subscriptions (and Jira at <paramref name="jiraUrl"/>).</summary>
    protected static Dictionary<string, string?> GroupingSettings(string? jiraUrl = null)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var subscription in new[] { Subscription, TestSettings.JiraSubscription })
        {
            settings[$"Bridge:Subscriptions:{subscription}:Grouping:Key"] = "#{serviceId}";
            settings[$"Bridge:Subscriptions:{subscription}:Grouping:Window"] = Window;
        }

        if (jiraUrl is not null)
        {
            settings["Bridge:Destinations:jira:Url"] = jiraUrl;
        }

        return settings;
    }

    private Task StartWithGroupingAsync(string? jiraUrl = null) => Bridge.RestartAsync(GroupingSettings(jiraUrl));

    /// <summary>
    /// The incident as ServiceNow answers: created, and every PATCH (a note, the resolve) answered with it. Its look-up by
    /// correlation id finds the incident once a create for that situation was received, as ServiceNow's does: a create
    /// the bridge gave up waiting for (a loaded machine) is then linked, not sent again.
    /// </summary>
    protected void AnswerServiceNow(string sysId, string number, TimeSpan? createDelay = null)
    {
        var snow = Bridge.ServiceNow;
        snow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingGet().WithParam("sysparm_query"))
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var query = request.Query?["sysparm_query"].ToString() ?? string.Empty;
                var created = snow.LogEntries.Any(e => e.RequestMessage.Method == "POST" && e.RequestMessage.Path == ServiceNowStubs.IncidentPath
                    && ServiceNowStubs.BodyOf(e)["correlation_id"]?.GetValue<string>() is { Length: > 0 } id && query.Contains(id, StringComparison.Ordinal));
                var answer = new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    BodyData = new WireMock.Util.BodyData
                    {
                        DetectedBodyType = WireMock.Types.BodyType.String,
                        BodyAsString = created ? $$$"""{"result":[{"sys_id":"{{{sysId}}}","number":"{{{number}}}","state":"1"}]}""" : """{"result":[]}""",
                    },
                };
                answer.AddHeader("Content-Type", "application/json");
                return answer;
            }));
        var create = Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
            .WithBody($$$"""{"result":{"sys_id":"{{{sysId}}}","number":"{{{number}}}","state":"1"}}""");
        snow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingPost())
            .RespondWith(createDelay is { } delay ? create.WithDelay(delay) : create);
        snow.AnswersPatch(sysId, number, "2");
    }

    protected IReadOnlyList<JsonObject> Patches(string sysId) =>
        [.. Bridge.ServiceNow.Calls("PATCH", $"{ServiceNowStubs.IncidentPath}/{sysId}").Select(ServiceNowStubs.BodyOf)];

    /// <summary>The work notes written on the incident, in the order they were sent.</summary>
    protected List<string> Notes(string sysId) =>
        [.. Patches(sysId).Where(p => p.ContainsKey("work_notes") && !p.ContainsKey("state")).Select(p => p["work_notes"]!.GetValue<string>())];

    private async Task<JsonElement> GroupOfAsync(HttpClient admin) =>
        Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/groups?subscription={Subscription}")).EnumerateArray(),
            g => g.GetProperty("key").GetString() == Service);

    private static Regex GroupedCounter(string subscription, int count) =>
        new($"bridge_events_grouped_total\\{{[^}}]*subscription=\"{Regex.Escape(subscription)}\"[^}}]*\\}} {count}\\b");
}

/// <summary>The grouping tests on a SQLite file.</summary>
public sealed class GroupingOnSqliteTests(ServiceNowBridgeFixture bridge) : GroupingTests(bridge), IClassFixture<ServiceNowBridgeFixture>;

/// <summary>
/// The grouping tests on a real PostgreSQL server, and two bridge instances on it: members of one new group arriving
/// at both at once still open one ticket.
/// </summary>
public sealed class GroupingOnPostgreSqlTests(PostgreSqlBridgeFixture bridge) : GroupingTests(bridge), IClassFixture<PostgreSqlBridgeFixture>
{
    [Fact]
    public async Task TwoInstances_ReceivingMembersOfOneNewGroupAtOnce_OpenOneIncident()
    {
        var settings = GroupingSettings();
        settings["Bridge:Storage:InstanceName"] = "bridge-a";
        await Bridge.RestartAsync(settings);
        settings["Bridge:Storage:InstanceName"] = "bridge-b";
        await using var b = Bridge.StartBridge(settings);
        var sysId = Guid.NewGuid().ToString("N");

        // The create takes a while, so the members on both instances arrive while the group's ticket is being made.
        AnswerServiceNow(sysId, "INC0030010", createDelay: TimeSpan.FromMilliseconds(800));
        using var onA = Bridge.EventsClient();
        using var onB = b.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        var situations = Enumerable.Range(0, 10).Select(_ => Events.NewSituationId()).ToList();

        var answers = await Task.WhenAll(situations.Select((s, i) => (i % 2 == 0 ? onA : onB).PostEventAsync(Subscription, Situation("created", s))));

        Assert.Single(Bridge.ServiceNow.Calls("POST", ServiceNowStubs.IncidentPath));
        Assert.All(answers, a => Assert.True(a.IsSuccessStatusCode, $"answered {a.StatusCode}"));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.All(bodies, body => Assert.Equal("INC0030010", body.GetProperty("externalNumber").GetString()));
        Assert.Equal(situations.Count, Notes(sysId).Count);
        await Bridge.RestartAsync();
    }
}
