using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using Npgsql;

namespace CloudAlmBridge.Tests.Storage;

/// <summary>
/// Readiness says whether an event could be stored now, not only whether the database reads: a database that stops
/// taking writes (a full disk, a read-only failover) makes the bridge not ready until writes succeed again.
/// </summary>
public sealed class ReadinessTests(PostgreSqlBridgeFixture bridge) : IClassFixture<PostgreSqlBridgeFixture>
{
    [Fact]
    public async Task ADatabaseThatTakesNoWrites_MakesTheBridgeNotReady_UntilWritesSucceedAgain()
    {
        using var events = bridge.EventsClient();
        using var anonymous = bridge.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        await SetReadOnlyAsync(true);
        try
        {
            // A read-only database (a failover's standby) is an outage like any other: 503, try again, nothing accepted.
            var refused = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("nothing was accepted", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await Polling.WaitUntilAsync(async () => (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable,
                "readiness 503 while nothing can be written");
            var ready = await anonymous.GetAsync("/health/ready");
            var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        }
        finally
        {
            await SetReadOnlyAsync(false);
        }

        // The next readiness probe writes again.
        await Polling.WaitUntilAsync(async () => (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "ready again");
    }

    private async Task SetReadOnlyAsync(bool readOnly)
    {
        var database = new NpgsqlConnectionStringBuilder(bridge.ConnectionString).Database;
        await using (var connection = new NpgsqlConnection(bridge.ConnectionString))
        {
            await connection.OpenAsync();
            // This session itself may have started read-only: it opts out first, in a statement of its own.
            await using (var writable = new NpgsqlCommand("SET SESSION default_transaction_read_only = off;", connection))
            {
                await writable.ExecuteNonQueryAsync();
            }

            await using (var command = new NpgsqlCommand($"ALTER DATABASE {database} SET default_transaction_read_only = {(readOnly ? "on" : "off")};", connection))
            {
                await command.ExecuteNonQueryAsync();
            }

            // New sessions take the setting: the bridge's open ones are ended, as a failover would.
            await using var terminate = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid();", connection);
            await terminate.ExecuteNonQueryAsync();
        }
    }
}
