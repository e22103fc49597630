using CloudAlmBridge.Storage;
using CloudAlmBridge.Storage.PostgreSql;
using CloudAlmBridge.Storage.Sqlite;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Storage;

/// <summary>
/// The storage layer as the bridge wires it (provider, database, stores), without the host: what the compliance suite
/// runs against. Each <see cref="Instance"/> is one bridge instance (its own provider, pool and instance id) on the
/// same database.
/// </summary>
public abstract class StorageHarness : IAsyncLifetime
{
    private readonly List<StorageProvider> _providers = [];
    private readonly List<BridgeDatabase> _databases = [];

    /// <summary>The connection string of the database under test (made in <see cref="InitializeAsync"/>).</summary>
    public string ConnectionString { get; protected set; } = string.Empty;

    internal abstract StorageProvider CreateProvider();

    /// <summary>
    /// Whether the instances share one <see cref="BridgeDatabase"/>: for SQLite, where one process writes a file (its
    /// lock enforces it), so every "instance" on a file is an instance in that process, behind its one writer.
    /// </summary>
    protected virtual bool OneProcessPerDatabase => false;

    internal StorageInstance Instance(string name) => Create(name, restarted: false);

    /// <summary>An instance in a process started afresh on the same database: nothing of the earlier ones in memory.</summary>
    internal StorageInstance Restarted(string name) => Create(name, restarted: true);

    private StorageInstance Create(string name, bool restarted)
    {
        BridgeDatabase database;
        if (OneProcessPerDatabase && _databases.Count > 0 && !restarted)
        {
            database = _databases[^1];
        }
        else
        {
            var provider = CreateProvider();
            _providers.Add(provider);
            database = new BridgeDatabase(provider);
            _databases.Add(database);
        }

        var instance = new BridgeInstance(name);
        return new StorageInstance(database, new DeliveryStore(database, instance), new TicketStore(database), new MappingStore(database),
            new SandboxStore(database), instance);
    }

    public abstract Task InitializeAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        foreach (var provider in _providers)
        {
            if (provider is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }
}

internal sealed record StorageInstance(BridgeDatabase Database, DeliveryStore Deliveries, TicketStore Tickets, MappingStore Mappings,
    SandboxStore Sandbox, BridgeInstance Identity);

/// <summary>A real SQLite file in a fresh folder.</summary>
public sealed class SqliteHarness : StorageHarness
{
    private readonly TempDirectory _directory = new();

    public string FilePath => _directory.File("bridge.db");

    protected override bool OneProcessPerDatabase => true;

    internal override StorageProvider CreateProvider() => new SqliteProvider(ConnectionString, _directory.Path);

    public override Task InitializeAsync()
    {
        ConnectionString = $"Data Source={FilePath}";
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}

/// <summary>A fresh database on the real PostgreSQL server of the run.</summary>
public sealed class PostgreSqlHarness : StorageHarness
{
    internal override StorageProvider CreateProvider() => new PostgreSqlProvider(ConnectionString);

    public override async Task InitializeAsync() => ConnectionString = await (await PostgreSqlServer.GetAsync()).CreateDatabaseAsync();
}
