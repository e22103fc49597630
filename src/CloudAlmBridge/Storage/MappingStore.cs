using System.Data.Common;
using System.Globalization;

namespace CloudAlmBridge.Storage;

/// <summary>
/// Stored mappings, one SQL text for every provider. Every write first moves the one-row revision counter in its
/// transaction: that orders the writes of all instances and tells every instance that something changed.
/// </summary>
internal sealed class MappingStore(BridgeDatabase database) : IMappingStore
{
    private StorageProvider Provider => database.Provider;

    public async Task<(long Revision, IReadOnlyList<StoredMapping> Mappings)> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);

        // The revision first: a write that lands between the two reads moves it again, and the next check reloads.
        var revision = await RevisionAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand("SELECT name, document, version, revision, updated_at FROM mappings ORDER BY name_key;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var mappings = new List<StoredMapping>();
        while (await reader.ReadAsync(cancellationToken))
        {
            mappings.Add(new StoredMapping(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), Provider.ReadTime(reader, 4)));
        }

        return (revision, mappings);
    }

    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await RevisionAsync(connection, cancellationToken);
    }

    public Task<StoredMapping?> SaveAsync(string name, string document, long? expectedRevision, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // The counter first: its row lock queues concurrent mapping writes of every instance behind this one. A
            // write whose condition then fails leaves the counter moved, which only makes instances reload once.
            var revision = await NextRevisionAsync(connection, transaction);

            // One statement each, so that a concurrent writer cannot slip between the condition and the write.
            await using var command = connection.CreateCommand(expectedRevision switch
            {
                null => """
                        INSERT INTO mappings (name_key, name, document, version, revision, updated_at) VALUES (@key, @name, @document, 1, @revision, @now)
                        ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, document = excluded.document, version = mappings.version + 1,
                            revision = excluded.revision, updated_at = excluded.updated_at
                        RETURNING version;
                        """,
                0 => """
                        INSERT INTO mappings (name_key, name, document, version, revision, updated_at) VALUES (@key, @name, @document, 1, @revision, @now)
                        ON CONFLICT (name_key) DO NOTHING
                        RETURNING version;
                        """,
                _ => """
                        UPDATE mappings SET name = @name, document = @document, version = version + 1, revision = @revision, updated_at = @now
                        WHERE name_key = @key AND revision = @expected
                        RETURNING version;
                        """,
            }, transaction)
                .Text("@key", Key(name)).Text("@name", name).Text("@document", document).Int64("@revision", revision)
                .Time(Provider, "@now", now).Int64("@expected", expectedRevision ?? 0);
            var version = await command.ExecuteScalarAsync(CancellationToken.None);
            return version is null or DBNull
                ? null
                : new StoredMapping(name, document, Convert.ToInt64(version, CultureInfo.InvariantCulture), revision, now);
        }, cancellationToken);

    public Task<bool> DeleteAsync(string name, long? expectedRevision, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await NextRevisionAsync(connection, transaction);
            await using var command = connection.CreateCommand(expectedRevision is null
                    ? "DELETE FROM mappings WHERE name_key = @key;"
                    : "DELETE FROM mappings WHERE name_key = @key AND revision = @expected;", transaction)
                .Text("@key", Key(name)).Int64("@expected", expectedRevision ?? 0);
            return await command.ExecuteNonQueryAsync(CancellationToken.None) > 0;
        }, cancellationToken);

    /// <summary>Mapping names are ASCII and compared ignoring case (<c>Acme</c> and <c>acme</c> are one mapping).</summary>
    private static string Key(string name) => name.ToLowerInvariant();

    private static async Task<long> RevisionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand("SELECT revision FROM mapping_revision WHERE id = 1;");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Moves the counter; on PostgreSQL its row lock also queues concurrent mapping writes until this one commits.</summary>
    private static async Task<long> NextRevisionAsync(DbConnection connection, DbTransaction transaction)
    {
        await using var command = connection.CreateCommand("UPDATE mapping_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision;", transaction);
        return Convert.ToInt64(await command.ExecuteScalarAsync(CancellationToken.None), CultureInfo.InvariantCulture);
    }
}
