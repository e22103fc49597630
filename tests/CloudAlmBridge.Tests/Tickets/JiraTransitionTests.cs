using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// Issue 12: without a configured <c>closeTransitionId</c> the bridge asks Jira which transitions the issue has
/// (<c>GET /rest/api/2/issue/{id}/transitions</c>) and takes the configured name, else the one into category done.
/// </summary>
public sealed class JiraTransitionTests : IDisposable
{
    private const string Issues = "/rest/api/2/issue";

    // As Jira answers GET …/transitions: each transition with its target status and that status's category.
    private const string Workflow = """
        { "expand": "transitions", "transitions": [
          { "id": "11", "name": "Start Progress", "to": { "name": "In Progress", "statusCategory": { "id": 4, "key": "indeterminate" } } },
          { "id": "21", "name": "Resolve Issue", "to": { "name": "Resolved", "statusCategory": { "id": 3, "key": "done" } } },
          { "id": "31", "name": "Close Issue", "to": { "name": "Closed", "statusCategory": { "id": 3, "key": "done" } } }
        ] }
        """;

    private readonly TempDirectory _directory = new();
    private readonly WireMockServer _jira = WireMockServer.Start().AnswersAsDataCenter();

    [Fact]
    public async Task Close_WithoutATransitionId_TakesTheTransitionIntoDone_AskingJiraOncePerWorkflow()
    {
        using var factory = Bridge();
        using var client = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        var first = await CreateAsync(client, "10001");
        var second = await CreateAsync(client, "10002");
        AnswersTransitions("10001", Workflow);
        AnswersTransitions("10002", Workflow);
        AcceptsTransition("10001");
        AcceptsTransition("10002");

        var closedFirst = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("closed", first));
        var closedSecond = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("closed", second));

        Assert.Equal("RESOLVED", (await closedFirst.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalStatus").GetString());
        Assert.Equal("RESOLVED", (await closedSecond.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalStatus").GetString());
        Assert.Equal("21", TransitionSent("10001"));
        Assert.Equal("21", TransitionSent("10002"));

        // Same project and issue type, so the same workflow: the second close needed no look-up.
        Assert.Single(_jira.Calls("GET", $"{Issues}/10001/transitions"));
        Assert.Empty(_jira.Calls("GET", $"{Issues}/10002/transitions"));
    }

    [Fact]
    public async Task Close_WithATransitionName_TakesTheTransitionOfThatName()
    {
        using var factory = Bridge(("closeTransitionName", "close issue"));
        using var client = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        var situation = await CreateAsync(client, "10003");
        AnswersTransitions("10003", Workflow);
        AcceptsTransition("10003");

        var closed = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("closed", situation));

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("31", TransitionSent("10003"));
    }

    [Fact]
    public async Task Close_WhenJiraRefusesTheCachedTransition_LooksItUpAgainOnce()
    {
        using var factory = Bridge();
        using var client = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        var first = await CreateAsync(client, "10004");
        var second = await CreateAsync(client, "10005");
        AnswersTransitions("10004", Workflow);
        AcceptsTransition("10004");
        await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("closed", first));

        // The second issue stands in a status from which only "Done" (41) leads to done; 21 is not offered there.
        AnswersTransitions("10005", """{ "transitions": [ { "id": "41", "name": "Done", "to": { "name": "Done", "statusCategory": { "key": "done" } } } ] }""");
        _jira.Given(Request.Create().WithPath($"{Issues}/10005/transitions").UsingPost()
                .WithBody(new JsonPartialMatcher("""{ "transition": { "id": "21" } }""")))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"errorMessages":["Transition id '21' is not valid for this issue."],"errors":{}}"""));
        AcceptsTransition("10005");

        var closed = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("closed", second));

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal(
            ["21", "41"],
            _jira.Calls("POST", $"{Issues}/10005/transitions").Select(c => JsonNode.Parse(c.RequestMessage.Body!)!["transition"]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Close_WhenNoTransitionLeadsToDone_DeadLettersSayingWhatJiraOffers()
    {
        using var factory = Bridge();
        using var client = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        var situation = await CreateAsync(client, "10006");
        AnswersTransitions("10006", """{ "transitions": [ { "id": "11", "name": "Start Progress", "to": { "name": "In Progress", "statusCategory": { "key": "indeterminate" } } } ] }""");

        var closed = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("closed", situation));

        Assert.Equal(HttpStatusCode.BadGateway, closed.StatusCode);
        var problem = await closed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(
            "Jira offers issue 10006 no transition into a status of category 'done'; it offers: 'Start Progress' (11, to In Progress, category indeterminate). Set the subscription's user variable closeTransitionName or closeTransitionId",
            problem.GetProperty("detail").GetString());
        Assert.Empty(_jira.Calls("POST", $"{Issues}/10006/transitions"));

        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var dead = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{problem.GetProperty("deliveryId").GetInt64()}");
        Assert.Equal("DeadLettered", dead.GetProperty("state").GetString());
        Assert.Contains("no transition into a status of category 'done'", dead.GetProperty("lastError").GetString());
    }

    [Fact]
    public async Task Close_WithANameJiraDoesNotOffer_DeadLettersNamingTheOffer()
    {
        using var factory = Bridge(("closeTransitionName", "Finish"));
        using var client = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        var situation = await CreateAsync(client, "10007");
        AnswersTransitions("10007", Workflow);

        var closed = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("closed", situation));

        Assert.Equal(HttpStatusCode.BadGateway, closed.StatusCode);
        var detail = (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("Jira offers issue 10007 no transition named 'Finish' (user variable closeTransitionName); it offers: 'Start Progress' (11, to In Progress, category indeterminate), 'Resolve Issue' (21, to Resolved, category done), 'Close Issue' (31, to Closed, category done)", detail);
    }

    public void Dispose()
    {
        _jira.Stop();
        _jira.Dispose();
        _directory.Dispose();
    }

    /// <summary>The shared Jira set-up without <c>closeTransitionId</c>, plus the given user variables.</summary>
    private BridgeFactory Bridge(params (string Name, string Value)[] userVariables)
    {
        var settings = TestSettings.ForServiceNowAndJira("http://127.0.0.1:9", _jira.Url!, _directory.File($"{Guid.NewGuid():N}.db"));
        settings.Remove("Bridge:Subscriptions:calm-to-jira:UserVariables:closeTransitionId");
        foreach (var (name, value) in userVariables)
        {
            settings[$"Bridge:Subscriptions:calm-to-jira:UserVariables:{name}"] = value;
        }

        return new BridgeFactory(settings);
    }

    /// <summary>Creates the issue of a new situation; Jira answers with the given id.</summary>
    private async Task<string> CreateAsync(HttpClient client, string issueId)
    {
        var situation = Events.NewSituationId();
        _jira.Given(Request.Create().WithPath(Issues).UsingPost().WithBody(new WildcardMatcher($"*calm-situation-{situation}*")))
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"id":"{{issueId}}","key":"OPS-{{issueId}}","self":"{{_jira.Url}}{{Issues}}/{{issueId}}"}"""));
        var created = await client.PostEventAsync(TestSettings.JiraSubscription, Events.Message("created", situation));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return situation;
    }

    private void AnswersTransitions(string issueId, string transitions) =>
        _jira.Given(Request.Create().WithPath($"{Issues}/{issueId}/transitions").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(transitions));

    private void AcceptsTransition(string issueId) =>
        _jira.Given(Request.Create().WithPath($"{Issues}/{issueId}/transitions").UsingPost())
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(204));

    private string TransitionSent(string issueId) =>
        JsonNode.Parse(Assert.Single(_jira.Calls("POST", $"{Issues}/{issueId}/transitions")).RequestMessage.Body!)!["transition"]!["id"]!.GetValue<string>();
}
