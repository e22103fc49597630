using WireMock.Server;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>
/// One bridge per test class: a WireMock.Net server standing in for ServiceNow and one for Jira, a real SQLite file in
/// a fresh folder (or, in <see cref="PostgreSqlBridgeFixture"/>, a fresh database on a real PostgreSQL server), and the
/// bridge hosted on them.
/// </summary>
public class ServiceNowBridgeFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public WireMockServer ServiceNow { get; } = WireMockServer.Start();

    public WireMockServer Jira { get; } = WireMockServer.Start().AnswersAsDataCenter();

    public BridgeFactory Factory { get; private set; } = null!;

    public string DatabasePath => _directory.File("bridge.db");

    /// <summary>The storage the bridge runs on: <c>Sqlite</c> here, <c>PostgreSql</c> in the subclass.</summary>
    public virtual string Provider => "Sqlite";

    /// <summary>The storage's connection string (SQLite: the fixture's file).</summary>
    public virtual string ConnectionString => $"Data Source={DatabasePath}";

    public virtual Task InitializeAsync()
    {
        Factory = StartBridge();
        return Task.CompletedTask;
    }

    /// <summary>
    /// A bridge on the fixture's database, e.g. a second one after <see cref="Factory"/> was disposed (a restart), or a
    /// second instance beside it (PostgreSQL). <paramref name="changes"/> are applied over the test settings.
    /// </summary>
    public BridgeFactory StartBridge(IReadOnlyDictionary<string, string?>? changes = null)
    {
        var settings = Settings();
        foreach (var (key, value) in changes ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var factory = new BridgeFactory(settings);
        _ = factory.Server;
        return factory;
    }

    /// <summary>The test settings on this fixture's ticket systems and storage.</summary>
    public Dictionary<string, string?> Settings()
    {
        var settings = TestSettings.ForServiceNowAndJira(ServiceNow.Url!, Jira.Url!, DatabasePath);
        settings["Bridge:Storage:Provider"] = Provider;
        settings["Bridge:Storage:ConnectionString"] = ConnectionString;
        return settings;
    }

    /// <summary>Stops the bridge and starts a new one on the same database, with <paramref name="changes"/> over the test settings.</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string?>? changes = null)
    {
        await StopAsync();
        Start(changes);
    }

    /// <summary>Stops the bridge (gracefully: what is in flight finishes or is given back); <see cref="Start"/> starts it again.</summary>
    public Task StopAsync() => Factory.DisposeAsync().AsTask();

    public void Start(IReadOnlyDictionary<string, string?>? changes = null) => Factory = StartBridge(changes);

    /// <summary>The fixture's database as the bridge opens it, for a test that writes what another instance would have left.</summary>
    internal CloudAlmBridge.Storage.BridgeDatabase OpenDatabase() => new(Provider == "PostgreSql"
        ? new CloudAlmBridge.Storage.PostgreSql.PostgreSqlProvider(ConnectionString)
        : new CloudAlmBridge.Storage.Sqlite.SqliteProvider(ConnectionString, Path.GetTempPath()));

    /// <summary>Forgets every stub and call; the Jira answers as a Data Center does until a test stubs it otherwise.</summary>
    public void ResetTicketSystems()
    {
        ServiceNow.Reset();
        Jira.Reset();
        Jira.AnswersAsDataCenter();
    }

    public HttpClient EventsClient() => Client(TestSettings.EventsClient, TestSettings.EventsSecret);

    public HttpClient AdminClient() => Client(TestSettings.AdminClient, TestSettings.AdminSecret);

    public HttpClient Client(string user, string secret) => Factory.CreateClient(user, secret);

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        ServiceNow.Stop();
        ServiceNow.Dispose();
        Jira.Stop();
        Jira.Dispose();
        _directory.Dispose();
    }
}
