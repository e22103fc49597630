using System.Text.Json.Nodes;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>ServiceNow Table API answers, in its shapes: <c>{"result":{...}}</c>, <c>201</c> on create, its error envelope.</summary>
public static class ServiceNowStubs
{
    public const string IncidentPath = "/api/now/table/incident";

    public static void AnswersCreate(this WireMockServer server, string sysId, string number, int status = 201) =>
        server.Given(Request.Create().WithPath(IncidentPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody(Record(sysId, number, "1")));

    /// <summary>The look-up by correlation id finds nothing (or the given incident).</summary>
    public static void AnswersLookup(this WireMockServer server, string? sysId = null, string? number = null) =>
        server.Given(Request.Create().WithPath(IncidentPath).UsingGet().WithParam("sysparm_query"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(sysId is null
                    ? """{"result":[]}"""
                    : new JsonObject { ["result"] = new JsonArray(JsonNode.Parse(Record(sysId, number!, "2"))!["result"]!.DeepClone()) }.ToJsonString()));

    public static void AnswersPatch(this WireMockServer server, string sysId, string number, string state) =>
        server.Given(Request.Create().WithPath($"{IncidentPath}/{sysId}").UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(Record(sysId, number, state)));

    public static void AnswersGet(this WireMockServer server, string sysId, string number, string state) =>
        server.Given(Request.Create().WithPath($"{IncidentPath}/{sysId}").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(Record(sysId, number, state)));

    public static void AnswersError(this WireMockServer server, string method, string path, int status, string message, string detail) =>
        server.Given(Request.Create().WithPath(path).UsingMethod(method))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody(new JsonObject
                {
                    ["error"] = new JsonObject { ["message"] = message, ["detail"] = detail },
                    ["status"] = "failure",
                }.ToJsonString()));

    public static IReadOnlyList<ILogEntry> Calls(this WireMockServer server, string method, string? path = null) =>
        server.LogEntries
            .Where(e => string.Equals(e.RequestMessage.Method, method, StringComparison.OrdinalIgnoreCase)
                        && (path is null || e.RequestMessage.Path == path))
            .ToList();

    public static JsonObject BodyOf(ILogEntry entry) => JsonNode.Parse(entry.RequestMessage.Body!)!.AsObject();

    private static string Record(string sysId, string number, string state) =>
        new JsonObject
        {
            ["result"] = new JsonObject
            {
                ["sys_id"] = sysId,
                ["number"] = number,
                ["state"] = state,
                ["short_description"] = "from ServiceNow",
            },
        }.ToJsonString();
}
