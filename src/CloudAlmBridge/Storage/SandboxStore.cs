using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;

namespace CloudAlmBridge.Storage;

/// <summary>
/// The ServiceNow sandbox's records, one SQL text for every provider: rows of the bridge's own database, so that the
/// demo's incidents outlive a restart as the bridge's links to them do. A record is the ServiceNow JSON object, stored
/// whole; its <c>sys_id</c>, <c>number</c> and <c>correlation_id</c> are copied into columns for the look-ups.
/// </summary>
internal sealed class SandboxStore(BridgeDatabase database)
{
    private StorageProvider Provider => database.Provider;

    /// <summary>
    /// Takes the table's next number and stores the record <paramref name="build"/> makes with it, in one write: two
    /// creates never get the same number, and a number once given is never given again, also after a delete.
    /// </summary>
    public Task<JsonObject> CreateAsync(string table, Func<long, JsonObject> build, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // ServiceNow's demo data ends near INC0010000; new numbers continue from there.
            await using var next = connection.CreateCommand("""
                    INSERT INTO sandbox_numbers (table_name, last_number) VALUES (@table, 10001)
                    ON CONFLICT (table_name) DO UPDATE SET last_number = sandbox_numbers.last_number + 1
                    RETURNING last_number;
                    """, transaction)
                .Text("@table", table);
            var number = Convert.ToInt64(await next.ExecuteScalarAsync(CancellationToken.None), CultureInfo.InvariantCulture);

            var record = build(number);
            await using var insert = connection.CreateCommand("""
                    INSERT INTO sandbox_records (table_name, sys_id, number, correlation_id, record, created_at, updated_at)
                    VALUES (@table, @sysId, @number, @correlation, @record, @now, @now);
                    """, transaction)
                .Text("@table", table).Text("@sysId", Text(record, "sys_id")).Text("@number", Text(record, "number"))
                .Text("@correlation", Text(record, "correlation_id")).Text("@record", record.ToJsonString()).Time(Provider, "@now", now);
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
            return record;
        }, cancellationToken);

    public async Task<JsonObject?> FindAsync(string table, string sysId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT record FROM sandbox_records WHERE table_name = @table AND sys_id = @sysId;")
            .Text("@table", table).Text("@sysId", sysId);
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    }

    /// <summary>The table's records in the order they were created; only those with <paramref name="correlationId"/> when given.</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(string table, string? correlationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
                SELECT record FROM sandbox_records
                WHERE table_name = @table AND (@correlation IS NULL OR correlation_id = @correlation)
                ORDER BY number;
                """)
            .Text("@table", table).Text("@correlation", correlationId);
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>
    /// Changes a record in one write: <paramref name="change"/> edits the stored record in place, or returns why it
    /// refuses (then nothing is written). Answers the record as written, or the refusal; both null: no such record.
    /// </summary>
    public Task<(JsonObject? Record, string? Refusal)> UpdateAsync(string table, string sysId, Func<JsonObject, string?> change,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync<(JsonObject?, string?)>(async (connection, transaction) =>
        {
            // Read through an update that changes nothing: it takes the row's lock first (PostgreSQL), so two
            // instances changing one record never write over each other's change. SQLite's writer is one already.
            await using var read = connection.CreateCommand("""
                    UPDATE sandbox_records SET updated_at = updated_at WHERE table_name = @table AND sys_id = @sysId
                    RETURNING record;
                    """, transaction)
                .Text("@table", table).Text("@sysId", sysId);
            if (await read.ExecuteScalarAsync(CancellationToken.None) is not string stored || JsonNode.Parse(stored) is not JsonObject record)
            {
                return (null, null);
            }

            if (change(record) is { } refusal)
            {
                return (null, refusal);
            }

            await using var write = connection.CreateCommand("""
                    UPDATE sandbox_records SET record = @record, correlation_id = @correlation, updated_at = @now
                    WHERE table_name = @table AND sys_id = @sysId;
                    """, transaction)
                .Text("@table", table).Text("@sysId", sysId).Text("@record", record.ToJsonString())
                .Text("@correlation", Text(record, "correlation_id")).Time(Provider, "@now", now);
            await write.ExecuteNonQueryAsync(CancellationToken.None);
            return (record, null);
        }, cancellationToken);

    public Task<bool> DeleteAsync(string table, string sysId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand("DELETE FROM sandbox_records WHERE table_name = @table AND sys_id = @sysId;", transaction)
                .Text("@table", table).Text("@sysId", sysId);
            return await command.ExecuteNonQueryAsync(CancellationToken.None) > 0;
        }, cancellationToken);

    /// <summary>A field's text, as ServiceNow compares it (a number sent as JSON number reads as its digits).</summary>
    private static string? Text(JsonObject record, string field) => record[field]?.ToString() is { Length: > 0 } text ? text : null;

    private static async Task<List<JsonObject>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<JsonObject>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(JsonNode.Parse(reader.GetString(0))!.AsObject());
        }

        return records;
    }
}
