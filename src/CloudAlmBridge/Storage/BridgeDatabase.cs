using System.Data.Common;
using System.Globalization;

namespace CloudAlmBridge.Storage;

/// <summary>
/// The bridge's database, whichever the provider: opens connections and brings the schema to the provider's newest
/// version once per process, inside the provider's schema lock, so instances that start together do not race.
/// </summary>
internal sealed class BridgeDatabase : IAsyncDisposable
{
    private readonly StorageProvider _provider;
    private readonly SemaphoreSlim _initialization = new(1, 1);
    private readonly WriteQueue? _writes;
    private volatile bool _initialized;

    public BridgeDatabase(StorageProvider provider, SchemaMigrationPolicy? policy = null)
    {
        _provider = provider;
        MayMigrate = policy?.MayMigrate ?? true;
        _writes = provider.TakesOneWriterAtATime ? new WriteQueue(this, Keys.Forget) : null;
    }

    public StorageProvider Provider => _provider;

    /// <summary>The newest schema version this bridge knows for its provider.</summary>
    public int SchemaVersion => _provider.Migrations.Count;

    /// <summary>Opens a connection on an initialized database; the first call creates or migrates the schema.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }

        var connection = _provider.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return connection;
    }

    /// <summary>
    /// Runs a write in a transaction and returns once it is committed. Where the database takes one writer at a time
    /// (SQLite), writes of the whole process are group-committed by one writer (<see cref="WriteQueue"/>); elsewhere
    /// each runs in a transaction of its own on a pooled connection, side by side with other writers.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_writes is not null)
        {
            return await _writes.EnqueueAsync(work, cancellationToken);
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Inside a write of the one writer (<see cref="TakesOneWriter"/>): <paramref name="undo"/> runs if the write is
    /// not committed after all.
    /// </summary>
    public void OnUndo(Action undo) =>
        (_writes ?? throw new InvalidOperationException("Only the one writer keeps state beside the file.")).OnUndo(undo);

    /// <summary>
    /// The inbox's dedupe keys, where one writer in this process is the only writer of the file: read and changed only
    /// inside its writes (<see cref="InboxKeys"/>).
    /// </summary>
    public InboxKeys Keys { get; } = new();

    public bool TakesOneWriter => _writes is not null;

    public async ValueTask DisposeAsync()
    {
        if (_writes is not null)
        {
            await _writes.DisposeAsync();
        }
    }

    /// <summary>Idempotent: creates the schema, or migrates an older one step by step, all in one transaction.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initialization.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            await _provider.PrepareAsync(cancellationToken);
            await using var connection = _provider.CreateConnection();
            await connection.OpenAsync(cancellationToken);

            await using var transaction = await _provider.BeginSchemaTransactionAsync(connection, cancellationToken);
            await using (var create = connection.CreateCommand("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", transaction))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var current = await CurrentVersionAsync(connection, transaction, cancellationToken);
            if (current > SchemaVersion)
            {
                throw new SchemaTooNewException($"{_provider.Name} {_provider.Location}", current, SchemaVersion);
            }

            if (current < SchemaVersion && !MayMigrate)
            {
                throw new SchemaNotMigratedException($"{_provider.Name} {_provider.Location}", current, SchemaVersion);
            }

            for (var version = current + 1; version <= SchemaVersion; version++)
            {
                await using var migrate = connection.CreateCommand(_provider.Migrations[version - 1], transaction);
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }

            if (current < SchemaVersion)
            {
                await using var record = connection.CreateCommand("DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES (@version);", transaction)
                    .Int32("@version", SchemaVersion);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initialization.Release();
        }
    }

    /// <summary>
    /// The schema version the database holds, changing nothing (for <c>--check</c>): null when it holds no versioned
    /// schema yet, which the next start creates or migrates.
    /// </summary>
    public async Task<int?> StoredSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await _provider.PrepareAsync(cancellationToken);
        await using var connection = _provider.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using (var exists = connection.CreateCommand(_provider.TableExistsStatement).Text("@table", "schema_version"))
        {
            if (Convert.ToInt32(await exists.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
            {
                // A new database, or one from before versioning.
                return null;
            }
        }

        await using var command = connection.CreateCommand("SELECT MAX(version) FROM schema_version;");
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull or null ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Off for <c>--check</c> (<see cref="SchemaMigrationPolicy"/>): it looks at the database and must change nothing, so
    /// a schema that is not this bridge's version is not migrated there but refused
    /// (<see cref="SchemaNotMigratedException"/>) wherever the check would need it.
    /// </summary>
    public bool MayMigrate { get; }

    private async Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand("SELECT MAX(version) FROM schema_version;", transaction);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull or null
            ? await _provider.UnversionedSchemaAsync(connection, transaction, cancellationToken)
            : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }
}
