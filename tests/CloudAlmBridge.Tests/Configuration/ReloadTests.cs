using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Configuration;

/// <summary>docs/api.md §1: a change is picked up without restart; an invalid one is rejected and the last good stays.</summary>
public sealed class ReloadTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task InvalidChange_IsRejected_AndTheLastGoodConfigurationStays_ThenAValidChangeApplies()
    {
        var file = _directory.File("bridge.json");
        await File.WriteAllTextAsync(file, Subscription("second", "snow-incident"));
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("bridge.db"));
        using var factory = new BridgeFactory(settings, jsonFile: file);
        using var client = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        Assert.Contains("second", await SubscriptionNamesAsync(client));

        await File.WriteAllTextAsync(file, Subscription("third", "no-such-webhook"));
        await WaitUntilAsync(async () =>
            (await client.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString() == "Degraded");
        var ready = await client.GetFromJsonAsync<JsonElement>("/api/v1/health");
        // The admin's health answer says that a change was rejected; what was wrong is in the log only.
        var description = ready.GetProperty("checks").GetProperty("configuration").GetProperty("description").GetString();
        Assert.Contains("rejected with 1 error(s)", description);
        Assert.DoesNotContain("no-such-webhook", description);
        Assert.Contains(factory.Logs.Lines, line => line.Contains("unknown webhook 'no-such-webhook'", StringComparison.Ordinal));
        Assert.Contains("second", await SubscriptionNamesAsync(client));
        Assert.DoesNotContain("third", await SubscriptionNamesAsync(client));

        await File.WriteAllTextAsync(file, Subscription("fourth", "snow-incident"));
        await WaitUntilAsync(async () => (await SubscriptionNamesAsync(client)).Contains("fourth"));
        Assert.DoesNotContain("second", await SubscriptionNamesAsync(client));
        Assert.Equal("Healthy", (await client.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AChangeThatOpensTheEventsApi_WarnsLikeAStart()
    {
        var file = _directory.File("anonymous.json");
        await File.WriteAllTextAsync(file, Subscription("second", "snow-incident"));
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("anonymous.db"));
        using var factory = new BridgeFactory(settings, jsonFile: file);
        using var anonymous = factory.CreateClient();
        var unknown = $"/api/v1/events/{TestSettings.Subscription}/{Events.NewSituationId()}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(unknown)).StatusCode);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains("AllowAnonymousEvents is on", StringComparison.Ordinal));

        await File.WriteAllTextAsync(file, """{ "Bridge": { "Security": { "AllowAnonymousEvents": true } } }""");
        await WaitUntilAsync(() => Task.FromResult(factory.Logs.Lines.Any(line =>
            line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("AllowAnonymousEvents is on", StringComparison.Ordinal))));

        // And it is in force: the PING of an unknown situation is answered, no longer refused.
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(unknown)).StatusCode);
    }

    [Fact]
    public async Task AChangedTokenIssuer_TakesEffectAtTheNextStart_SoTokensIssuedMeanwhileStillWork()
    {
        var file = _directory.File("issuer.json");
        await File.WriteAllTextAsync(file, Subscription("second", "snow-incident"));
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("issuer.db"));
        settings["Serilog:MinimumLevel:Default"] = "Information";
        using var factory = new BridgeFactory(settings, jsonFile: file);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        await File.WriteAllTextAsync(file, """{ "Bridge": { "Security": { "Tokens": { "Issuer": "renamed-issuer", "Audience": "renamed-audience" } } } }""");
        await WaitUntilAsync(() => Task.FromResult(factory.Logs.Lines.Any(line => line.Contains("Configuration reloaded", StringComparison.Ordinal))));
        using var issued = await admin.PostAsync("/oauth/token", new FormUrlEncodedContent([new("grant_type", "client_credentials")]));
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        using var bearer = factory.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/v1/webhooks")).StatusCode);
        Assert.Contains(factory.Logs.Lines, l => l.Replace("\"", string.Empty, StringComparison.Ordinal)
            .Contains("Bridge:Security:Tokens:Issuer changed, but it is read at start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AChangedStartOnlySetting_SaysItNeedsARestart_DegradesReadiness_AndTheStartValueStaysInForce()
    {
        // Issue 26, item 7: the connection string changed, the log said "Configuration reloaded", and the next event
        // went to the old file. The old file is still right (a storage is not switched under running deliveries), but
        // the operator is told, in the log and in readiness, until a restart.
        var file = _directory.File("start-only.json");
        await File.WriteAllTextAsync(file, Subscription("second", "snow-incident"));
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("start-only.db"));
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        using var factory = new BridgeFactory(settings, jsonFile: file);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        using var cloudAlm = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        Assert.Equal("Healthy", (await admin.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString());

        var moved = _directory.File("moved-secret-path.db");
        await File.WriteAllTextAsync(file, $$"""
            { "Bridge": { "Storage": { "ConnectionString": "Data Source={{moved}}" },
                          "Security": { "ConsoleSessionLifetime": "00:01:00" }, "Telemetry": { "ServiceName": "renamed" } } }
            """);
        await WaitUntilAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString() == "Degraded");

        var description = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/health")).GetProperty("checks").GetProperty("configuration")
            .GetProperty("description").GetString()!;
        Assert.Contains("in force only after a restart: Bridge:Storage:ConnectionString, Bridge:Security:ConsoleSessionLifetime, Bridge:Telemetry:ServiceName", description);
        Assert.DoesNotContain("moved-secret-path", description);
        foreach (var key in new[] { "Bridge:Storage:ConnectionString", "Bridge:Security:ConsoleSessionLifetime", "Bridge:Telemetry:ServiceName" })
        {
            Assert.Single(factory.Logs.Lines.Select(l => l.Replace("\"", string.Empty, StringComparison.Ordinal)), l => l.StartsWith("Warning", StringComparison.Ordinal)
                && l.Contains($"{key} changed, but it is read at start", StringComparison.Ordinal) && l.Contains("needs a restart", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("moved-secret-path", StringComparison.Ordinal));
        var accepted = await cloudAlm.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.False(File.Exists(moved), "the storage is the one the bridge started with");

        // Put back, the warning is over.
        await File.WriteAllTextAsync(file, Subscription("second", "snow-incident"));
        await WaitUntilAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString() == "Healthy");
    }

    [Fact]
    public async Task ARotatedSecret_OrARemovedRole_IsInForceAtTheNextCall_ThoughTheOldCredentialsWereRemembered()
    {
        // Issue 21, item 5: a Basic principal verified once is remembered for the calls that follow with the same
        // header, but only under the configuration it was verified under.
        var file = _directory.File("rotation.json");
        await File.WriteAllTextAsync(file, Subscription("second", "snow-incident"));
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("rotation.db"));
        using var factory = new BridgeFactory(settings, jsonFile: file);
        using var before = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        for (var call = 0; call < 3; call++)
        {
            Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/api/v1/webhooks")).StatusCode);
        }

        const string rotated = "admin-secret-after-rotation-2026";
        await File.WriteAllTextAsync(file, $$"""{ "Bridge": { "Security": { "Clients": { "{{TestSettings.AdminClient}}": { "Secret": "{{rotated}}" } } } } }""");
        await WaitUntilAsync(async () => (await before.GetAsync("/api/v1/webhooks")).StatusCode == HttpStatusCode.Unauthorized);
        using var after = factory.CreateClient(TestSettings.AdminClient, rotated);
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/api/v1/webhooks")).StatusCode);

        // The same secret, now without the admin role: refused at once, not served from what was remembered.
        await File.WriteAllTextAsync(file, $$"""
            { "Bridge": { "Security": { "Clients": { "{{TestSettings.AdminClient}}": { "Secret": "{{rotated}}", "Roles": [ "events" ] } } } } }
            """);
        await WaitUntilAsync(async () => (await after.GetAsync("/api/v1/webhooks")).StatusCode == HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync("/api/v1/webhooks")).StatusCode);
    }

    public void Dispose()
    {
        _directory.Dispose();
    }

    private static string Subscription(string name, string webhook) =>
        $$"""{ "Bridge": { "Subscriptions": { "{{name}}": { "Webhook": "{{webhook}}", "UserVariables": { "closeCode": "Solved (Permanently)" } } } } }""";

    private static async Task<string[]> SubscriptionNamesAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/subscriptions")).EnumerateArray()
            .Select(s => s.GetProperty("name").GetString()!).ToArray();

    /// <summary>File change notifications arrive asynchronously: poll for the outcome, bounded.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The configuration change was not picked up within 10 s.");
    }
}
