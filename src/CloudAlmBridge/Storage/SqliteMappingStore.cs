namespace CloudAlmBridge.Storage;

internal sealed class SqliteMappingStore(SqliteDatabase database) : IMappingStore
{
    public async Task<IReadOnlyList<StoredMapping>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, document, version, updated_at FROM mappings ORDER BY name;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var mappings = new List<StoredMapping>();
        while (await reader.ReadAsync(cancellationToken))
        {
            mappings.Add(new StoredMapping(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), SqliteDatabase.ParseTime(reader.GetString(3))));
        }

        return mappings;
    }

    public async Task<StoredMapping?> SaveAsync(string name, string document, long? expectedVersion, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // One statement each, so that a concurrent writer cannot slip between a check and the write.
        command.CommandText = expectedVersion switch
        {
            null => """
                INSERT INTO mappings (name, document, version, updated_at) VALUES ($name, $document, 1, $now)
                ON CONFLICT (name) DO UPDATE SET document = excluded.document, version = mappings.version + 1, updated_at = excluded.updated_at
                RETURNING name, version;
                """,
            0 => """
                INSERT INTO mappings (name, document, version, updated_at) VALUES ($name, $document, 1, $now)
                ON CONFLICT (name) DO NOTHING
                RETURNING name, version;
                """,
            _ => """
                UPDATE mappings SET document = $document, version = version + 1, updated_at = $now
                WHERE name = $name AND version = $expected
                RETURNING name, version;
                """,
        };
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$document", document);
        command.Parameters.AddWithValue("$now", SqliteDatabase.FormatTime(now));
        command.Parameters.AddWithValue("$expected", expectedVersion ?? 0);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredMapping(reader.GetString(0), document, reader.GetInt64(1), now)
            : null;
    }

    public async Task<bool> DeleteAsync(string name, long? expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = expectedVersion is null
            ? "DELETE FROM mappings WHERE name = $name;"
            : "DELETE FROM mappings WHERE name = $name AND version = $expected;";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$expected", expectedVersion ?? 0);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
