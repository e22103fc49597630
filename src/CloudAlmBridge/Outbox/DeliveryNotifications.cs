using System.Collections.Concurrent;

namespace CloudAlmBridge.Outbox;

/// <summary>
/// Lets a Cloud ALM call wait for its delivery. A delivery finished in this process wakes its waiter at once; one
/// finished by another instance is seen by asking the storage again every <see cref="CrossInstancePoll"/>. Only a
/// wake-up either way: the state itself is always read from storage.
/// </summary>
/// <remarks>
/// The last <see cref="RecentCapacity"/> deliveries finished here are remembered, so a call whose delivery finished
/// between its accept and its waiter's registration (the dispatcher can be that quick under load) learns so without a
/// read: a call that has just accepted its event does not ask the storage before it waits.
/// </remarks>
internal sealed class DeliveryNotifications
{
    /// <summary>How often a waiting call looks whether another instance finished its delivery.</summary>
    public static readonly TimeSpan CrossInstancePoll = TimeSpan.FromMilliseconds(250);

    private const int RecentCapacity = 1024;

    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiters = new();
    private readonly long[] _recent = new long[RecentCapacity];
    private int _nextRecent = -1;

    /// <summary>
    /// Waits until the delivery is finished, or the time is up (no exception either way). The waiter is registered
    /// before <paramref name="isFinished"/> is asked, so a delivery that finishes in between is not missed.
    /// <paramref name="askStorageFirst"/> false: the caller has just accepted the delivery, so it is not finished
    /// anywhere this soon unless here; the storage is asked from the first cross-instance poll on.
    /// </summary>
    public async Task WaitAsync(long deliveryId, Func<Task<bool>> isFinished, TimeSpan timeout, TimeProvider timeProvider,
        CancellationToken cancellationToken, bool askStorageFirst = true)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        var started = timeProvider.GetTimestamp();
        var waiter = _waiters.GetOrAdd(deliveryId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        // Registered, then the recent ones read; Finished writes the recent one, then reads the waiters: one of the two
        // sees the other.
        Interlocked.MemoryBarrier();

        // Only a delivery just accepted looks among the recent ones: a duplicate's delivery may have finished before
        // and been replayed since.
        var ask = askStorageFirst;
        try
        {
            while (!(!askStorageFirst && FinishedRecently(deliveryId)) && !(ask && await isFinished()))
            {
                ask = true;
                var remaining = timeout - timeProvider.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    return;
                }

                try
                {
                    await waiter.Task.WaitAsync(remaining < CrossInstancePoll ? remaining : CrossInstancePoll, timeProvider, cancellationToken);
                    return;
                }
                catch (TimeoutException)
                {
                    // Not finished here (yet): another instance may have delivered it; look again.
                }
            }
        }
        finally
        {
            _waiters.TryRemove(new KeyValuePair<long, TaskCompletionSource>(deliveryId, waiter));
        }
    }

    public void Finished(long deliveryId)
    {
        var slot = (int)((uint)Interlocked.Increment(ref _nextRecent) % RecentCapacity);
        Volatile.Write(ref _recent[slot], deliveryId);
        Interlocked.MemoryBarrier();
        if (_waiters.TryGetValue(deliveryId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    private bool FinishedRecently(long deliveryId) => Array.IndexOf(_recent, deliveryId) >= 0;
}
