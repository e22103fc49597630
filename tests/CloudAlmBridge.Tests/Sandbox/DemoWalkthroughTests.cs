using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Sandbox;

/// <summary>
/// The README's walk-through, on the embedded Development configuration: a real Kestrel server, the demo client, the
/// demo subscription, and the sandbox ServiceNow it points at.
/// </summary>
public sealed class DemoWalkthroughTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task DemoSubscription_CreatesUpdatesAndResolvesOneSandboxIncident()
    {
        var port = FreePort();
        using var factory = new BridgeFactory(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Bridge:Storage:ConnectionString"] = $"Data Source={_directory.File("bridge.db")}",

            // The demo destination is the bridge's own address; here the port is the test's.
            ["Bridge:Destinations:servicenow-sandbox:Url"] = $"http://127.0.0.1:{port}/sandbox/servicenow",
        }, environment: "Development");
        factory.UseKestrel(port);
        factory.StartServer();
        using var client = factory.CreateClient("cloud-alm", "demo-events-secret");
        var situation = Events.NewSituationId();

        var created = await client.PostEventAsync("demo", Events.Message("created", situation));
        var updated = await client.PostEventAsync("demo", Events.Message("updated", situation));
        var closed = await client.PostEventAsync("demo", Events.Message("closed", situation));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var answer = await closed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("RESOLVED", answer.GetProperty("externalStatus").GetString());
        var number = answer.GetProperty("externalNumber").GetString();
        Assert.Matches("^INC[0-9]{7}$", number);

        var incidents = await client.GetFromJsonAsync<JsonElement>(
            $"/sandbox/servicenow/api/now/table/incident?sysparm_query=correlation_id%3D{situation}");
        var incident = Assert.Single(incidents.GetProperty("result").EnumerateArray());
        Assert.Equal(number, incident.GetProperty("number").GetString());
        Assert.Equal("6", incident.GetProperty("state").GetString());
        Assert.Equal("Solved (Permanently)", incident.GetProperty("close_code").GetString());
        Assert.Equal("[SAP Cloud ALM] Ping failed to service S4H", incident.GetProperty("short_description").GetString());
        Assert.Contains("rating raised to FATAL", incident.GetProperty("work_notes").GetString());
    }

    [Fact]
    public async Task DemoIncident_SurvivesARestart_TheUpdateReachesIt_AndTheNextCreateTakesTheNextNumber()
    {
        var port = FreePort();
        var first = Events.NewSituationId();
        var second = Events.NewSituationId();
        JsonElement created;
        using (var before = Demo(port))
        {
            using var client = before.CreateClient("cloud-alm", "demo-events-secret");
            var response = await client.PostEventAsync("demo", Events.Message("created", first));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            created = await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        // The same SQLite file and address: a restart of `dotnet run`.
        using var after = Demo(port);
        using var events = after.CreateClient("cloud-alm", "demo-events-secret");
        var updated = await events.PostEventAsync("demo", Events.Message("updated", first));
        var next = await events.PostEventAsync("demo", Events.Message("created", second));

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var update = await updated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(created.GetProperty("ticketId").GetString(), update.GetProperty("ticketId").GetString());
        Assert.Equal(created.GetProperty("externalNumber").GetString(), update.GetProperty("externalNumber").GetString());
        Assert.Equal("NEW", update.GetProperty("externalStatus").GetString());

        // The sandbox still had the incident: the update reached it, and its look-up by correlation_id finds it alone.
        var incidents = await events.GetFromJsonAsync<JsonElement>(
            $"/sandbox/servicenow/api/now/table/incident?sysparm_query=correlation_id%3D{first}");
        var incident = Assert.Single(incidents.GetProperty("result").EnumerateArray());
        Assert.Equal(created.GetProperty("ticketId").GetString(), incident.GetProperty("sys_id").GetString());
        Assert.Equal("1", incident.GetProperty("impact").GetString());
        Assert.Contains("Update from SAP Cloud ALM (FATAL)", incident.GetProperty("work_notes").GetString());

        // A new situation gets the next number, not one given before the restart.
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        var nextNumber = (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("externalNumber").GetString()!;
        Assert.Equal(Number(created.GetProperty("externalNumber").GetString()!) + 1, Number(nextNumber));

        // And displayUrl opens the incident's page.
        var displayUrl = created.GetProperty("displayUrl").GetString()!;
        Assert.StartsWith($"http://127.0.0.1:{port}/sandbox/servicenow/nav_to.do?uri=incident.do?sys_id=", displayUrl, StringComparison.Ordinal);
        var page = await events.GetAsync(new Uri(displayUrl).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(created.GetProperty("externalNumber").GetString()!, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _directory.Dispose();
    }

    /// <summary>The bridge with its embedded demo configuration on a real Kestrel port, the demo destination pointing at it.</summary>
    private BridgeFactory Demo(int port)
    {
        var factory = new BridgeFactory(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Bridge:Storage:ConnectionString"] = $"Data Source={_directory.File("bridge.db")}",
            ["Bridge:Destinations:servicenow-sandbox:Url"] = $"http://127.0.0.1:{port}/sandbox/servicenow",
        }, environment: "Development");
        factory.UseKestrel(port);
        factory.StartServer();
        return factory;
    }

    private static int Number(string incident) => int.Parse(incident["INC".Length..], System.Globalization.CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
