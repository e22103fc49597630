using System.Data.Common;
using System.Globalization;

namespace CloudAlmBridge.Storage;

/// <summary>
/// The bridge's database, whichever the provider: opens connections and brings the schema to the provider's newest
/// version once per process, inside the provider's schema lock, so instances that start together do not race.
/// </summary>
internal sealed class BridgeDatabase(StorageProvider provider)
{
    private readonly SemaphoreSlim _initialization = new(1, 1);
    private volatile bool _initialized;

    public StorageProvider Provider => provider;

    /// <summary>The newest schema version this bridge knows for its provider.</summary>
    public int SchemaVersion => provider.Migrations.Count;

    /// <summary>Opens a connection on an initialized database; the first call creates or migrates the schema.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }

        var connection = provider.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await provider.ConnectionOpenedAsync(connection, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return connection;
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

            await provider.PrepareAsync(cancellationToken);
            await using var connection = provider.CreateConnection();
            await connection.OpenAsync(cancellationToken);

            await using var transaction = await provider.BeginSchemaTransactionAsync(connection, cancellationToken);
            await using (var create = connection.CreateCommand("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", transaction))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var current = await CurrentVersionAsync(connection, transaction, cancellationToken);
            if (current > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The {provider.Name} database {provider.Location} has schema version {current}, newer than this bridge's {SchemaVersion}: upgrade the bridge.");
            }

            for (var version = current + 1; version <= SchemaVersion; version++)
            {
                await using var migrate = connection.CreateCommand(provider.Migrations[version - 1], transaction);
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

    private async Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand("SELECT MAX(version) FROM schema_version;", transaction);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull or null
            ? await provider.UnversionedSchemaAsync(connection, transaction, cancellationToken)
            : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }
}
