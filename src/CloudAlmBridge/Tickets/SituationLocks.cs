using CloudAlmBridge.Storage;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// One lock per (subscription, situation): events of one situation are handled one at a time, in the order they
/// got the lock; different situations run in parallel. In this process first (so waiters queue here, not on
/// database connections), then in the database, which serializes the instances sharing it. Entries are removed when
/// nobody holds or waits for them.
/// </summary>
internal sealed class SituationLocks(ITicketStore store)
{
    private readonly Dictionary<(string, string), Entry> _entries = [];

    public async Task<IAsyncDisposable> AcquireAsync(string subscription, string situationId, CancellationToken cancellationToken)
    {
        var key = (subscription, situationId);
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
            return new Lease(this, key, entry, await store.LockSituationAsync(subscription, situationId, cancellationToken));
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
