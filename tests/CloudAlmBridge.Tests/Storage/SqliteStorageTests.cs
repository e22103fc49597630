using CloudAlmBridge.Storage.Sqlite;
using CloudAlmBridge.Vocabulary;
using Microsoft.Data.Sqlite;

namespace CloudAlmBridge.Tests.Storage;

/// <summary>The storage compliance suite on a real SQLite file, and SQLite's own upgrade path.</summary>
public sealed class SqliteStorageTests : StorageComplianceTests
{
    protected override StorageHarness CreateHarness() => new SqliteHarness();

    [Fact]
    public async Task AFileOfSchemaVersion3_IsMigrated_KeepingItsDeliveriesAndMappings()
    {
        var harness = (SqliteHarness)Harness;
        var provider = new SqliteProvider(harness.ConnectionString, Path.GetDirectoryName(harness.FilePath)!);
        await using (var connection = new SqliteConnection(harness.ConnectionString))
        {
            // What a bridge of the previous version left: its three migrations, states as text, versions per mapping.
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = string.Join('\n', provider.Migrations.Take(3)) + """
                CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (3);
                INSERT INTO deliveries (subscription, situation_id, event_type, dedupe_key, body_hash, message, state, attempts, accepted_at, queued_at, next_attempt_at, lease_until)
                VALUES ('sub', 's1', 'EVENT-SITUATION.CREATED', 'k1', 'h1', '{}', 'DeadLettered', 3, '2026-11-30T10:00:00.0000000Z', '2026-11-30T10:00:00.0000000Z', '2026-11-30T10:00:00.0000000Z', NULL),
                       ('sub', 's2', 'EVENT-SITUATION.CREATED', 'k2', 'h2', '{}', 'Retrying', 1, '2026-11-30T10:00:00.0000000Z', '2026-11-30T10:00:00.0000000Z', '2026-11-30T10:05:00.0000000Z', '2026-11-30T10:01:00.0000000Z');
                INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, status_code, error, next_attempt_at)
                VALUES (1, '2026-11-30T10:00:00.0000000Z', 'Failed', 400, 'refused', NULL), (2, '2026-11-30T10:00:00.0000000Z', 'Failed', 503, 'down', '2026-11-30T10:05:00.0000000Z');
                INSERT INTO mappings (name, document, version, updated_at) VALUES ('Acme', '{"a":1}', 4, '2026-11-30T10:00:00.0000000Z');
                """;
            await command.ExecuteNonQueryAsync();
        }

        var instance = Harness.Instance("upgraded");
        var deliveries = await instance.Deliveries.ListAsync(null, "sub", null, 0, 10, CancellationToken.None);
        var (_, mappings) = await instance.Mappings.LoadAllAsync(CancellationToken.None);

        Assert.Equal([DeliveryState.DeadLettered, DeliveryState.Retrying], deliveries.Select(d => d.State));
        Assert.Equal([3, 1], deliveries.Select(d => d.Attempts));
        var attempts = await instance.Deliveries.GetAttemptsAsync(deliveries[1].Id, CancellationToken.None);
        Assert.Equal((AttemptOutcome.Failed, 503, "down"), (Assert.Single(attempts).Outcome, attempts[0].StatusCode, attempts[0].Error));

        // The rebuilt attempts still refer to the (rebuilt) deliveries: SQLite enforces it.
        await using (var connection = new SqliteConnection(harness.ConnectionString))
        {
            await connection.OpenAsync();
            await using var orphan = connection.CreateCommand();
            orphan.CommandText = "INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome) VALUES (999, 'x', 'Failed');";
            Assert.Equal(19, Assert.Throws<SqliteException>(() => orphan.ExecuteNonQuery()).SqliteErrorCode);
        }

        var mapping = Assert.Single(mappings);
        Assert.Equal(("Acme", 4L), (mapping.Name, mapping.Version));
        Assert.True(await instance.Mappings.DeleteAsync("acme", mapping.Revision, CancellationToken.None));
    }

    [Fact]
    public async Task AWriteThatFailsInABatch_IsUndoneAlone_InTheFileAndInMemory_AndTheOthersOfItsBatchAreCommitted()
    {
        var database = Harness.Instance("writer").Database;
        var undone = new List<string>();
        await database.InitializeAsync(CancellationToken.None);

        // The first write holds the one writer until the others are queued, so that they share the next batch.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = database.WriteAsync(async (connection, transaction) =>
        {
            await gate.Task;
            return await InsertKeyAsync(connection, transaction, "first");
        }, CancellationToken.None);
        var before = database.WriteAsync((connection, transaction) =>
        {
            // What a write keeps in memory beside the file (the inbox's keys) is undone only if the write is.
            database.OnUndo(() => undone.Add("before"));
            return InsertKeyAsync(connection, transaction, "before");
        }, CancellationToken.None);
        var failing = database.WriteAsync(async (connection, transaction) =>
        {
            await InsertKeyAsync(connection, transaction, "half-done");
            database.OnUndo(() => undone.Add("half-done"));
            return await InsertKeyAsync(connection, transaction, "before");
        }, CancellationToken.None);
        var after = database.WriteAsync((connection, transaction) => InsertKeyAsync(connection, transaction, "after"), CancellationToken.None);
        gate.SetResult();

        // Bounded, so that a writer that never completes them fails the test instead of hanging the run.
        await Task.WhenAll(first, before, after).WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<SqliteException>(() => failing.WaitAsync(TimeSpan.FromSeconds(30)));
        await using var read = new SqliteConnection(Harness.ConnectionString);
        await read.OpenAsync();
        await using var command = read.CreateCommand();
        command.CommandText = "SELECT name FROM data_protection_keys ORDER BY name;";
        var names = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        // The failing write's first insert went with it; the writes around it stand.
        Assert.Equal(["after", "before", "first"], names);
        Assert.Equal(["half-done"], undone);
    }

    private static async Task<int> InsertKeyAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string name)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO data_protection_keys (name, xml) VALUES (@name, '<key/>');";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@name";
        parameter.Value = name;
        command.Parameters.Add(parameter);
        return await command.ExecuteNonQueryAsync();
    }
}
