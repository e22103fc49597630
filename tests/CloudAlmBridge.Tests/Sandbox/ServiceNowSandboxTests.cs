using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Sandbox;

/// <summary>The Development-only ServiceNow sandbox speaks the Table API's shapes and shows a record's page at the displayUrl.</summary>
public sealed class ServiceNowSandboxTests : IDisposable
{
    private const string Incidents = "/sandbox/servicenow/api/now/table/incident";
    private readonly TempDirectory _directory = new();
    private readonly BridgeFactory _factory;

    public ServiceNowSandboxTests()
    {
        _factory = new BridgeFactory(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Bridge:Storage:ConnectionString"] = $"Data Source={_directory.File("bridge.db")}",
        }, environment: "Development");
    }

    [Fact]
    public async Task Create_Answers201_WithResultSysIdAndIncidentNumber()
    {
        using var client = _factory.CreateClient();

        var first = await client.PostAsJsonAsync(Incidents, new { short_description = "Ping failed", correlation_id = "situation-1" });
        var second = await client.PostAsJsonAsync(Incidents, new { short_description = "Another" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var result = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        Assert.Matches("^[0-9a-f]{32}$", result.GetProperty("sys_id").GetString());
        Assert.Equal("INC0010001", result.GetProperty("number").GetString());
        Assert.Equal("1", result.GetProperty("state").GetString());
        Assert.Equal("Ping failed", result.GetProperty("short_description").GetString());
        Assert.EndsWith($"{Incidents}/{result.GetProperty("sys_id").GetString()}", first.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal("INC0010002", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("number").GetString());
    }

    [Fact]
    public async Task Patch_UpdatesFields_AndGetReadsThemBack_WithWorkNotesAsAJournal()
    {
        using var client = _factory.CreateClient();
        var sysId = await CreateAsync(client, "situation-2");

        await client.PatchAsJsonAsync($"{Incidents}/{sysId}", new { work_notes = "first note", urgency = "1" });
        await client.PatchAsJsonAsync($"{Incidents}/{sysId}", new { work_notes = "second note" });
        var record = (await client.GetFromJsonAsync<JsonElement>($"{Incidents}/{sysId}")).GetProperty("result");

        Assert.Equal("1", record.GetProperty("urgency").GetString());
        Assert.Equal("second note\n\nfirst note", record.GetProperty("work_notes").GetString());
    }

    [Fact]
    public async Task Query_ByCorrelationId_FindsTheIncident()
    {
        using var client = _factory.CreateClient();
        var sysId = await CreateAsync(client, "situation-3");
        await CreateAsync(client, "situation-other");

        var found = await client.GetFromJsonAsync<JsonElement>($"{Incidents}?sysparm_query=correlation_id%3Dsituation-3&sysparm_limit=1");
        var none = await client.GetFromJsonAsync<JsonElement>($"{Incidents}?sysparm_query=correlation_id%3Dnobody");

        Assert.Equal(sysId, Assert.Single(found.GetProperty("result").EnumerateArray()).GetProperty("sys_id").GetString());
        Assert.Empty(none.GetProperty("result").EnumerateArray());
    }

    [Fact]
    public async Task Resolve_WithoutResolutionCode_Is403_AsServiceNowsDataPolicy()
    {
        using var client = _factory.CreateClient();
        var sysId = await CreateAsync(client, "situation-4");

        var refused = await client.PatchAsJsonAsync($"{Incidents}/{sysId}", new { state = "6" });
        var resolved = await client.PatchAsJsonAsync($"{Incidents}/{sysId}", new { state = "6", close_code = "Solved (Permanently)", close_notes = "ok" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var error = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("failure", error.GetProperty("status").GetString());
        Assert.Contains("Resolution code", error.GetProperty("error").GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("false", (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("active").GetString());
    }

    [Fact]
    public async Task UnknownRecord_Is404_InServiceNowsErrorEnvelope()
    {
        using var client = _factory.CreateClient();

        var response = await client.GetAsync($"{Incidents}/0123456789abcdef0123456789abcdef");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("No Record found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task RecordPage_AtTheDisplayUrl_IsHtmlWithTheNumberAndShortDescription_Escaped()
    {
        using var client = _factory.CreateClient();
        var created = await client.PostAsJsonAsync(Incidents, new
        {
            short_description = "<script>alert('x')</script> Ping failed & \"S4H\" down",
            correlation_id = "situation-5",
            state = "6",
            work_notes = "first line\nsecond <b>line</b>",
        });
        var record = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        var sysId = record.GetProperty("sys_id").GetString();

        // The address the bridge stores as displayUrl for a SNOW webhook on the sandbox destination.
        var page = await client.GetAsync($"/sandbox/servicenow/nav_to.do?uri=incident.do?sys_id={sysId}");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", page.Content.Headers.ContentType?.CharSet);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Incident INC0010001</h1>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Ping failed &amp; &quot;S4H&quot; down", html, StringComparison.Ordinal);
        Assert.Contains("<pre>first line\nsecond &lt;b&gt;line&lt;/b&gt;</pre>", html, StringComparison.Ordinal);
        Assert.Contains("6 (Resolved)", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"api/now/table/incident/{sysId}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style", html, StringComparison.OrdinalIgnoreCase);

        // The bridge's headers hold for it unchanged: nothing to run, nothing to load, no framing.
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task RecordPage_OfAnUnknownRecord_Is404_AndOfNoRecordAddress_Is400_BothAsPages()
    {
        using var client = _factory.CreateClient();

        var unknown = await client.GetAsync("/sandbox/servicenow/nav_to.do?uri=incident.do%3Fsys_id%3D0123456789abcdef0123456789abcdef");
        var unreadable = await client.GetAsync("/sandbox/servicenow/nav_to.do?uri=incident_list.do");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("text/html", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("The sandbox has no incident record with sys_id 0123456789abcdef0123456789abcdef.", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Equal("text/html", unreadable.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Delete_RemovesTheRecord_AndItsNumberIsNotGivenAgain()
    {
        using var client = _factory.CreateClient();
        var first = await CreateAsync(client, "situation-6");

        var deleted = await client.DeleteAsync($"{Incidents}/{first}");
        var again = await client.DeleteAsync($"{Incidents}/{first}");
        var next = await client.PostAsJsonAsync(Incidents, new { short_description = "next" });

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("INC0010002", (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("number").GetString());
    }

    [Fact]
    public async Task MalformedJson_Is400_NotAServerError()
    {
        using var client = _factory.CreateClient();

        var response = await client.PostAsync(Incidents, new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Sandbox_IsAbsent_OutsideDevelopment()
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("production.db"));
        using var production = new BridgeFactory(settings, environment: "Production");
        using var client = production.CreateClient();

        var response = await client.PostAsJsonAsync(Incidents, new JsonObject());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public void Dispose()
    {
        _factory.Dispose();
        _directory.Dispose();
    }

    private static async Task<string> CreateAsync(HttpClient client, string correlationId)
    {
        var response = await client.PostAsJsonAsync(Incidents, new { short_description = "x", correlation_id = correlationId });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("sys_id").GetString()!;
    }
}
