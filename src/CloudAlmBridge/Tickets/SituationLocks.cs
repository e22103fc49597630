using CloudAlmBridge.Storage;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// One lock per (subscription, situation): events of one situation are handled one at a time, in the order they
/// got the lock; different situations run in parallel. In this process first (so waiters queue here, not on
/// database connections), then in the database, which serializes the instances sharing it. Entries are removed when
/// nobody holds or waits for them. A match key (a reopen's decision) is locked the same way, always inside its
/// situation's lock, so the order is the same everywhere: situation, then key.
/// </summary>
internal sealed class SituationLocks(ITicketStore store)
{
    private readonly Dictionary<(string, string), Entry> _entries = [];

    public Task<IAsyncDisposable> AcquireAsync(string subscription, string situationId, CancellationToken cancellationToken) =>
        AcquireAsync((subscription, situationId), token => store.LockSituationAsync(subscription, situationId, token), cancellationToken);

    /// <summary>
    /// The lock of a match key, taken while holding <paramref name="situationLock"/> (from <see cref="AcquireAsync(string, string, CancellationToken)"/>)
    /// and disposed before it. Its in-process entry cannot be a situation's: situation ids hold no line break.
    /// </summary>
    public Task<IAsyncDisposable> AcquireMatchKeyAsync(IAsyncDisposable situationLock, string subscription, string matchKey,
        CancellationToken cancellationToken)
    {
        var held = (Lease)situationLock;
        return AcquireAsync((subscription, $"\nmatch-key\n{matchKey}"),
            token => store.LockMatchKeyAsync(held.DatabaseLock, subscription, matchKey, token), cancellationToken);
    }

    private async Task<IAsyncDisposable> AcquireAsync((string, string) key, Func<CancellationToken, Task<IAsyncDisposable>> lockDatabase,
        CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry();
                _entries[key] = entry;
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Release(key, entry, held: false);
            throw;
        }

        try
        {
            return new Lease(this, key, entry, await lockDatabase(cancellationToken));
        }
        catch
        {
            Release(key, entry, held: true);
            throw;
        }
    }

    private void Release((string, string) key, Entry entry, bool held)
    {
        if (held)
        {
            entry.Semaphore.Release();
        }

        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(key);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Lease(SituationLocks owner, (string, string) key, Entry entry, IAsyncDisposable databaseLock) : IAsyncDisposable
    {
        private int _disposed;

        public IAsyncDisposable DatabaseLock => databaseLock;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                try
                {
                    await databaseLock.DisposeAsync();
                }
                finally
                {
                    owner.Release(key, entry, held: true);
                }
            }
        }
    }
}
