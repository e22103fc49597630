using System.Data.Common;
using CloudAlmBridge.Vocabulary;
using Npgsql;

namespace CloudAlmBridge.Tests.Storage;

/// <summary>The storage compliance suite on a real PostgreSQL 15 server, and what only a shared database has to do.</summary>
public sealed class PostgreSqlStorageTests : StorageComplianceTests
{
    protected override StorageHarness CreateHarness() => new PostgreSqlHarness();

    [Fact]
    public async Task ASituationLockedByOneInstance_WaitsForItOnAnother_AndNotForOtherSituations()
    {
        var a = Harness.Instance("a").Tickets;
        var b = Harness.Instance("b").Tickets;
        await a.InitializeAsync(CancellationToken.None);

        var held = await a.LockSituationAsync("sub", "s1", CancellationToken.None);
        var waiting = b.LockSituationAsync("sub", "s1", CancellationToken.None);
        await using (await b.LockSituationAsync("sub", "s2", CancellationToken.None))
        {
            // Another situation is free at once, while the server shows the first one's second holder waiting.
        }

        await WaitForWaitingAdvisoryLockAsync();
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();
        await using var second = await waiting;
    }

    [Fact]
    public async Task ASituationLock_IsReleasedByTheServer_WhenItsHoldersConnectionDies()
    {
        var a = Harness.Instance("a").Tickets;
        var b = Harness.Instance("b").Tickets;
        await a.InitializeAsync(CancellationToken.None);
        _ = await a.LockSituationAsync("sub", "s1", CancellationToken.None);
        var waiting = b.LockSituationAsync("sub", "s1", CancellationToken.None);
        await WaitForWaitingAdvisoryLockAsync();

        // As if instance a were SIGKILLed: its backends end, and with them its locks.
        await using (var admin = new NpgsqlConnection(Harness.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid();", admin);
            await kill.ExecuteNonQueryAsync();
        }

        await using var taken = await waiting;
    }

    protected override async Task AssertWrittenInOneTransactionAsync(long deliveryId, string subscription, string situationId)
    {
        // Rows written by one transaction carry its id as xmin.
        await using var connection = new NpgsqlConnection(Harness.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT xmin::text FROM deliveries WHERE id = @id),
                   (SELECT xmin::text FROM delivery_attempts WHERE delivery_id = @id),
                   (SELECT xmin::text FROM ticket_links WHERE subscription = @subscription AND situation_id = @situation);
            """, connection);
        command.Parameters.AddWithValue("id", deliveryId);
        command.Parameters.AddWithValue("subscription", subscription);
        command.Parameters.AddWithValue("situation", situationId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (delivery, attempt, link) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        Assert.Equal(delivery, attempt);
        Assert.Equal(delivery, link);
    }

    [Fact]
    public async Task ConcurrentAccepts_AreGroupCommitted_EachStoredOnce_AndADuplicateInTheSameBatchAnsweredWithTheOriginal()
    {
        // Issue 21, item 4: accepts that arrive together share a statement and a flush. Rows written by one
        // transaction share its xmin, so the count of distinct xmins is the count of commits that stored them.
        var store = Harness.Instance("a").Deliveries;
        var events = Enumerable.Range(0, 200).Select(i => Event($"storm-{i}", $"u{i}")).ToList();
        var repeats = events.Take(20).ToList();
        using var start = new ManualResetEventSlim();
        var accepts = events.Concat(repeats).Select(e => Task.Run(async () =>
        {
            start.Wait();
            return (Event: e, Result: await store.AcceptAsync(e, CancellationToken.None));
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(accepts);

        Assert.Equal(200, results.Count(r => !r.Result.IsDuplicate));
        Assert.Equal(20, results.Count(r => r.Result.IsDuplicate));
        foreach (var group in results.GroupBy(r => r.Event.SituationId))
        {
            // The original and its repeat name one delivery, whichever of the two came first.
            Assert.Single(group.Select(r => r.Result.Delivery.Id).Distinct());
        }

        await using var connection = new NpgsqlConnection(Harness.ConnectionString);
        await connection.OpenAsync();
        // Issue 21, item 1: an accept appends its message to the inbox and writes no state row.
        await using var rows = new NpgsqlCommand("SELECT COUNT(*), COUNT(DISTINCT xmin::text), (SELECT COUNT(*) FROM deliveries) FROM inbox;", connection);
        await using var reader = await rows.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(200L, reader.GetInt64(0));
        Assert.True(reader.GetInt64(1) < 100, $"200 concurrent accepts took {reader.GetInt64(1)} commits: they were not grouped.");
        Assert.Equal(0L, reader.GetInt64(2));
    }

    [Fact]
    public async Task AnEventThatFailsInsideABatch_FailsAlone_AndTheOthersOfItsBatchAreStored()
    {
        // PostgreSQL refuses a NUL character in text (the message is bytes, the situation id text): that one accept
        // fails, its batch is tried event by event.
        var store = Harness.Instance("a").Deliveries;
        var events = Enumerable.Range(0, 60).Select(i => Event($"batch-{i}", $"u{i}")).ToList();
        events[30] = events[30] with { SituationId = "batch-\0" };
        using var start = new ManualResetEventSlim();
        var accepts = events.Select(e => Task.Run(async () =>
        {
            start.Wait();
            return await store.AcceptAsync(e, CancellationToken.None);
        })).ToList();
        start.Set();

        await Assert.ThrowsAnyAsync<DbException>(() => accepts[30]);
        Assert.All(accepts.Where((_, index) => index != 30), accept => Assert.False(accept.Result.IsDuplicate));
        Assert.Equal(59, (await store.ListAsync(null, "sub", null, 0, 100, CancellationToken.None)).Count);
    }

    private static NewDelivery Event(string situation, string dedupe) =>
        new("sub", situation, "EVENT-SITUATION.CREATED", dedupe, dedupe, $"{{\"situation\":\"{situation}\"}}",
            new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero));

    private async Task WaitForWaitingAdvisoryLockAsync()
    {
        await using var connection = new NpgsqlConnection(Harness.ConnectionString);
        await connection.OpenAsync();
        for (var i = 0; i < 200; i++)
        {
            await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted;", connection);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("The second holder never waited for the situation's advisory lock.");
    }
}
