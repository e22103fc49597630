namespace CloudAlmBridge.Tickets;

/// <summary>
/// One lock per (subscription, situation): events of one situation are handled one at a time, in the order they
/// got the lock; different situations run in parallel. Entries are removed when nobody holds or waits for them.
/// </summary>
internal sealed class SituationLocks
{
    private readonly Dictionary<(string, string), Entry> _entries = [];

    public async Task<IDisposable> AcquireAsync(string subscription, string situationId, CancellationToken cancellationToken)
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

        return new Lease(this, key, entry);
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

    private sealed class Lease(SituationLocks owner, (string, string) key, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(key, entry, held: true);
            }
        }
    }
}
