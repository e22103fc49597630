using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.OpenApi;

/// <summary>
/// The OpenAPI document Swagger UI shows, as the running bridge serves it: examples of every event type and of the
/// answers, every problem an operation answers, a description on every parameter, no text meant for developers, the
/// delivery states as enums, and a login asked only where a route needs one. Hosted in Development, so the ServiceNow
/// sandbox's routes are in it too.
/// </summary>
public sealed class OpenApiDocumentTests(OpenApiDocumentTests.Document served) : IClassFixture<OpenApiDocumentTests.Document>
{
    private static readonly string[] BodyEventOperations = ["PostEvent", "PostEventForTicket", "PatchEventForTicket", "PutEventForTicket"];

    private JsonElement Root => served.Root;

    [Fact]
    public void EventRoutes_OfferANamedExampleOfEveryEventType_TheSharedSampleMessages()
    {
        foreach (var operationId in BodyEventOperations)
        {
            var media = Operation(operationId).GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
            var examples = media.GetProperty("examples").EnumerateObject().ToDictionary(e => e.Name, e => e.Value);

            Assert.False(media.TryGetProperty("example", out _), "named examples replace the single example");
            Assert.Equal(EventTypes.All.Order(), examples.Values.Select(e => e.GetProperty("value").GetProperty("eventType").GetString()!).Order());
            Assert.All(examples.Values, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("summary").GetString())));
            Assert.Equal("created", examples.Keys.First());

            // The messages of the walk-through and the tests, unchanged: what Swagger UI sends is what they send.
            foreach (var name in new[] { "created", "updated", "closed", "ping" })
            {
                var fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "events", $"situation-{name}.json")));
                Assert.True(JsonNode.DeepEquals(fixture, JsonNode.Parse(examples[name].GetProperty("value").GetRawText())), $"{operationId} {name}");
            }
        }
    }

    [Fact]
    public void EventAnswers_HaveExamplesWithRealValues_AndProblemsHaveProblemExamples()
    {
        var responses = Operation("PostEvent").GetProperty("responses");

        var created = AnswerExamples(responses, "201")["created"];
        Assert.Equal("cd0cb7ea-c4ed-43f5-aaf7-e12259483184", created.GetProperty("externalId").GetString());
        Assert.Equal("INC0010001", created.GetProperty("externalNumber").GetString());
        Assert.Equal("NEW", created.GetProperty("externalStatus").GetString());
        Assert.Equal("https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=c537bae64f411200adf9f8e18110c76e",
            created.GetProperty("displayUrl").GetString());
        Assert.Equal("c537bae64f411200adf9f8e18110c76e", created.GetProperty("ticketId").GetString());
        Assert.Equal("Delivered", created.GetProperty("deliveryState").GetString());
        Assert.Equal("RESOLVED", AnswerExamples(responses, "200")["closed"].GetProperty("externalStatus").GetString());
        Assert.Equal(new[] { "Queued", "Retrying" }, AnswerExamples(responses, "202").Values.Select(v => v.GetProperty("deliveryState").GetString()!));
        Assert.Equal("IN_PROCESS", AnswerExamples(Operation("GetTicketStatus").GetProperty("responses"), "200")["ping"]
            .GetProperty("externalStatus").GetString());

        var invalid = ProblemExamples(responses, "400")["invalidMessage"];
        Assert.Equal("Invalid change message", invalid.GetProperty("title").GetString());
        Assert.Equal(400, invalid.GetProperty("status").GetInt32());
        Assert.NotEmpty(invalid.GetProperty("errors").EnumerateArray());
        Assert.Equal("DeadLettered", ProblemExamples(responses, "502")["deadLettered"].GetProperty("deliveryState").GetString());

        // Every problem response of every operation shows at least one example, of its own status.
        foreach (var (operationId, operation) in Operations())
        {
            foreach (var response in operation.GetProperty("responses").EnumerateObject()
                .Where(r => r.Value.TryGetProperty("content", out var c) && c.TryGetProperty("application/problem+json", out _)))
            {
                var examples = ProblemExamples(operation.GetProperty("responses"), response.Name);
                Assert.True(examples.Count > 0, $"{operationId} {response.Name}");
                Assert.All(examples.Values, e => Assert.Equal(int.Parse(response.Name), e.GetProperty("status").GetInt32()));
                Assert.False(string.IsNullOrWhiteSpace(response.Value.GetProperty("description").GetString()), $"{operationId} {response.Name}");
            }
        }
    }

    [Fact]
    public void EveryOperation_ListsTheProblemsItCanAnswer()
    {
        foreach (var (operationId, operation) in Operations())
        {
            var statuses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet();
            Assert.Contains(statuses, s => s.StartsWith('4'));
            Assert.Contains("429", statuses);
            var path = served.PathOf(operationId);
            if (path.StartsWith("/api/v1/events", StringComparison.Ordinal))
            {
                Assert.Superset(new HashSet<string> { "400", "401", "403", "404", "409", "502" }, statuses);
            }
            else if (path.StartsWith("/api/v1", StringComparison.Ordinal))
            {
                Assert.Superset(new HashSet<string> { "401", "403" }, statuses);
            }
            else if (path.StartsWith("/sandbox", StringComparison.Ordinal))
            {
                // No login: no 401, and its only 403 is ServiceNow's data policy, in ServiceNow's error envelope.
                Assert.DoesNotContain("401", statuses);
                Assert.True(!statuses.Contains("403")
                    || !operation.GetProperty("responses").GetProperty("403").GetProperty("content").TryGetProperty("application/problem+json", out _), operationId);
            }
            else
            {
                // The token endpoint authenticates the client itself (401) and asks for no role (no 403).
                Assert.DoesNotContain("403", statuses);
            }

            if (operation.TryGetProperty("requestBody", out _))
            {
                Assert.Contains("413", statuses);
            }
        }

        foreach (var operationId in BodyEventOperations)
        {
            Assert.Superset(new HashSet<string> { "413", "415", "422" }, Operation(operationId).GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet());
        }

        Assert.Superset(new HashSet<string> { "400", "409", "412", "413", "415" },
            Operation("PutMapping").GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet());
        Assert.Superset(new HashSet<string> { "404", "409", "412" },
            Operation("DeleteMapping").GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet());
        Assert.Superset(new HashSet<string> { "404", "409" },
            Operation("RetryDelivery").GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet());
    }

    [Fact]
    public void EveryParameter_HasADescription()
    {
        var parameters = Operations().SelectMany(o => o.Operation.TryGetProperty("parameters", out var p)
            ? p.EnumerateArray().Select(parameter => (o.OperationId, Parameter: parameter))
            : []).ToList();

        Assert.NotEmpty(parameters);
        Assert.All(parameters, p => Assert.False(
            string.IsNullOrWhiteSpace(p.Parameter.TryGetProperty("description", out var d) ? d.GetString() : null),
            $"{p.OperationId}: {p.Parameter.GetProperty("name").GetString()}"));
    }

    [Fact]
    public void Document_HoldsNoTextMeantForDevelopers()
    {
        foreach (var text in new[] { "contract §", "docs/api.md §", "JsonElement", "JsonObject", "stays open", "cref", "&lt;", "documentation only" })
        {
            Assert.DoesNotContain(text, served.Text, StringComparison.Ordinal);
        }

        // Free-form JSON is "any JSON", not a component named after a .NET type.
        var schemas = Root.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(s => s.Name).ToList();
        Assert.DoesNotContain(schemas, s => s.StartsWith("Json", StringComparison.Ordinal));
        Assert.False(Operation("PostEvent").GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("properties").TryGetProperty("situationId", out _), "situationId is not on the wire");
    }

    [Fact]
    public void DeliveryStates_AreEnums_OfTheStatesEachFieldCarries()
    {
        var schemas = Root.GetProperty("components").GetProperty("schemas");

        // Every delivery state, a failed PING's Failed (or Refused, by the bridge's own configuration), Held: the state
        // of an event whose situation waits for an operator, Maintenance: one a maintenance window holds back, and
        // Grouped: a finished event of a situation that joined a group's ticket.
        Assert.Equal(new[] { "Queued", "Retrying", "Delivered", "Skipped", "DeadLettered", "Failed", "Refused", "Held", "Maintenance", "Grouped" }.Order(), AllStates.Order());
        Assert.Equal(AllStates.Order(),
            Enum(schemas.GetProperty("EventAnswer").GetProperty("properties").GetProperty("deliveryState")).Order());
        Assert.Equal(new[] { "Queued", "Retrying", "Delivered", "Skipped", "DeadLettered" }, Enum(schemas.GetProperty("DeliveryView").GetProperty("properties").GetProperty("state")));
        Assert.Equal(new[] { "Delivered", "Skipped", "Failed", "Refused" }, Enum(schemas.GetProperty("AttemptView").GetProperty("properties").GetProperty("outcome")));
        var filter = Operation("ListDeliveries").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "state");
        Assert.Equal(new[] { "Queued", "Retrying", "Delivered", "Skipped", "DeadLettered" }, Enum(filter.GetProperty("schema")));

        // Every state and outcome is named somewhere: the answers' four, dead letters in the deliveries, Failed in attempts.
        var named = new[] { "EventAnswer", "DeliveryView", "AttemptView" }.SelectMany(s => schemas.GetProperty(s).GetProperty("properties").EnumerateObject())
            .Where(p => p.Name != "action" && p.Value.TryGetProperty("enum", out _)).SelectMany(p => Enum(p.Value)).ToHashSet();
        Assert.Equal(AllStates.Order(), named.Order());
    }

    [Fact]
    public void ADeliverysAction_IsAnEnum_WithReopenAndGroup()
    {
        var action = Root.GetProperty("components").GetProperty("schemas").GetProperty("DeliveryView").GetProperty("properties").GetProperty("action");

        Assert.Equal(["None", "Create", "Link", "Reopen", "Group", "Update", "Close", "Delete", "Note", "Ping", "Hold", null],
            action.GetProperty("enum").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()));
    }

    [Fact]
    public void OpenRoutes_AskForNoLogin_WhileTheApiAsksForItsRole()
    {
        Assert.False(Root.TryGetProperty("security", out var global) && global.GetArrayLength() > 0, "no requirement for the whole document");

        var sandbox = Operations().Where(o => served.PathOf(o.OperationId).StartsWith("/sandbox/servicenow", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, sandbox.Count);
        // An explicit empty requirement: a linter, a client generator and Swagger UI read "no login" from it.
        Assert.All(sandbox, o => Assert.Equal(0, o.Operation.GetProperty("security").GetArrayLength()));
        Assert.Equal(0, Operation("IssueToken").GetProperty("security").GetArrayLength());

        Assert.Equal(new[] { "basic", "token" }, Schemes(Operation("ListMappings")).Select(s => s.Scheme));
        Assert.Equal(new[] { "admin" }, Schemes(Operation("ListMappings")).Single(s => s.Scheme == "token").Scopes);
        Assert.Equal(new[] { "events" }, Schemes(Operation("PostEvent")).Single(s => s.Scheme == "token").Scopes);
        Assert.All(Operations().Where(o => served.PathOf(o.OperationId).StartsWith("/api/v1", StringComparison.Ordinal)),
            o => Assert.NotEmpty(Schemes(o.Operation)));
    }

    private JsonElement Operation(string operationId) => Operations().Single(o => o.OperationId == operationId).Operation;

    private IEnumerable<(string OperationId, JsonElement Operation)> Operations() =>
        Root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("operationId", out _)))
            .Select(o => (o.Value.GetProperty("operationId").GetString()!, o.Value));

    private static Dictionary<string, JsonElement> AnswerExamples(JsonElement responses, string status) =>
        Examples(responses.GetProperty(status).GetProperty("content").GetProperty("application/json"));

    private static Dictionary<string, JsonElement> ProblemExamples(JsonElement responses, string status) =>
        Examples(responses.GetProperty(status).GetProperty("content").GetProperty("application/problem+json"));

    private static Dictionary<string, JsonElement> Examples(JsonElement media) =>
        media.GetProperty("examples").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetProperty("value"));

    private static List<string> Enum(JsonElement schema) => schema.GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).ToList();

    /// <summary>Every stored state, every attempt's outcome (Failed is one only), Held and Maintenance.</summary>
    private static IEnumerable<string> AllStates => System.Enum.GetNames<CloudAlmBridge.Vocabulary.DeliveryState>()
        .Union(System.Enum.GetNames<CloudAlmBridge.Vocabulary.AttemptOutcome>()).Append("Held").Append("Maintenance").Append("Grouped");

    private static List<(string Scheme, List<string> Scopes)> Schemes(JsonElement operation) =>
        operation.TryGetProperty("security", out var security)
            ? security.EnumerateArray().SelectMany(r => r.EnumerateObject()).Select(s => (s.Name, s.Value.EnumerateArray().Select(v => v.GetString()!).ToList())).ToList()
            : [];

    /// <summary>The document of a bridge in Development (embedded demo configuration, a SQLite file of its own), fetched once.</summary>
    /// <summary>
    /// Issue 23: the document as a standard linter reads it, Redocly CLI's recommended rules (examples valid against
    /// their schemas, a security requirement on every operation, tags described, a license, a server without a
    /// trailing slash): no error and no warning. Redocly CLI comes from npm, pinned by eng/openapi/package-lock.json.
    /// </summary>
    [Fact]
    public async Task TheDocument_IsCleanForRedoclysRecommendedRules()
    {
        var tools = Repository.File("eng", "openapi");
        if (!File.Exists(Path.Combine(tools, "node_modules", "@redocly", "cli", "bin", "cli.js")))
        {
            var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", tools]);
            Assert.True(install.ExitCode == 0, $"npm ci in eng/openapi failed (Node.js and npm are needed): {install.Output}{install.Error}");
        }

        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, served.Text);
        try
        {
            var lint = await RunAsync("node", [Path.Combine(tools, "node_modules", "@redocly", "cli", "bin", "cli.js"), "lint", file, "--format=json", "--max-problems=1000"]);
            var json = lint.Output[lint.Output.IndexOf('{', StringComparison.Ordinal)..(lint.Output.LastIndexOf('}') + 1)];
            var problems = JsonDocument.Parse(json).RootElement.GetProperty("problems").EnumerateArray()
                .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()}")
                .ToList();

            Assert.Empty(problems);
            Assert.True(lint.ExitCode == 0, lint.Error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string command, string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    public sealed class Document : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();
        private BridgeFactory? _factory;

        public JsonElement Root { get; private set; }

        public string Text { get; private set; } = string.Empty;

        public string PathOf(string operationId) => Root.GetProperty("paths").EnumerateObject()
            .First(path => path.Value.EnumerateObject().Any(o => o.Value.ValueKind == JsonValueKind.Object
                && o.Value.TryGetProperty("operationId", out var id) && id.GetString() == operationId)).Name;

        public async Task InitializeAsync()
        {
            _factory = new BridgeFactory(new Dictionary<string, string?>
            {
                ["Serilog:MinimumLevel:Default"] = "Warning",
                ["Bridge:Storage:ConnectionString"] = $"Data Source={_directory.File("bridge.db")}",
            }, environment: "Development");
            // Read at an address, as a user reads the demo's (http://127.0.0.1:5080): the server a linter checks.
            using var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://127.0.0.1:5080") });
            Text = await client.GetStringAsync("/openapi/v1.json");
            Root = JsonDocument.Parse(Text).RootElement;
        }

        public async Task DisposeAsync()
        {
            if (_factory is not null)
            {
                await _factory.DisposeAsync();
            }

            _directory.Dispose();
        }
    }
}
