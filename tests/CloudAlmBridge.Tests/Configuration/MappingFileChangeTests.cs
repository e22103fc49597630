using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Configuration;

/// <summary>
/// docs/api.md §1 for mapping files (<c>Bridge:Mappings:&lt;name&gt;:File</c>): a changed file is in force within seconds
/// without a restart, whether edited in place or replaced by a rename; a broken one is refused with its errors in the
/// log, readiness Degraded, and the last good version stays.
/// </summary>
public sealed class MappingFileChangeTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly IsolatedServiceNow _serviceNow = new();

    [Fact]
    public async Task AChangedMappingFile_IsInForceWithinSeconds_ABrokenOneIsRefused_AndTheLastGoodStays()
    {
        var file = _directory.File("acme-incident.json");
        await File.WriteAllTextAsync(file, Mapping("v1"));
        var settings = _serviceNow.Settings();
        settings["Bridge:Mappings:acme-incident:File"] = file;
        settings["Bridge:Subscriptions:acme:Webhook"] = "snow-incident";
        settings["Bridge:Subscriptions:acme:Mapping"] = "acme-incident";
        _serviceNow.ServiceNow.AnswersLookup();
        _serviceNow.ServiceNow.AnswersCreate("acme01", "INC0050001");
        using var factory = new BridgeFactory(settings);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        Assert.Equal("[v1] Ping failed to service S4H", await PreviewAsync(admin));

        // Replaced atomically: written beside it, then renamed over it.
        await ReplaceAsync(file, Mapping("v2"));
        await Polling.WaitUntilAsync(async () => await PreviewAsync(admin) == "[v2] Ping failed to service S4H", "the renamed file in force", seconds: 10);

        // And a real delivery to ServiceNow uses it.
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        Assert.True((await events.PostEventAsync("acme", Events.Message("created", Events.NewSituationId()))).IsSuccessStatusCode);
        var create = Assert.Single(_serviceNow.ServiceNow.Calls("POST"));
        Assert.Equal("[v2] Ping failed to service S4H", ServiceNowStubs.BodyOf(create)["short_description"]!.GetValue<string>());

        // Broken (a JSON syntax error on line 3): refused, the log names the line, readiness degrades, v2 stays.
        await ReplaceAsync(file, "{\n  \"structure\": {\n    \"request\": { \"short_description\": \"[v3] #{subject}\" \n  }\n}");
        await Polling.WaitUntilAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString() == "Degraded", "readiness degraded");
        Assert.Equal("[v2] Ping failed to service S4H", await PreviewAsync(admin));
        Assert.Contains(factory.Logs.Lines, line => line.Contains("Bridge:Mappings:acme-incident: not valid JSON at line", StringComparison.Ordinal));

        // Fixed by editing the file in place: in force, and readiness healthy again.
        await File.WriteAllTextAsync(file, Mapping("v4"));
        await Polling.WaitUntilAsync(async () => await PreviewAsync(admin) == "[v4] Ping failed to service S4H", "the edited file in force", seconds: 10);
        Assert.Equal("Healthy", (await admin.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString());
    }

    public void Dispose()
    {
        _serviceNow.Dispose();
        _directory.Dispose();
    }

    private static async Task ReplaceAsync(string file, string content)
    {
        var beside = file + ".tmp";
        await File.WriteAllTextAsync(beside, content);
        File.Move(beside, file, overwrite: true);
    }

    private static async Task<string?> PreviewAsync(HttpClient admin)
    {
        var body = new JsonObject { ["message"] = Events.Message("created", Events.NewSituationId()) };
        using var response = await admin.PostAsync("/api/v1/mappings/acme-incident/preview",
            new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return answer.GetProperty("request").GetProperty("body").GetProperty("short_description").GetString();
    }

    private static string Mapping(string version) => $$"""
        {
          "structure": { "request": { "short_description": "[{{version}}] #{subject}" }, "response": { "externalNumber": "#{number}" } },
          "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST", "responseRoot": "result", "externalIdProperty": "/sys_id" } ] }
        }
        """;
}
