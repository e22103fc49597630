using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CloudAlmBridge.Tests.Docs;

/// <summary>
/// Issue 26: what the guides tell a user to do, done as they say it, against stand-ins that answer as the guides'
/// systems do: the bridge started as the operations page's service unit starts it, the generic guide's example API
/// behind "test connection", the Jira guide's previews, and links under <c>PublicBaseUrl</c>.
/// </summary>
public sealed class GuideTests : IDisposable
{
    private const string ApiKey = "example-api-key-0123456789";
    private readonly TempDirectory _directory = new();
    private readonly WireMockServer _tickets = WireMockServer.Start();

    [Fact]
    public async Task StartedLikeTheServiceUnit_FromAnyFolder_ItReadsItsEnvFile_ListensWhereUrlsSays_AndSaysWhere()
    {
        var port = FreePort();
        var secrets = _directory.File("bridge.env");
        await File.WriteAllLinesAsync(secrets, Filled(Repository.File("docs", "examples", "servicenow.env")));

        // The folder it is started from holds a configuration of its own, which would stop the start if it were read.
        var elsewhere = Directory.CreateDirectory(_directory.File("working-directory")).FullName;
        await File.WriteAllTextAsync(Path.Combine(elsewhere, "appsettings.json"),
            """{ "Bridge": { "Subscriptions": { "from-the-current-directory": { "Webhook": "no-such-webhook" } } } }""");

        // ExecStart=/usr/bin/dotnet /opt/cloudalmbridge/CloudAlmBridge.dll --env-file /etc/cloudalmbridge/bridge.env --urls http://0.0.0.0:8080
        using var bridge = await BridgeProcess.StartInAsync(elsewhere, new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            "--env-file", Repository.File("docs", "examples", "servicenow.env"), "--env-file", secrets, "--urls", $"http://127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = bridge.BaseAddress };
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.Equal(port, bridge.BaseAddress!.Port);
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        await Polling.WaitUntilAsync(() => Task.FromResult(bridge.Output.Contains("CloudAlmBridge is ready", StringComparison.Ordinal)), "the start line");
        var start = bridge.Output.Split('\n').Single(l => l.Contains("CloudAlmBridge is ready", StringComparison.Ordinal));
        Assert.Contains($"listening on http://127.0.0.1:{port}", start, StringComparison.Ordinal);
        Assert.Contains($"its files (appsettings, mappings, relative paths) in {AppContext.BaseDirectory}", start.Replace("\\\\", "\\", StringComparison.Ordinal),
            StringComparison.Ordinal);
        Assert.Contains("subscription calm-to-snow", start, StringComparison.Ordinal);
        Assert.DoesNotContain("change-me", bridge.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("from-the-current-directory", start, StringComparison.Ordinal);

        // It says that it left those files alone (an installation of an earlier version may have relied on them).
        await Polling.WaitUntilAsync(() => Task.FromResult(bridge.Output.Contains("which this bridge does not read", StringComparison.Ordinal)), "the warning");
        Assert.Contains($"The current directory {elsewhere} holds appsettings.json", bridge.Output.Replace("\"", string.Empty, StringComparison.Ordinal),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_OnTheGenericGuidesApi_SaysReachable_AndThatTheKeyWasNotTried()
    {
        ExampleApi();
        using var factory = new BridgeFactory(GenericSettings());
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var result = await (await admin.PostAsync("/api/v1/destinations/tickets/test", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(result.GetProperty("reachable").GetBoolean());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("credentialsAccepted").ValueKind);
        var summary = result.GetProperty("summary").GetString()!;
        Assert.Contains("answered 405", summary, StringComparison.Ordinal);
        Assert.Contains("not whether the credentials are accepted", summary, StringComparison.Ordinal);
        Assert.Contains("Bridge:Webhooks:tickets-api:TestPath", summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApiKey, true)]
    [InlineData("a-revoked-key", false)]
    public async Task TestConnection_WithTheGuidesTestPath_TriesTheKey(string key, bool accepted)
    {
        ExampleApi();
        var settings = GenericSettings();
        settings["Bridge:Webhooks:tickets-api:TestPath"] = "?externalReference=bridge-test-connection";
        settings["Bridge:Destinations:tickets:Authentication:HeaderValue"] = key;
        using var factory = new BridgeFactory(settings);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var result = await (await admin.PostAsync("/api/v1/destinations/tickets/test", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(accepted, result.GetProperty("credentialsAccepted").GetBoolean());
        Assert.EndsWith("/api/v2/tickets?externalReference=bridge-test-connection", result.GetProperty("call").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_WithTheGuidesLookUp_ProvesTheKeyByIt()
    {
        ExampleApi();
        var settings = GenericSettings();
        settings["Bridge:Webhooks:tickets-api:Lookup:Path"] = "?externalReference=#{id}";
        settings["Bridge:Webhooks:tickets-api:Lookup:ResultsPointer"] = "/items";
        using var factory = new BridgeFactory(settings);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var result = await (await admin.PostAsync("/api/v1/destinations/tickets/test", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(result.GetProperty("credentialsAccepted").GetBoolean());
        Assert.True(result.GetProperty("lookupWorks").GetBoolean());
        Assert.Contains("accepted by its look-up", result.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_WithALookUpAnswered404_DoesNotClaimTheKeyWasAccepted()
    {
        // A 404 is what an API answers a wrong path, or anyone before its authentication: it proves nothing.
        ExampleApi();
        var settings = GenericSettings();
        settings["Bridge:Webhooks:tickets-api:Lookup:Path"] = "/by-reference/#{id}";
        using var factory = new BridgeFactory(settings);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var result = await (await admin.PostAsync("/api/v1/destinations/tickets/test", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(JsonValueKind.Null, result.GetProperty("credentialsAccepted").ValueKind);
        Assert.DoesNotContain("accepted by its look-up", result.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACreateAnsweredWithoutAStatus_IsNotAnsweredInProcess_AndLinksAreAbsoluteUnderPublicBaseUrl()
    {
        // The generic guide's mapping guesses no status; PublicBaseUrl makes the bridge's links absolute (item 11).
        _tickets.Given(Request.Create().WithPath("/api/v2/tickets").UsingPost().WithHeader("X-Api-Key", ApiKey))
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"data": {"id": "4711", "number": "TCK-4711", "links": {"web": "https://tickets.example.com/t/4711"}}}"""));
        var settings = GenericSettings();
        settings["Bridge:PublicBaseUrl"] = "https://bridge.example.com/calm/";
        using var factory = new BridgeFactory(settings);
        using var cloudAlm = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var situation = Events.NewSituationId();

        var created = await cloudAlm.PostEventAsync("calm-to-tickets", Events.Message("created", situation));
        var stored = await admin.PutAsync("/api/v1/mappings/guide-copy",
            Events.Json(await File.ReadAllTextAsync(Repository.File("docs", "examples", "generic-ticket.json"))));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TCK-4711", answer.GetProperty("externalNumber").GetString());
        var status = answer.GetProperty("externalStatus");
        Assert.True(status.ValueKind == JsonValueKind.Null || status.GetString() == string.Empty, answer.ToString());
        Assert.Equal($"https://bridge.example.com/calm/api/v1/events/calm-to-tickets/{situation}", created.Headers.Location?.ToString());
        Assert.Equal("https://bridge.example.com/calm/api/v1/mappings/guide-copy", stored.Headers.Location?.ToString());
    }

    [Fact]
    public async Task TheJiraGuidesClosePreview_WithTheIssueKey_AddressesTheIssue()
    {
        var settings = ExampleSettings(Repository.File("docs", "examples", "jira.env"));
        settings["Bridge:Destinations:jira:Url"] = _tickets.Url;
        settings["Bridge:Destinations:jira:AllowInsecureHttp"] = "true";
        using var factory = new BridgeFactory(settings);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var body = new JsonObject
        {
            ["subscription"] = "calm-to-jira",
            ["externalId"] = "OPS-24",
            ["message"] = Events.Message("closed", Events.NewSituationId()),
        };

        var preview = await admin.PostAsync("/api/v1/mappings/jira-issue/preview", Events.Json(body.ToJsonString()));

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var request = (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request");
        Assert.Equal("POST", request.GetProperty("method").GetString());
        Assert.Equal($"{_tickets.Url}/rest/api/2/issue/OPS-24/transitions", request.GetProperty("url").GetString());
    }

    public void Dispose()
    {
        _tickets.Stop();
        _tickets.Dispose();
        _directory.Dispose();
    }

    /// <summary>
    /// The generic guide's example API, as its table says: HEAD and a bare GET on the collection are not allowed; the
    /// search needs the key.
    /// </summary>
    private void ExampleApi()
    {
        _tickets.Given(Request.Create().WithPath("/api/v2/tickets").UsingMethod("HEAD")).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(405).WithHeader("Allow", "GET, POST"));
        _tickets.Given(Request.Create().WithPath("/api/v2/tickets").UsingGet().WithParam("externalReference").WithHeader("X-Api-Key", ApiKey)).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"items": []}"""));
        _tickets.Given(Request.Create().WithPath("/api/v2/tickets").UsingGet().WithParam("externalReference")).AtPriority(2)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json").WithBody("""{"message": "invalid API key"}"""));
        _tickets.Given(Request.Create().WithPath("/api/v2/tickets").UsingGet()).AtPriority(3)
            .RespondWith(Response.Create().WithStatusCode(405).WithHeader("Allow", "POST"));
    }

    /// <summary>generic.env as the guide ships it, filled in, pointed at the stand-in, with the mapping where its File says.</summary>
    private Dictionary<string, string?> GenericSettings()
    {
        var settings = ExampleSettings(Repository.File("docs", "examples", "generic.env"));
        settings["Bridge:Destinations:tickets:Url"] = _tickets.Url;
        settings["Bridge:Destinations:tickets:AllowInsecureHttp"] = "true";
        settings["Bridge:Destinations:tickets:Authentication:HeaderValue"] = ApiKey;
        settings["Bridge:Mappings:generic-ticket:File"] = Repository.File("docs", "examples", "generic-ticket.json");
        return settings;
    }

    /// <summary>An example env file as settings, with the tests' clients and a database of its own.</summary>
    private Dictionary<string, string?> ExampleSettings(string file)
    {
        var settings = File.ReadAllLines(file).Where(l => l.Length > 0 && l[0] != '#' && l.Contains('=', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)].Replace("__", ":", StringComparison.Ordinal),
                l => (string?)l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        foreach (var (key, value) in Filled(file).Select(l => (l[..l.IndexOf('=', StringComparison.Ordinal)], l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..])))
        {
            settings[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        settings["Bridge:Security:Clients:cloud-alm:Secret"] = TestSettings.EventsSecret;
        settings["Bridge:Security:Clients:ops:Secret"] = TestSettings.AdminSecret;
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "10";
        return settings;
    }

    /// <summary>A user's own values for an example's placeholders, and a database in the test's folder.</summary>
    private List<string> Filled(string example) =>
    [
        $"Bridge__Storage__ConnectionString=Data Source={_directory.File($"{Guid.NewGuid():N}.db")}",
        .. File.ReadAllLines(example)
            .Where(l => l.Length > 0 && l[0] != '#' && l.Contains("=change-me", StringComparison.Ordinal))
            .Select(l => $"{l[..l.IndexOf('=', StringComparison.Ordinal)]}={Guid.NewGuid():N}{Guid.NewGuid():N}"),
    ];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
