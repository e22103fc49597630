using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>
/// A Jira that answers as Jira Cloud or Jira Data Center answer today (shared/reference/cloud-alm.md §7.1), with its
/// issues in memory: serverInfo's <c>deploymentType</c>; v2 writes on both; on Cloud <c>/rest/api/2/search</c> answers
/// 410 with Atlassian's body and <c>/rest/api/3/search/jql</c> finds an issue only <see cref="SearchLag"/> after its create
/// (eventually consistent, no <c>total</c>); on Data Center <c>/rest/api/2/search</c> finds it at once and
/// <c>/rest/api/3/search/jql</c> does not exist. A create can be told to lose its answer: the issue is made, the
/// connection breaks before the answer.
/// </summary>
public sealed partial class JiraStandIn : IDisposable
{
    public const string Removed =
        """{"errorMessages":["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"],"errors":{}}""";

    private readonly ConcurrentDictionary<string, JiraIssue> _issues = new();
    private int _next = 10000;
    private int _createAnswersToLose;
    private LostAnswer _lost = LostAnswer.CutShort;

    public JiraStandIn(bool cloud, TimeSpan? searchLag = null)
    {
        Cloud = cloud;
        SearchLag = searchLag ?? TimeSpan.Zero;
        Server = WireMockServer.Start();
        Map();
    }

    public WireMockServer Server { get; }

    public string Url => Server.Url!;

    public bool Cloud { get; }

    /// <summary>How long after its create an issue stays invisible to the search (Cloud's eventual consistency).</summary>
    public TimeSpan SearchLag { get; set; }

    public IReadOnlyList<JiraIssue> Issues => _issues.Values.OrderBy(i => i.Id, StringComparer.Ordinal).ToList();

    /// <summary>The issues carrying the situation's label.</summary>
    public IReadOnlyList<JiraIssue> IssuesOf(string situationId) =>
        Issues.Where(i => i.Labels.Contains($"calm-situation-{situationId}", StringComparer.Ordinal)).ToList();

    /// <summary>The next <paramref name="count"/> creates make their issue, then lose their answer as <paramref name="how"/> says.</summary>
    public void LoseCreateAnswers(int count, LostAnswer how = LostAnswer.CutShort)
    {
        _lost = how;
        Interlocked.Exchange(ref _createAnswersToLose, count);
    }

    /// <summary>The search calls of the kind this deployment has (v3 on Cloud, v2 on Data Center).</summary>
    public int Searches(bool v3) => Server.Calls("GET", v3 ? "/rest/api/3/search/jql" : "/rest/api/2/search").Count;

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
    }

    private void Map()
    {
        Server.Given(Request.Create().WithPath("/rest/api/2/serverInfo").UsingGet())
            .RespondWith(Json(200, new JsonObject
            {
                ["baseUrl"] = Url,
                ["version"] = Cloud ? "1001.0.0-SNAPSHOT" : "9.12.15",
                ["deploymentType"] = Cloud ? "Cloud" : "DataCenter",
            }.ToJsonString()));
        Server.Given(Request.Create().WithPath("/rest/api/2/myself").UsingGet())
            .RespondWith(Json(200, """{"accountId":"5b10a2844c20165700ede21g","displayName":"CALM integration"}"""));

        Server.Given(Request.Create().WithPath("/rest/api/2/issue").UsingPost()).RespondWith(Response.Create().WithCallback(CreateAsync));
        Server.Given(Request.Create().WithPath(new RegexMatcherFor(@"^/rest/api/2/issue/[^/]+$")).UsingGet()).RespondWith(Response.Create().WithCallback(Read));
        Server.Given(Request.Create().WithPath(new RegexMatcherFor(@"^/rest/api/2/issue/[^/]+$")).UsingPut()).RespondWith(Response.Create().WithCallback(Edit));
        Server.Given(Request.Create().WithPath(new RegexMatcherFor(@"^/rest/api/2/issue/[^/]+/transitions$")).UsingPost())
            .RespondWith(Response.Create().WithCallback(Transition));
        Server.Given(Request.Create().WithPath(new RegexMatcherFor(@"^/rest/api/2/issue/[^/]+/transitions$")).UsingGet())
            .RespondWith(Response.Create().WithCallback(Transitions));
        Server.Given(Request.Create().WithPath(new RegexMatcherFor(@"^/rest/api/2/issue/[^/]+/comment$")).UsingPost())
            .RespondWith(Response.Create().WithCallback(Comment));

        if (Cloud)
        {
            // CHANGE-2046: the old search is gone on Cloud.
            Server.Given(Request.Create().WithPath("/rest/api/2/search").UsingAnyMethod()).RespondWith(Json(410, Removed));
            Server.Given(Request.Create().WithPath("/rest/api/3/search/jql").UsingGet()).RespondWith(Response.Create().WithCallback(Search));
        }
        else
        {
            Server.Given(Request.Create().WithPath("/rest/api/2/search").UsingGet()).RespondWith(Response.Create().WithCallback(Search));
            Server.Given(Request.Create().WithPath("/rest/api/3/search/jql").UsingAnyMethod())
                .RespondWith(Json(404, """{"errorMessages":["null for uri: /rest/api/3/search/jql"]}"""));
        }
    }

    private async Task<IResponseMessage> CreateAsync(IRequestMessage request)
    {
        var fields = JsonNode.Parse(request.Body!)!["fields"]!.AsObject();
        var id = Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var key = $"{fields["project"]?["key"]?.GetValue<string>() ?? "OPS"}-{int.Parse(id, System.Globalization.CultureInfo.InvariantCulture) - 10000}";
        var labels = fields["labels"] is JsonArray list ? list.Select(l => l!.GetValue<string>()).ToList() : [];
        _issues[id] = new JiraIssue(id, key, fields["summary"]?.GetValue<string>() ?? string.Empty, labels, DateTimeOffset.UtcNow) { Status = "new" };
        var answer = Message(201, new JsonObject { ["id"] = id, ["key"] = key, ["self"] = $"{Url}/rest/api/2/issue/{id}" }.ToJsonString());
        if (Interlocked.Decrement(ref _createAnswersToLose) >= 0)
        {
            if (_lost == LostAnswer.TooLate)
            {
                // The issue exists; the answer comes after the bridge's attempt gave up (AttemptTimeout is 2 s in the tests).
                await Task.Delay(TimeSpan.FromSeconds(4));
            }
            else
            {
                // The issue exists; the answer breaks off mid-way, as a reset connection leaves it.
                answer.FaultType = FaultType.MALFORMED_RESPONSE_CHUNK;
                answer.FaultPercentage = 1.0;
            }
        }

        return answer;
    }

    private ResponseMessage Read(IRequestMessage request) => Find(request) is { } issue
        ? Message(200, new JsonObject
        {
            ["id"] = issue.Id,
            ["key"] = issue.Key,
            ["fields"] = new JsonObject
            {
                ["summary"] = issue.Summary,
                ["status"] = new JsonObject { ["name"] = issue.Status, ["statusCategory"] = new JsonObject { ["key"] = issue.Status } },
            },
        }.ToJsonString())
        : NotFound();

    private ResponseMessage Edit(IRequestMessage request)
    {
        if (Find(request) is not { } issue)
        {
            return NotFound();
        }

        issue.Edits++;
        return new ResponseMessage { StatusCode = 204 };
    }

    /// <summary>
    /// A simplified workflow, as Jira Cloud's team-managed projects have it: every status can go to every other, one
    /// transition per target status (To Do 11, In Progress 21, Done 31), each listed with its status's category.
    /// </summary>
    private static readonly (string Id, string Name, string Category)[] Workflow =
        [("11", "To Do", "new"), ("21", "In Progress", "indeterminate"), ("31", "Done", "done")];

    /// <summary><c>{"transitions":[{"id","name","to":{"name","statusCategory":{"key"}}}]}</c>: those into another status than the issue's.</summary>
    private ResponseMessage Transitions(IRequestMessage request) => Find(request) is { } issue
        ? Message(200, new JsonObject
        {
            ["transitions"] = new JsonArray(Workflow.Where(t => t.Category != issue.Status).Select(t => (JsonNode)new JsonObject
            {
                ["id"] = t.Id,
                ["name"] = t.Name,
                ["to"] = new JsonObject { ["name"] = t.Name, ["statusCategory"] = new JsonObject { ["key"] = t.Category } },
            }).ToArray()),
        }.ToJsonString())
        : NotFound();

    /// <summary>Moves the issue into the transition's status; an id the workflow does not offer now is Jira's 400.</summary>
    private ResponseMessage Transition(IRequestMessage request)
    {
        if (Find(request) is not { } issue)
        {
            return NotFound();
        }

        var id = JsonNode.Parse(request.Body!)?["transition"]?["id"]?.GetValue<string>();
        var target = Workflow.FirstOrDefault(t => t.Id == id);
        if (target.Id is null || target.Category == issue.Status)
        {
            return Message(400, $$$"""{"errorMessages":["Transition id '{{{id}}}' is not valid for this issue."],"errors":{}}""");
        }

        issue.Status = target.Category;
        return new ResponseMessage { StatusCode = 204 };
    }

    private ResponseMessage Comment(IRequestMessage request)
    {
        if (Find(request) is not { } issue)
        {
            return NotFound();
        }

        issue.Comments.Add(JsonNode.Parse(request.Body!)?["body"]?.GetValue<string>() ?? string.Empty);
        return Message(201, $$"""{"id":"{{issue.Comments.Count}}"}""");
    }

    private ResponseMessage Search(IRequestMessage request)
    {
        var jql = request.Query?.TryGetValue("jql", out var values) == true ? values.FirstOrDefault() ?? string.Empty : string.Empty;
        if (string.IsNullOrWhiteSpace(jql))
        {
            return Message(400, """{"errorMessages":["Unbounded JQL queries are not allowed here. Please add a search restriction to your query."],"errors":{}}""");
        }

        var label = LabelClause().Match(jql) is { Success: true } match ? match.Groups[1].Value : null;
        var now = DateTimeOffset.UtcNow;
        var found = _issues.Values
            .Where(i => label is not null && i.Labels.Contains(label, StringComparer.Ordinal))
            .Where(i => !Cloud || now - i.CreatedAt >= SearchLag)
            .OrderBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => (JsonNode)new JsonObject
            {
                ["id"] = i.Id,
                ["key"] = i.Key,
                ["self"] = $"{Url}/rest/api/2/issue/{i.Id}",
                ["fields"] = new JsonObject
                {
                    ["summary"] = i.Summary,
                    ["status"] = new JsonObject { ["name"] = i.Status, ["statusCategory"] = new JsonObject { ["key"] = i.Status } },
                },
            })
            .ToArray();
        var body = Cloud
            ? new JsonObject { ["issues"] = new JsonArray(found), ["isLast"] = true }
            : new JsonObject { ["startAt"] = 0, ["maxResults"] = 1, ["total"] = found.Length, ["issues"] = new JsonArray(found) };
        return Message(200, body.ToJsonString());
    }

    private JiraIssue? Find(IRequestMessage request)
    {
        var idOrKey = request.Path.Split('/')[5];
        return _issues.TryGetValue(idOrKey, out var byId) ? byId : _issues.Values.FirstOrDefault(i => i.Key == idOrKey);
    }

    private static ResponseMessage NotFound() =>
        Message(404, """{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}""");

    private static ResponseMessage Message(int status, string json)
    {
        var message = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String },
        };
        message.AddHeader("Content-Type", "application/json");
        return message;
    }

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    [GeneratedRegex("labels\\s*=\\s*\"([^\"]+)\"")]
    private static partial Regex LabelClause();

    private sealed class RegexMatcherFor(string pattern) : WireMock.Matchers.RegexMatcher(pattern);
}

/// <summary>How a create's answer is lost after the issue was made.</summary>
public enum LostAnswer
{
    /// <summary>The answer breaks off after its status line: a 2xx whose body cannot be read.</summary>
    CutShort,

    /// <summary>No answer before the bridge's attempt times out.</summary>
    TooLate,
}

/// <summary>One issue of the stand-in.</summary>
public sealed record JiraIssue(string Id, string Key, string Summary, IReadOnlyList<string> Labels, DateTimeOffset CreatedAt)
{
    public string Status { get; set; } = "new";

    public int Edits { get; set; }

    /// <summary>The comments posted on the issue (<c>POST …/comment</c>), in order.</summary>
    public List<string> Comments { get; } = [];
}
