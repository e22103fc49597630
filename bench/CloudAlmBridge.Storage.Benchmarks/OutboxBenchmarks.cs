using BenchmarkDotNet.Attributes;
using CloudAlmBridge.Storage.Sqlite;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Storage.Benchmarks;

/// <summary>
/// The outbox's hot paths on a real SQLite file (WAL, synchronous commits): accepting an event alone, accepting 64 at
/// once (group commit), and the whole life of a delivery in the store (accept, claim, complete with its attempt).
/// </summary>
[MemoryDiagnoser]
public class OutboxBenchmarks
{
    private const int Concurrent = 64;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private string _folder = null!;
    private BridgeDatabase _database = null!;
    private DeliveryStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("outbox-bench").FullName;
        _database = new BridgeDatabase(new SqliteProvider($"Data Source={Path.Combine(_folder, "bridge.db")}", _folder));
        _store = new DeliveryStore(_database, new BridgeInstance("bench"));
        _database.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "accept one event (its own commit)")]
    public Task AcceptOne() => _store.AcceptAsync(New(), CancellationToken.None);

    [Benchmark(Description = "accept 64 events at once (group commit), per event", OperationsPerInvoke = Concurrent)]
    public Task AcceptConcurrently() => Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => _store.AcceptAsync(New(), CancellationToken.None)));

    [Benchmark(Description = "accept, claim and complete, 16 at once, per delivery", OperationsPerInvoke = 16)]
    public async Task Lifecycle()
    {
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _store.AcceptAsync(New(), CancellationToken.None)));
        var claimed = await _store.ClaimDueAsync(Now.AddDays(1), Now.AddDays(2), 16, CancellationToken.None);
        await Task.WhenAll(claimed.Select(d => _store.CompleteAttemptAsync(d.Claim,
            new DeliveryAttempt(Now, AttemptOutcome.Delivered, 201, null, null), DeliveryState.Delivered, "Create", true, null, CancellationToken.None)));
    }

    private static NewDelivery New()
    {
        var situation = Guid.NewGuid().ToString("N");
        return new NewDelivery("bench", situation, "EVENT-SITUATION.CREATED", $"updateTime:{situation}", situation,
            "{\"resourceType\":\"EVENT-SITUATION\",\"eventType\":\"EVENT-SITUATION.CREATED\",\"resource\":{\"id\":\"" + situation + "\",\"subject\":\"bench\"}}", Now);
    }
}
