using System.Collections.Immutable;
using System.Data.Common;
using CloudAlmBridge.Health;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Storage;

namespace CloudAlmBridge.Mappings;

/// <summary>
/// The mappings put over REST, compiled and cached in memory. Every change goes to the store first, then here; changes
/// of other instances are picked up when the store's revision moves (<see cref="RefreshAsync"/>, at least every second
/// by <see cref="StoredMappingsRefresher"/>, and before every mapping management call).
/// </summary>
internal sealed class StoredMappings(IMappingStore store, ILogger<StoredMappings> logger)
{
    private readonly Lock _loadLock = new();

    // Writes and reloads of this instance one at a time, so the cache changes in the order the store did.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;

    public IReadOnlyCollection<MappingEntry> All => Current.Entries.Values.ToList();

    public bool Contains(string name) => Current.Entries.ContainsKey(name);

    /// <summary>The entry in force; a delivery keeps the one it started with even if a newer one arrives meanwhile.</summary>
    public MappingEntry? Find(string name) => Current.Entries.GetValueOrDefault(name);

    /// <summary>Stores a compiled document; null when <paramref name="expectedRevision"/> no longer holds.</summary>
    public async Task<MappingEntry?> SaveAsync(string name, string json, MappingDocument document, long? expectedRevision,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var stored = await store.SaveAsync(name, json, expectedRevision, now, cancellationToken);
            if (stored is null)
            {
                return null;
            }

            var entry = new MappingEntry(stored.Name, MappingOrigin.Api, json, document, stored.Version, stored.UpdatedAt, stored.Revision);
            Replace(entries => entries.SetItem(name, entry));
            return entry;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> DeleteAsync(string name, long? expectedRevision, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var deleted = await store.DeleteAsync(name, expectedRevision, cancellationToken);
            if (deleted)
            {
                Replace(entries => entries.Remove(name));
            }

            return deleted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reloads every stored mapping when another writer (on any instance) moved the store's revision.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var known = Current.Revision;
        if (await store.GetRevisionAsync(cancellationToken) == known)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var (revision, mappings) = await store.LoadAllAsync(cancellationToken);
            if (revision != Current.Revision)
            {
                _snapshot = Compile(revision, mappings);
                MappingLog.StoredMappingsReloaded(logger, mappings.Count, revision);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private Snapshot Current
    {
        get
        {
            if (_snapshot is { } snapshot)
            {
                return snapshot;
            }

            lock (_loadLock)
            {
                // Loaded on first use, which is the configuration's validation at start: before any request.
                if (_snapshot is null)
                {
                    var (revision, mappings) = store.LoadAllAsync(CancellationToken.None).GetAwaiter().GetResult();
                    _snapshot = Compile(revision, mappings);
                }

                return _snapshot;
            }
        }
    }

    /// <summary>
    /// A write of this instance: the cache changes at once. The revision stays, so the next refresh reloads (and picks
    /// up whatever other instances wrote in between).
    /// </summary>
    private void Replace(Func<ImmutableDictionary<string, MappingEntry>, ImmutableDictionary<string, MappingEntry>> change)
    {
        var current = Current;
        _snapshot = current with { Entries = change(current.Entries) };
    }

    private Snapshot Compile(long revision, IReadOnlyList<StoredMapping> mappings)
    {
        var entries = ImmutableDictionary.CreateBuilder<string, MappingEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var stored in mappings)
        {
            var compilation = MappingDocument.Compile(stored.Document);
            if (compilation.Document is null)
            {
                // Stored under an older, more lenient bridge: keep it out of service rather than refuse to start.
                MappingLog.StoredMappingInvalid(logger, stored.Name, string.Join("; ", compilation.Errors));
                continue;
            }

            entries[stored.Name] = new MappingEntry(stored.Name, MappingOrigin.Api, stored.Document, compilation.Document, stored.Version,
                stored.UpdatedAt, stored.Revision);
        }

        return new Snapshot(revision, entries.ToImmutable());
    }

    private sealed record Snapshot(long Revision, ImmutableDictionary<string, MappingEntry> Entries);
}

/// <summary>Keeps every instance's stored mappings within a second or two of the database's (docs/api.md §4: a PUT is in force everywhere within 2 s).</summary>
internal sealed class StoredMappingsRefresher(StoredMappings mappings, IHostApplicationLifetime lifetime, ILogger<StoredMappingsRefresher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunLoopAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            BackgroundFailure.StopTheHost(lifetime, logger, "stored mappings refresher", exception);
        }
    }

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await mappings.RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is DbException or IOException or TimeoutException)
            {
                // The storage is away for a moment: the mappings in force stay; readiness reports the storage.
                MappingLog.RefreshFailed(logger, exception.Message);
            }
        }
    }
}
