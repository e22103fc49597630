using System.Net.Http.Headers;
using System.Text;
using WireMock.Server;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>
/// One bridge per test class: a WireMock.Net server standing in for ServiceNow and one for Jira, a real SQLite file in
/// a fresh folder, and the bridge hosted on them.
/// </summary>
public sealed class ServiceNowBridgeFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cloudalmbridge-tests", Guid.NewGuid().ToString("N"));

    public WireMockServer ServiceNow { get; } = WireMockServer.Start();

    public WireMockServer Jira { get; } = WireMockServer.Start();

    public BridgeFactory Factory { get; private set; } = null!;

    public string DatabasePath => Path.Combine(_directory, "bridge.db");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Factory = StartBridge();
        return Task.CompletedTask;
    }

    /// <summary>A bridge on the fixture's database, e.g. a second one after <see cref="Factory"/> was disposed (a restart).</summary>
    public BridgeFactory StartBridge()
    {
        var factory = new BridgeFactory(TestSettings.ForServiceNowAndJira(ServiceNow.Url!, Jira.Url!, DatabasePath));
        _ = factory.Server;
        return factory;
    }

    /// <summary>Stops the bridge and starts a new one on the same SQLite file.</summary>
    public async Task RestartAsync()
    {
        await Factory.DisposeAsync();
        Factory = StartBridge();
    }

    public void ResetTicketSystems()
    {
        ServiceNow.Reset();
        Jira.Reset();
    }

    public HttpClient EventsClient() => Client(TestSettings.EventsClient, TestSettings.EventsSecret);

    public HttpClient AdminClient() => Client(TestSettings.AdminClient, TestSettings.AdminSecret);

    public HttpClient Client(string user, string secret)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return client;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        ServiceNow.Stop();
        ServiceNow.Dispose();
        Jira.Stop();
        Jira.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite handle released late must not fail the run; the folder is in the temp directory.
        }
    }
}
