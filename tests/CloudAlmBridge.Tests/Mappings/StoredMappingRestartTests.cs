using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Mappings;

/// <summary>A mapping put over REST lives in the database: it survives a restart and can be used by a subscription.</summary>
public sealed class StoredMappingRestartTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task PutMapping_SurvivesARestart_ServesASubscription_AndCannotBeDeletedWhileInUse()
    {
        var database = _directory.File("bridge.db");
        var document = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "sap-samples", "document-approval-mapping.json"))
            .Replace("WORKFLOW.STARTED", "EVENT-SITUATION.CREATED", StringComparison.Ordinal);
        using (var first = new BridgeFactory(TestSettings.ForServiceNow("http://127.0.0.1:9", database)))
        {
            using var client = Admin(first);
            var put = await client.PutAsync("/api/v1/mappings/acme-approval", new StringContent(document, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // The restarted bridge has a subscription on the stored mapping: validation at start finds it in the database.
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", database);
        settings["Bridge:Subscriptions:approvals:Webhook"] = "snow-incident";
        settings["Bridge:Subscriptions:approvals:Mapping"] = "acme-approval";
        using var second = new BridgeFactory(settings);
        using var admin = Admin(second);

        Assert.Equal(document, await admin.GetStringAsync("/api/v1/mappings/acme-approval"));
        var subscriptions = await admin.GetFromJsonAsync<JsonElement>("/api/v1/subscriptions");
        Assert.Equal("acme-approval", subscriptions.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "approvals")
            .GetProperty("mapping").GetString());

        var delete = await admin.DeleteAsync("/api/v1/mappings/acme-approval");
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Contains("approvals", (await delete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public void SubscriptionOnAMappingThatIsNowhere_StopsTheStart()
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("empty.db"));
        settings["Bridge:Subscriptions:approvals:Webhook"] = "snow-incident";
        settings["Bridge:Subscriptions:approvals:Mapping"] = "acme-approval";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, f => f.StartsWith("Bridge:Subscriptions:approvals:Mapping: unknown mapping 'acme-approval'", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _directory.Dispose();
    }

    private static HttpClient Admin(BridgeFactory factory) => factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
}
