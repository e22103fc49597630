using WireMock.Server;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>
/// One bridge per test class: a WireMock.Net server standing in for ServiceNow and one for Jira, a real SQLite file in
/// a fresh folder, and the bridge hosted on them.
/// </summary>
public sealed class ServiceNowBridgeFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public WireMockServer ServiceNow { get; } = WireMockServer.Start();

    public WireMockServer Jira { get; } = WireMockServer.Start();

    public BridgeFactory Factory { get; private set; } = null!;

    public string DatabasePath => _directory.File("bridge.db");

    public Task InitializeAsync()
    {
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

    public HttpClient Client(string user, string secret) => Factory.CreateClient(user, secret);

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        ServiceNow.Stop();
        ServiceNow.Dispose();
        Jira.Stop();
        Jira.Dispose();
        _directory.Dispose();
    }
}
