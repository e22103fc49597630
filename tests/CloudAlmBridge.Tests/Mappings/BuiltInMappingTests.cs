using System.Text;
using System.Text.Json;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Mappings;

namespace CloudAlmBridge.Tests.Mappings;

/// <summary>Each built-in mapping covers the lifecycle and writes what docs/mappings.md says.</summary>
public sealed class BuiltInMappingTests
{
    private static readonly JsonElement Created = Message("created");
    private static readonly JsonElement Updated = Message("updated");
    private static readonly JsonElement Closed = Message("closed");

    [Theory]
    [InlineData(BuiltInMappings.ServiceNowIncident)]
    [InlineData(BuiltInMappings.ServiceNowCase)]
    [InlineData(BuiltInMappings.JiraIssue)]
    public void BuiltIn_CoversCreatedUpdatedClosedAndPing(string name)
    {
        var document = BuiltInMappings.All[name].Document;

        foreach (var eventType in new[] { EventTypes.Created, EventTypes.Updated, EventTypes.Closed, EventTypes.Ping })
        {
            Assert.NotNull(document.FindOperation(eventType));
        }
    }

    [Fact]
    public void ServiceNowIncident_Created_SetsTheIncidentFields()
    {
        var body = Render(BuiltInMappings.ServiceNowIncident, EventTypes.Created, Created, out var method, out var path);

        Assert.Equal("POST", method);
        Assert.Equal(string.Empty, path);
        Assert.Equal("[SAP Cloud ALM] Ping failed to service S4H", body.GetProperty("short_description").GetString());
        Assert.Equal("ERROR - Availability - HTTP Ping\nSystem involved: S4H\nHTTP ping to https://s4h.example.com/sap/public/ping failed 3 times\nService: S4H Production (190c1314-efd9-44ce-8d2f-2f7dc24ddf04)",
            body.GetProperty("description").GetString());
        Assert.Equal("1", body.GetProperty("urgency").GetString());
        Assert.Equal("2", body.GetProperty("impact").GetString());
        Assert.Equal("cd0cb7ea-c4ed-43f5-aaf7-e12259483184", body.GetProperty("correlation_id").GetString());
        Assert.Equal("SAP Basis", body.GetProperty("assignment_group").GetString());
        Assert.Equal("", body.GetProperty("caller_id").GetString());
    }

    [Fact]
    public void ServiceNowIncident_ClosedAndPing_AddressTheTicket()
    {
        var body = Render(BuiltInMappings.ServiceNowIncident, EventTypes.Closed, Closed, out var method, out var path);
        Render(BuiltInMappings.ServiceNowIncident, EventTypes.Ping, Closed, out var pingMethod, out var pingPath);

        Assert.Equal(("PATCH", "/sys-1"), (method, path));
        Assert.Equal("6", body.GetProperty("state").GetString());
        Assert.Equal("Solved (Permanently)", body.GetProperty("close_code").GetString());
        Assert.Equal(("GET", "/sys-1"), (pingMethod, pingPath));
    }

    [Fact]
    public void ServiceNowIncident_Response_MapsNumberAndStatus()
    {
        var create = BuiltInMappings.All[BuiltInMappings.ServiceNowIncident].Document.FindOperation(EventTypes.Created)!;

        var mapped = create.MapResponse(Json("""{"result":{"sys_id":"c537","number":"INC0010002","state":"2"}}"""), Context(Created));

        Assert.Equal("c537", mapped.TicketId);
        Assert.Equal("INC0010002", mapped.GetText("externalNumber"));
        Assert.Equal("IN_PROCESS", mapped.GetText("externalStatus"));
    }

    [Fact]
    public void ServiceNowCase_SetsPriorityAndResolvesWithAResolutionCode()
    {
        var created = Render(BuiltInMappings.ServiceNowCase, EventTypes.Created, Created, out _, out _);
        var closed = Render(BuiltInMappings.ServiceNowCase, EventTypes.Closed, Closed, out var method, out var path);

        Assert.Equal("2", created.GetProperty("priority").GetString());
        Assert.Equal("ACME Corp", created.GetProperty("account").GetString());
        Assert.Equal("cd0cb7ea-c4ed-43f5-aaf7-e12259483184", created.GetProperty("correlation_id").GetString());
        Assert.Equal(("PATCH", "/sys-1"), (method, path));
        Assert.Equal("6", closed.GetProperty("state").GetString());
        Assert.Equal("Solution provided", closed.GetProperty("resolution_code").GetString());
    }

    [Fact]
    public void JiraIssue_CreatesInTheProject_UpdatesByPut_AndClosesByTransition()
    {
        var created = Render(BuiltInMappings.JiraIssue, EventTypes.Created, Created, out var createMethod, out _);
        var updated = Render(BuiltInMappings.JiraIssue, EventTypes.Updated, Updated, out var updateMethod, out var updatePath);
        var closed = Render(BuiltInMappings.JiraIssue, EventTypes.Closed, Closed, out var closeMethod, out var closePath);
        Render(BuiltInMappings.JiraIssue, EventTypes.Ping, Closed, out var pingMethod, out var pingPath);

        var fields = created.GetProperty("fields");
        Assert.Equal("POST", createMethod);
        Assert.Equal("OPS", fields.GetProperty("project").GetProperty("key").GetString());
        Assert.Equal("Task", fields.GetProperty("issuetype").GetProperty("name").GetString());
        Assert.Equal("High", fields.GetProperty("priority").GetProperty("name").GetString());
        Assert.Equal(["sap-cloud-alm", "calm-situation-cd0cb7ea-c4ed-43f5-aaf7-e12259483184"],
            fields.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray());
        Assert.Equal(("PUT", "/sys-1"), (updateMethod, updatePath));
        Assert.Equal("Highest", updated.GetProperty("fields").GetProperty("priority").GetProperty("name").GetString());
        Assert.StartsWith("Update from SAP Cloud ALM (FATAL)",
            updated.GetProperty("update").GetProperty("comment")[0].GetProperty("add").GetProperty("body").GetString());
        Assert.Equal(("POST", "/sys-1/transitions"), (closeMethod, closePath));
        Assert.Equal("31", closed.GetProperty("transition").GetProperty("id").GetString());
        Assert.Equal(("GET", "/sys-1?fields=status,summary"), (pingMethod, pingPath));
    }

    [Fact]
    public void JiraIssue_Responses_ReadIdKeyAndStatusCategory()
    {
        var document = BuiltInMappings.All[BuiltInMappings.JiraIssue].Document;

        var created = document.FindOperation(EventTypes.Created)!.MapResponse(Json("""{"id":"10000","key":"OPS-24","self":"x"}"""), Context(Created));
        var ping = document.FindOperation(EventTypes.Ping)!.MapResponse(
            Json("""{"id":"10000","key":"OPS-24","fields":{"status":{"name":"Done","statusCategory":{"key":"done"}}}}"""), Context(Created));

        Assert.Equal("10000", created.TicketId);
        Assert.Equal("OPS-24", created.GetText("externalNumber"));
        Assert.Equal("RESOLVED", ping.GetText("externalStatus"));
    }

    private static JsonElement Render(string mapping, string eventType, JsonElement resource, out string method, out string path)
    {
        var operation = BuiltInMappings.All[mapping].Document.FindOperation(eventType)!;
        var context = Context(resource);
        method = operation.Method;
        path = operation.RenderPath(context);
        var body = operation.RenderRequest(context);
        return body is null ? default : Json(Encoding.UTF8.GetString(body));
    }

    private static MappingContext Context(JsonElement resource) => new(resource, new Dictionary<string, string>
    {
        ["closeCode"] = "Solved (Permanently)",
        ["assignmentGroup"] = "SAP Basis",
        ["account"] = "ACME Corp",
        ["resolutionCode"] = "Solution provided",
        ["projectKey"] = "OPS",
        ["issueType"] = "Task",
        ["closeTransitionId"] = "31",
    }, "https://acme.eu10.alm.cloud.sap", "sys-1");

    private static JsonElement Message(string name) =>
        Json(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "events", $"situation-{name}.json"))).GetProperty("resource");

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
