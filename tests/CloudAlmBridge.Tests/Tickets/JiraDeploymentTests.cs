using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.Server;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// Jira Cloud and Jira Data Center as they answer today (shared/reference/cloud-alm.md §7.1): the bridge asks which one
/// it is, searches each the way it can be searched, and never opens a second issue for a situation, also when Cloud's
/// eventually consistent search does not yet see an issue whose create answer was lost.
/// </summary>
public sealed class JiraDeploymentTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly WireMockServer _serviceNow = WireMockServer.Start();

    [Fact]
    public async Task OnJiraCloud_TheBridgeFindsItIsCloud_AndSearchesOnlyThroughSearchJql()
    {
        using var jira = new JiraStandIn(cloud: true);
        using var factory = Bridge(jira);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        var situation = Events.NewSituationId();

        var created = await events.PostEventAsync(TestSettings.JiraSubscription, Events.Message("created", situation));
        var updated = await events.PostEventAsync(TestSettings.JiraSubscription, Events.Message("updated", situation));
        var closed = await events.PostEventAsync(TestSettings.JiraSubscription, Events.Message("closed", situation));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("RESOLVED", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalStatus").GetString());
        var issue = Assert.Single(jira.IssuesOf(situation));
        Assert.Equal(issue.Key, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalNumber").GetString());
        Assert.Equal("done", issue.Status);
        Assert.Equal(1, jira.Searches(v3: true));
        Assert.Equal(0, jira.Searches(v3: false));
        Assert.Single(jira.Server.Calls("GET", "/rest/api/2/serverInfo"));

        // Cloud's search answers only ids unless asked for fields: the bridge asks for what it reads.
        var search = Assert.Single(jira.Server.Calls("GET", "/rest/api/3/search/jql"));
        Assert.Contains("fields=key,status,summary", Uri.UnescapeDataString(search.RequestMessage.Url), StringComparison.Ordinal);
        Assert.Contains($"labels = \"calm-situation-{situation}\"", Uri.UnescapeDataString(search.RequestMessage.Url), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LostAnswer.CutShort)]
    [InlineData(LostAnswer.TooLate)]
    public async Task OnJiraCloud_ACreateWhoseAnswerIsLost_WaitsForTheSettleTime_ThenLinksTheIssue_NeverASecondOne(LostAnswer lost)
    {
        // The issue is made, the answer breaks off (or comes after the bridge gave up); Cloud's search shows the issue
        // only 3 s later.
        using var jira = new JiraStandIn(cloud: true, searchLag: TimeSpan.FromSeconds(3));
        jira.LoseCreateAnswers(1, lost);
        using var factory = Bridge(jira, new() { ["Bridge:Webhooks:jira-issue:Lookup:SettleTime"] = "00:00:05" });
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var situation = Events.NewSituationId();

        var accepted = await events.PostEventAsync(TestSettings.JiraSubscription, Events.Message("created", situation));
        var delivery = await Polling.WaitForDeliveryAsync(admin, Polling.DeliveryId(accepted));

        var issue = Assert.Single(jira.IssuesOf(situation));
        Assert.Equal("Delivered", delivery.GetProperty("state").GetString());
        Assert.Equal("Link", delivery.GetProperty("action").GetString());
        var ticket = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{TestSettings.JiraSubscription}/{situation}");
        Assert.Equal(issue.Id, ticket.GetProperty("ticketId").GetString());
        Assert.Equal(issue.Key, ticket.GetProperty("ticketNumber").GetString());

        // An attempt saw the search find nothing inside the settle time, and waited instead of creating.
        var errors = delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("error").GetString() ?? string.Empty).ToList();
        Assert.Contains(errors, e => e.Contains("Lookup:SettleTime", StringComparison.Ordinal));
        Assert.True(jira.Searches(v3: true) >= 3, $"{jira.Searches(v3: true)} searches");
        Assert.Equal(0, jira.Searches(v3: false));
    }

    [Fact]
    public async Task OnJiraCloud_WithoutASettleTime_TheSearchIsBelievedAtOnce_AndALostAnswerWouldOpenASecondIssue()
    {
        // What the settle time is for: a create answered too late, and the search believed at once. The search lags well
        // past the retry (AttemptTimeout 2 s and a short backoff), so that a loaded machine's slower retry still meets it.
        using var jira = new JiraStandIn(cloud: true, searchLag: TimeSpan.FromSeconds(8));
        jira.LoseCreateAnswers(1, LostAnswer.TooLate);
        using var factory = Bridge(jira, new() { ["Bridge:Webhooks:jira-issue:Lookup:SettleTime"] = "00:00:00" });
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var situation = Events.NewSituationId();

        await events.PostEventAsync(TestSettings.JiraSubscription, Events.Message("created", situation));
        await Polling.WaitForSituationAsync(admin, TestSettings.JiraSubscription, situation, 1);

        Assert.Equal(2, jira.IssuesOf(situation).Count);
    }

    [Fact]
    public async Task AJiraConfiguredAsDataCenter_ThatIsCloud_RefusesTheOldSearch_SoTheSituationIsHeld_NotCreatedBlind()
    {
        using var jira = new JiraStandIn(cloud: true);
        using var factory = Bridge(jira, new() { ["Bridge:Webhooks:jira-issue:Jira:Deployment"] = "DataCenter" });
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var situation = Events.NewSituationId();

        var created = await events.PostEventAsync(TestSettings.JiraSubscription, Events.Message("created", situation));

        // Nothing created blind: the create is dead-lettered, the situation held, and the problem says what to fix.
        Assert.Equal(HttpStatusCode.BadGateway, created.StatusCode);
        var problem = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("answered 410", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("Bridge:Webhooks:jira-issue:Jira:Deployment to Cloud (or Auto", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(jira.Issues);
        Assert.Contains(factory.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("the ticket system refused", StringComparison.Ordinal)
            && l.Contains("the look-up before a create", StringComparison.Ordinal));
        Assert.Contains(factory.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains($"Situation \"{situation}\" on \"{TestSettings.JiraSubscription}\" is held", StringComparison.Ordinal)
            && l.Contains("settle it in the console", StringComparison.Ordinal));

        // Readiness says it: Degraded to anyone (a configuration problem, not an outage), and why to an admin.
        var anonymous = await (await events.GetAsync("/health/ready")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Degraded", anonymous.GetProperty("checks").GetProperty("destinations").GetProperty("status").GetString());
        var ready = await (await admin.GetAsync("/api/v1/health")).Content.ReadFromJsonAsync<JsonElement>();
        var destinations = ready.GetProperty("checks").GetProperty("destinations");
        Assert.Equal("Degraded", destinations.GetProperty("status").GetString());
        Assert.Contains("its look-up before a create is refused", destinations.GetProperty("description").GetString(), StringComparison.Ordinal);
        var ping = await events.GetAsync($"/api/v1/events/{TestSettings.JiraSubscription}/{situation}");
        Assert.Equal(HttpStatusCode.Conflict, ping.StatusCode);
        Assert.Equal("Held", (await ping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveryState").GetString());

        // The operator knows no issue was made: the create runs again, without the look-up it cannot use.
        var settled = await admin.PostAsync($"/api/v1/held-situations/{TestSettings.JiraSubscription}/{situation}/settle",
            Events.Json("""{"outcome":"noTicket"}"""));
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        await Polling.WaitUntilAsync(() => Task.FromResult(jira.IssuesOf(situation).Count == 1), "the issue created after the settlement");
        var ticket = await Polling.WaitForSituationAsync(admin, TestSettings.JiraSubscription, situation, 1);
        Assert.Equal(jira.IssuesOf(situation)[0].Id, ticket.GetProperty("ticketId").GetString());
        Assert.False(ticket.GetProperty("held").GetBoolean());
    }

    [Fact]
    public async Task OnJiraDataCenter_TheBridgeSearchesTheV2Search_AndFindsAnIssueWhoseAnswerWasLost_AtOnce()
    {
        using var jira = new JiraStandIn(cloud: false);
        jira.LoseCreateAnswers(1, LostAnswer.TooLate);
        using var factory = Bridge(jira);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var situation = Events.NewSituationId();

        await events.PostEventAsync(TestSettings.JiraSubscription, Events.Message("created", situation));
        var ticket = await Polling.WaitForSituationAsync(admin, TestSettings.JiraSubscription, situation, 1);

        var issue = Assert.Single(jira.IssuesOf(situation));
        Assert.Equal("Delivered", ticket.GetProperty("events")[0].GetProperty("state").GetString());
        Assert.Equal(issue.Id, ticket.GetProperty("ticketId").GetString());
        Assert.True(jira.Searches(v3: false) >= 2, "searched before the create and before the second attempt");
        Assert.Equal(0, jira.Searches(v3: true));
    }

    [Theory]
    [InlineData(true, null, true, "Jira Cloud (serverInfo says Cloud): label calm-situation-<id> through /rest/api/3/search/jql")]
    [InlineData(false, null, true, "Jira Data Center (serverInfo says DataCenter): label calm-situation-<id> through /rest/api/2/search")]
    [InlineData(true, "DataCenter", false, "Atlassian CHANGE-2046")]
    [InlineData(false, "Cloud", false, "so it is Jira Data Center or Server")]
    public async Task TestConnection_SaysWhichJiraItFound_AndWhetherItsSearchWorks(bool cloud, string? configured, bool works, string said)
    {
        using var jira = new JiraStandIn(cloud);
        using var factory = Bridge(jira, configured is null ? null : new() { ["Bridge:Webhooks:jira-issue:Jira:Deployment"] = configured });
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var result = await (await admin.PostAsync("/api/v1/destinations/jira/test", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(result.GetProperty("credentialsAccepted").GetBoolean());
        Assert.Equal(works, result.GetProperty("lookupWorks").GetBoolean());
        Assert.Contains(said, result.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, null, 0, "JIRA webhook jira-issue: Its look-up before a create works (Jira Cloud (serverInfo says Cloud)")]
    [InlineData(true, "DataCenter", 1, "JIRA webhook jira-issue: Its look-up before a create does not work (Jira Data Center (Bridge:Webhooks:jira-issue:Jira:Deployment)")]
    public async Task Check_SaysWhichJiraItFound_AndFailsWhenItsSearchIsRefused(bool cloud, string? configured, int exitCode, string said)
    {
        using var jira = new JiraStandIn(cloud);
        var environment = TestSettings.ForServiceNowAndJira(_serviceNow.Url!, jira.Url, _directory.File($"{Guid.NewGuid():N}.db"))
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        if (configured is not null)
        {
            environment["Bridge__Webhooks__jira-issue__Jira__Deployment"] = configured;
        }

        var result = await BridgeProcess.RunAsync(environment, "--check");

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(said, result.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _serviceNow.Stop();
        _serviceNow.Dispose();
        _directory.Dispose();
    }

    private BridgeFactory Bridge(JiraStandIn jira, Dictionary<string, string?>? changes = null)
    {
        var settings = TestSettings.ForServiceNowAndJira(_serviceNow.Url!, jira.Url, _directory.File($"{Guid.NewGuid():N}.db"));

        // The built-in mapping's close transition is found through the workflow here: the stand-in takes any.
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "5";
        foreach (var (key, value) in changes ?? [])
        {
            settings[key] = value;
        }

        var factory = new BridgeFactory(settings);
        _ = factory.Server;
        return factory;
    }
}
