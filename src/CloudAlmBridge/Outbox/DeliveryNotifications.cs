using System.Collections.Concurrent;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Outbox;

/// <summary>
/// Lets a Cloud ALM call wait for its delivery. A delivery finished in this process wakes its waiter at once and hands it
/// the outcome that was committed (<see cref="FinishedDelivery"/>), so the answer needs no read of it (issue 21,
/// item 2); one finished by another instance is seen by asking the storage again every <see cref="CrossInstancePoll"/>,
/// and is then read from storage.
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

    private readonly ConcurrentDictionary<long, TaskCompletionSource<FinishedDelivery?>> _waiters = new();
    private readonly Recent?[] _recent = new Recent?[RecentCapacity];
    private int _nextRecent = -1;

    /// <summary>
    /// Waits until the delivery is finished, or the time is up (no exception either way). The waiter is registered
    /// before <paramref name="isFinished"/> is asked, so a delivery that finishes in between is not missed.
    /// <paramref name="askStorageFirst"/> false: the caller has just accepted the delivery, so it is not finished
    /// anywhere this soon unless here; the storage is asked from the first cross-instance poll on. Answers the outcome
    /// committed here, or null when the storage has to be read: finished elsewhere, or the time is up.
    /// </summary>
    public async Task<FinishedDelivery?> WaitAsync(long deliveryId, Func<Task<bool>> isFinished, TimeSpan timeout, TimeProvider timeProvider,
        CancellationToken cancellationToken, bool askStorageFirst = true)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return null;
        }

        var started = timeProvider.GetTimestamp();
        var waiter = _waiters.GetOrAdd(deliveryId, static _ => new TaskCompletionSource<FinishedDelivery?>(TaskCreationOptions.RunContinuationsAsynchronously));

        // Registered, then the recent ones read; Finished writes the recent one, then reads the waiters: one of the two
        // sees the other.
        Interlocked.MemoryBarrier();

        // Only a delivery just accepted looks among the recent ones: a duplicate's delivery may have finished before
        // and been replayed since.
        var ask = askStorageFirst;
        try
        {
            while (true)
            {
                if (!askStorageFirst && FinishedRecently(deliveryId) is { } recent)
                {
                    return recent.Finished;
                }

                if (ask && await isFinished())
                {
                    return null;
                }

                ask = true;
                var remaining = timeout - timeProvider.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    return null;
                }

                try
                {
                    return await waiter.Task.WaitAsync(remaining < CrossInstancePoll ? remaining : CrossInstancePoll, timeProvider, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // Not finished here (yet): another instance may have delivered it; look again.
                }
            }
        }
        finally
        {
            _waiters.TryRemove(new KeyValuePair<long, TaskCompletionSource<FinishedDelivery?>>(deliveryId, waiter));
        }
    }

    /// <summary>The delivery is final and committed as <paramref name="finished"/> says: its waiter is answered from it.</summary>
    public void Finished(FinishedDelivery finished) => Signal(finished.Delivery.Id, finished);

    /// <summary>
    /// The delivery changed in a way its waiting call must hear now (held by a maintenance window, dropped at a
    /// window's end): the waiter is woken and reads the storage.
    /// </summary>
    public void Changed(long deliveryId) => Signal(deliveryId, null);

    private void Signal(long deliveryId, FinishedDelivery? finished)
    {
        var slot = (int)((uint)Interlocked.Increment(ref _nextRecent) % RecentCapacity);
        Volatile.Write(ref _recent[slot], new Recent(deliveryId, finished));
        Interlocked.MemoryBarrier();
        if (_waiters.TryGetValue(deliveryId, out var waiter))
        {
            waiter.TrySetResult(finished);
        }
    }

    private Recent? FinishedRecently(long deliveryId)
    {
        for (var index = 0; index < _recent.Length; index++)
        {
            if (Volatile.Read(ref _recent[index]) is { } recent && recent.DeliveryId == deliveryId)
            {
                return recent;
            }
        }

        return null;
    }

    private sealed record Recent(long DeliveryId, FinishedDelivery? Finished);
}

/// <summary>A delivery's final record as it was committed, and its situation's link as the delivery left it.</summary>
internal sealed record FinishedDelivery(DeliveryRecord Delivery, TicketLink? Link);
