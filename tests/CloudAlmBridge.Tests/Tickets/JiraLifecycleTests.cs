using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>The built-in jira-issue mapping against a WireMock Jira: create, comment, transition, read.</summary>
public sealed class JiraLifecycleTests : IClassFixture<ServiceNowBridgeFixture>
{
    private const string Issues = "/rest/api/2/issue";
    private readonly ServiceNowBridgeFixture _bridge;

    public JiraLifecycleTests(ServiceNowBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Fact]
    public async Task CreatedUpdatedPingClosed_ReachOneJiraIssue()
    {
        var jira = _bridge.Jira;
        jira.Given(Request.Create().WithPath(Issues).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"id":"10000","key":"OPS-24","self":"{{jira.Url}}/rest/api/2/issue/10000"}"""));
        jira.Given(Request.Create().WithPath($"{Issues}/10000").UsingPut()).RespondWith(Response.Create().WithStatusCode(204));
        jira.Given(Request.Create().WithPath($"{Issues}/10000/transitions").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        jira.Given(Request.Create().WithPath($"{Issues}/10000").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"id":"10000","key":"OPS-24","fields":{"summary":"x","status":{"name":"In Progress","statusCategory":{"key":"indeterminate"}}}}"""));
        using var client = _bridge.EventsClient();
        var situation = Events.NewSituationId();

        var created = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("created", situation));
        var updated = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("updated", situation));
        var ping = await client.GetAsync($"/api/v1/events/{TestSettings.JiraSubscription}/{situation}");
        var closed = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("closed", situation));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("OPS-24", answer.GetProperty("externalNumber").GetString());
        Assert.Equal("10000", answer.GetProperty("ticketId").GetString());
        Assert.Equal($"{jira.Url}/browse/OPS-24", answer.GetProperty("displayUrl").GetString());

        // Jira's 204 has no body: the number stays what the create answered.
        Assert.Equal("OPS-24", (await updated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalNumber").GetString());
        Assert.Equal("IN_PROCESS", (await ping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalStatus").GetString());
        Assert.Equal("RESOLVED", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalStatus").GetString());

        var issue = JsonNode.Parse(Assert.Single(jira.Calls("POST", Issues)).RequestMessage.Body!)!["fields"]!;
        Assert.Equal("OPS", issue["project"]!["key"]!.GetValue<string>());
        Assert.Equal("[SAP Cloud ALM] Ping failed to service S4H", issue["summary"]!.GetValue<string>());
        var transition = JsonNode.Parse(Assert.Single(jira.Calls("POST", $"{Issues}/10000/transitions")).RequestMessage.Body!)!;
        Assert.Equal("31", transition["transition"]!["id"]!.GetValue<string>());

        // The configured closeTransitionId is an override: Jira is not asked for its transitions.
        Assert.Empty(jira.Calls("GET", $"{Issues}/10000/transitions"));
        Assert.Single(jira.Calls("PUT", $"{Issues}/10000"));

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestSettings.JiraUser}:{TestSettings.JiraToken}"));
        Assert.All(jira.LogEntries, e => Assert.Equal(expected, e.RequestMessage.Headers!["Authorization"].Single()));
        Assert.Empty(_bridge.ServiceNow.LogEntries);
    }

    [Theory]
    [InlineData("new", "NEW")]
    [InlineData("indeterminate", "IN_PROCESS")]
    [InlineData("done", "RESOLVED")]
    public async Task Ping_ReadsTheStatusCategory_WhateverTheWorkflowCallsTheStatus(string category, string expected)
    {
        var jira = _bridge.Jira;
        jira.Given(Request.Create().WithPath(Issues).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"id":"20000","key":"OPS-30","self":"{{jira.Url}}/rest/api/2/issue/20000"}"""));
        jira.Given(Request.Create().WithPath($"{Issues}/20000").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(new JsonObject
                {
                    ["id"] = "20000",
                    ["key"] = "OPS-30",
                    ["fields"] = new JsonObject { ["status"] = new JsonObject { ["name"] = "Waiting for vendor", ["statusCategory"] = new JsonObject { ["key"] = category } } },
                }.ToJsonString()));
        using var client = _bridge.EventsClient();
        var situation = Events.NewSituationId();
        await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("created", situation));

        var ping = await client.GetAsync($"/api/v1/events/{TestSettings.JiraSubscription}/{situation}");

        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal(expected, (await ping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalStatus").GetString());
    }

    [Fact]
    public async Task ACreateWhoseAnswerIsLost_IsFoundByItsLabel_AndNoSecondIssueIsOpened()
    {
        // Jira makes the issue, but the answer breaks off; the next attempt searches for the situation's label first.
        var situation = Events.NewSituationId();
        var label = $"calm-situation-{situation}";
        _bridge.Jira.Given(Request.Create().WithPath("/rest/api/2/search").UsingGet()).InScenario($"lost-{situation}")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"issues":[]}"""));
        _bridge.Jira.Given(Request.Create().WithPath(Issues).UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher($"*{label}*")))
            .InScenario($"lost-{situation}").WillSetStateTo("made")
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"10077","key":"OPS-77"}""").WithFault(FaultType.MALFORMED_RESPONSE_CHUNK));
        _bridge.Jira.Given(Request.Create().WithPath("/rest/api/2/search").UsingGet()).InScenario($"lost-{situation}").WhenStateIs("made")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"issues":[{"id":"10077","key":"OPS-77","fields":{"status":{"statusCategory":{"key":"new"}}}}]}"""));
        using var events = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();

        await events.PostEventAsync(TestSettings.JiraSubscription, Events.Message("created", situation));
        var ticket = await Polling.WaitForSituationAsync(admin, TestSettings.JiraSubscription, situation, events: 1);

        Assert.Equal("OPS-77", ticket.GetProperty("ticketNumber").GetString());
        Assert.Equal("10077", ticket.GetProperty("ticketId").GetString());
        Assert.Single(_bridge.Jira.Calls("POST", Issues), c => c.RequestMessage.Body!.Contains(label, StringComparison.Ordinal));
        var searches = _bridge.Jira.Calls("GET", "/rest/api/2/search");
        Assert.True(searches.Count >= 2, $"{searches.Count} searches");
        Assert.Contains(label, Uri.UnescapeDataString(searches[0].RequestMessage.Url), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JiraErrors_ReachTheProblem_WithJirasOwnMessages()
    {
        _bridge.Jira.Given(Request.Create().WithPath(Issues).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"errorMessages":["Project is archived"],"errors":{"issuetype":"The issue type selected is invalid."}}"""));
        using var client = _bridge.EventsClient();

        var response = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("Project is archived; issuetype: The issue type selected is invalid.", detail);
    }
}
