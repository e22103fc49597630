using CloudAlmBridge.Storage.Sqlite;
using CloudAlmBridge.Tickets;
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
        Assert.Equal((DeliveryState.Failed, 503, "down"), (Assert.Single(attempts).Outcome, attempts[0].StatusCode, attempts[0].Error));

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
}
