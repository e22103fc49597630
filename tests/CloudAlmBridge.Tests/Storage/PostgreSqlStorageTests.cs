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
