using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using Npgsql;

namespace CloudAlmBridge.Tests.Storage;

/// <summary>
/// The storage on a bad day, as an operator meets it: a SQLite disk that fills up, a PostgreSQL server that stops and
/// starts again, a table locked for longer than a store may take, more calls than may wait for the storage. Each is
/// answered 503 with Retry-After and "nothing was accepted", readiness follows whether an event can be stored now, and
/// each outage is logged once when it begins and once when it ends.
/// </summary>
public sealed class StorageOutageTests : IDisposable
{
    private const string Began = "The storage cannot take events now";
    private const string Ended = "The storage takes events again after";
    private readonly WireMock.Server.WireMockServer _serviceNow = WireMock.Server.WireMockServer.Start();
    private readonly TempDirectory _directory = new();

    public StorageOutageTests()
    {
        _serviceNow.AnswersLookup();
        _serviceNow.AnswersCreate("0utage01", "INC0090001");
    }

    [Fact]
    public async Task OnSqlite_AFullDisk_RefusesEventsWith503_ReadinessStaysUnhealthy_UntilThereIsRoom_AndTheOutageIsLoggedOnce()
    {
        using var disk = new TmpfsDirectory(megabytes: 4);
        var settings = TestSettings.ForServiceNow(_serviceNow.Url!, disk.File("bridge.db"));
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        var filler = disk.Fill();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 2000 && refused is null; i++)
        {
            var answer = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
            refused = answer.StatusCode == HttpStatusCode.ServiceUnavailable ? answer : null;
        }

        Assert.NotNull(refused);
        await AssertRefusedAsync(refused, "The bridge cannot store events now; nothing was accepted.");
        var again = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);

        // Unhealthy, and it stays so: the dispatcher keeps polling (every 50 ms here) and its empty claims change no page.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Contains("bridge_storage_up{otel_scope_name=\"CloudAlmBridge\"} 0", await anonymous.GetStringAsync("/metrics"), StringComparison.Ordinal);

        File.Delete(filler);
        await Polling.WaitUntilAsync(async () => (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "ready once there is room");
        Assert.Equal(HttpStatusCode.Accepted, (await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()))).StatusCode);

        AssertLoggedOnce(factory, minimumRefused: 2);
    }

    [Fact]
    public async Task OnPostgreSql_AStoppedServer_IsAnswered503OnEveryRoute_UntilItIsBack_AndTheOutageIsLoggedOnce()
    {
        using var cluster = await PostgreSqlServer.StartPrivateClusterAsync();
        var settings = TestSettings.ForServiceNow(_serviceNow.Url!, "unused.db");
        settings["Bridge:Storage:Provider"] = "PostgreSql";
        settings["Bridge:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync("outage");
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        using var anonymous = factory.CreateClient();
        var situation = Events.NewSituationId();
        Assert.Equal(HttpStatusCode.Accepted, (await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", situation))).StatusCode);

        await cluster.PauseAsync();
        try
        {
            await AssertRefusedAsync(await events.PostEventAsync(TestSettings.Subscription, Events.Message("updated", situation)),
                "The bridge cannot store events now; nothing was accepted.");
            await AssertRefusedAsync(await events.GetAsync($"/api/v1/events/{TestSettings.Subscription}/{situation}"),
                "The bridge's storage cannot serve now; nothing was changed.");
            await AssertRefusedAsync(await admin.GetAsync("/api/v1/deliveries"), "The bridge's storage cannot serve now; nothing was changed.");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready")).StatusCode);
        }
        finally
        {
            await cluster.ResumeAsync();
        }

        // Connections broken by the restart are dropped by the pool; the next calls get new ones.
        await Polling.WaitUntilAsync(async () => (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "ready once the server is back");
        await Polling.WaitUntilAsync(async () => (await events.PostEventAsync(TestSettings.Subscription, Events.Message("updated", situation))).StatusCode
            == HttpStatusCode.Accepted, "the event accepted once the server is back");

        AssertLoggedOnce(factory, minimumRefused: 3);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task AStorageLockedLongerThanStoreTimeout_Is503_AndAResendAfterwardsIsOneDelivery(string provider)
    {
        var (settings, locker) = await LockableStorageAsync(provider);
        settings["Bridge:Inbound:StoreTimeout"] = "00:00:01";
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var situation = Events.NewSituationId();
        Assert.Equal(HttpStatusCode.Accepted, (await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", situation))).StatusCode);

        var started = DateTime.UtcNow;
        HttpResponseMessage refused;
        await using (await locker())
        {
            refused = await events.PostEventAsync(TestSettings.Subscription, Events.Message("updated", situation));
        }

        await AssertRefusedAsync(refused, "within 00:00:01 (Bridge:Inbound:StoreTimeout)");
        Assert.Contains("may or may not have been stored", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "answered at the store timeout, not at the lock's end");

        // Cloud ALM sends it again: one delivery for the message, whether the first try was stored or not.
        HttpResponseMessage resent = null!;
        await Polling.WaitUntilAsync(async () =>
        {
            resent = await events.PostEventAsync(TestSettings.Subscription, Events.Message("updated", situation));
            return resent.StatusCode != HttpStatusCode.ServiceUnavailable;
        }, "the resend accepted once the lock is gone");
        Assert.True(resent.IsSuccessStatusCode, $"{resent.StatusCode}");
        var history = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{TestSettings.Subscription}/{situation}")).GetProperty("events")
            .EnumerateArray().Where(d => d.GetProperty("eventType").GetString() == "EVENT-SITUATION.UPDATED").ToList();
        Assert.Single(history);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task MoreCallsThanMayWaitForTheStorage_AreAnswered503AtOnce(string provider)
    {
        var (settings, locker) = await LockableStorageAsync(provider);
        settings["Bridge:Inbound:StoreTimeout"] = "00:00:04";
        settings["Bridge:Inbound:MaxConcurrentStores"] = "2";
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        Assert.Equal(HttpStatusCode.Accepted, (await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()))).StatusCode);

        List<HttpResponseMessage> busy = [];
        List<TimeSpan> busyAfter = [];
        Task<HttpResponseMessage[]> waiting;
        await using (await locker())
        {
            // Two stores wait on the lock; the others find no room to wait.
            waiting = Task.WhenAll(Enumerable.Range(0, 2).Select(_ => events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()))));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            for (var i = 0; i < 4; i++)
            {
                var sent = DateTime.UtcNow;
                busy.Add(await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId())));
                busyAfter.Add(DateTime.UtcNow - sent);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var waited = await waiting;
        Assert.All(busy, b => Assert.Equal(HttpStatusCode.ServiceUnavailable, b.StatusCode));
        await AssertRefusedAsync(busy[0], "2 events are being stored already (Bridge:Inbound:MaxConcurrentStores)");
        Assert.All(busyAfter, t => Assert.True(t < TimeSpan.FromSeconds(2), $"answered after {t}, not at once"));
        Assert.All(waited, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
    }

    /// <summary>
    /// Settings on a fresh database of the provider, and a way to lock its inbox and deliveries for as long as the test holds the
    /// lock: PostgreSQL's exclusive table lock (a long migration, a stuck session), SQLite's write lock taken by another
    /// connection (a backup tool, an operator's shell).
    /// </summary>
    private async Task<(Dictionary<string, string?> Settings, Func<Task<IAsyncDisposable>> Lock)> LockableStorageAsync(string provider)
    {
        var settings = TestSettings.ForServiceNow(_serviceNow.Url!, _directory.File($"{Guid.NewGuid():N}.db"));
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        if (provider == "Sqlite")
        {
            var file = settings["Bridge:Storage:ConnectionString"]!;
            return (settings, async () =>
            {
                var connection = new Microsoft.Data.Sqlite.SqliteConnection(file);
                await connection.OpenAsync();
                await using (var begin = connection.CreateCommand())
                {
                    begin.CommandText = "BEGIN IMMEDIATE;";
                    await begin.ExecuteNonQueryAsync();
                }

                return new Held(async () =>
                {
                    await using (var rollback = connection.CreateCommand())
                    {
                        rollback.CommandText = "ROLLBACK;";
                        await rollback.ExecuteNonQueryAsync();
                    }

                    await connection.DisposeAsync();
                });
            }
            );
        }

        var connectionString = await (await PostgreSqlServer.GetAsync()).CreateDatabaseAsync();
        settings["Bridge:Storage:Provider"] = "PostgreSql";
        settings["Bridge:Storage:ConnectionString"] = connectionString;
        return (settings, async () =>
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("LOCK TABLE inbox, deliveries IN ACCESS EXCLUSIVE MODE;", connection, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }

            return new Held(async () =>
            {
                await transaction.RollbackAsync();
                await connection.DisposeAsync();
            });
        }
        );
    }

    public void Dispose()
    {
        _serviceNow.Stop();
        _serviceNow.Dispose();
        _directory.Dispose();
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage answer, string detail)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), answer.Headers.RetryAfter?.Delta);
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Storage unavailable", problem.GetProperty("title").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>One line when it began, one when it ended (with the calls refused), and no stack trace at Warning or above.</summary>
    private static void AssertLoggedOnce(BridgeFactory factory, int minimumRefused)
    {
        var lines = factory.Logs.Lines.ToList();
        Assert.Single(lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains(Began, StringComparison.Ordinal));
        var ended = Assert.Single(lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(Ended, StringComparison.Ordinal));
        var refused = long.Parse(System.Text.RegularExpressions.Regex.Match(ended, @"Refused=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(refused >= minimumRefused, ended);
        Assert.DoesNotContain(lines, l => (l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal))
                                          && l.Contains("\n   at ", StringComparison.Ordinal));
    }

    private sealed class Held(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }
}
