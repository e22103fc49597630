using System.Collections.Concurrent;

namespace CloudAlmBridge.Outbox;

/// <summary>
/// Lets a Cloud ALM call wait for its delivery. A delivery finished in this process wakes its waiter at once; one
/// finished by another instance is seen by asking the storage again every <see cref="CrossInstancePoll"/>. Only a
/// wake-up either way: the state itself is always read from storage.
/// </summary>
internal sealed class DeliveryNotifications
{
    /// <summary>How often a waiting call looks whether another instance finished its delivery.</summary>
    public static readonly TimeSpan CrossInstancePoll = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiters = new();

    /// <summary>
    /// Waits until the delivery is finished, or the time is up (no exception either way). The waiter is registered
    /// before <paramref name="isFinished"/> is asked, so a delivery that finishes in between is not missed.
    /// </summary>
    public async Task WaitAsync(long deliveryId, Func<Task<bool>> isFinished, TimeSpan timeout, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        var started = timeProvider.GetTimestamp();
        var waiter = _waiters.GetOrAdd(deliveryId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            while (!await isFinished())
            {
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
        if (_waiters.TryGetValue(deliveryId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
