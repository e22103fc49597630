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

    public void Dispose()
    {
        _directory.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
