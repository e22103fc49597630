using System.Collections.Concurrent;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Storage;

namespace CloudAlmBridge.Mappings;

/// <summary>
/// The mappings put over REST, compiled and cached in memory; every change goes to the store first, then here.
/// </summary>
internal sealed class StoredMappings(IMappingStore store, ILogger<StoredMappings> logger)
{
    private readonly Lock _loadLock = new();

    // Writes of this instance one at a time, so the cache changes in the order the store did (versions restart at 1
    // after a delete, so they cannot order racing writes). Writes are rare management calls.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private ConcurrentDictionary<string, MappingEntry>? _entries;

    public IReadOnlyCollection<MappingEntry> All => Entries.Values.ToList();

    public bool Contains(string name) => Entries.ContainsKey(name);

    public MappingEntry? Find(string name) => Entries.GetValueOrDefault(name);

    /// <summary>Stores a compiled document; null when <paramref name="expectedVersion"/> no longer holds.</summary>
    public async Task<MappingEntry?> SaveAsync(string name, string json, MappingDocument document, long? expectedVersion,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var stored = await store.SaveAsync(name, json, expectedVersion, now, cancellationToken);
            if (stored is null)
            {
                return null;
            }

            var entry = new MappingEntry(name, MappingOrigin.Api, json, document, stored.Version, stored.UpdatedAt);
            Entries[name] = entry;
            return entry;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<bool> DeleteAsync(string name, long? expectedVersion, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var deleted = await store.DeleteAsync(name, expectedVersion, cancellationToken);
            if (deleted)
            {
                Entries.TryRemove(name, out _);
            }

            return deleted;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private ConcurrentDictionary<string, MappingEntry> Entries
    {
        get
        {
            if (_entries is { } entries)
            {
                return entries;
            }

            lock (_loadLock)
            {
                // Loaded on first use, which is the configuration's validation at start: before any request.
                _entries ??= Load();
                return _entries;
            }
        }
    }

    private ConcurrentDictionary<string, MappingEntry> Load()
    {
        var entries = new ConcurrentDictionary<string, MappingEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var stored in store.LoadAllAsync(CancellationToken.None).GetAwaiter().GetResult())
        {
            var compilation = MappingDocument.Compile(stored.Document);
            if (compilation.Document is null)
            {
                // Stored under an older, more lenient bridge: keep it out of service rather than refuse to start.
                MappingLog.StoredMappingInvalid(logger, stored.Name, string.Join("; ", compilation.Errors));
                continue;
            }

            entries[stored.Name] = new MappingEntry(stored.Name, MappingOrigin.Api, stored.Document, compilation.Document, stored.Version, stored.UpdatedAt);
        }

        return entries;
    }
}
