using System.Collections.Concurrent;

namespace CloudAlmBridge.Outbox;

/// <summary>
/// Lets a Cloud ALM call wait for its delivery in this process. Only a wake-up: the state itself is always read from
/// storage, so a delivery finished by another instance is answered correctly after the wait.
/// </summary>
internal sealed class DeliveryNotifications
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiters = new();

    /// <summary>
    /// Waits until the delivery is finished here, or the time is up (no exception either way). The waiter is registered
    /// before <paramref name="isFinished"/> is asked, so a delivery that finishes in between is not missed.
    /// </summary>
    public async Task WaitAsync(long deliveryId, Func<Task<bool>> isFinished, TimeSpan timeout, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        var waiter = _waiters.GetOrAdd(deliveryId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            if (await isFinished())
            {
                return;
            }

            await waiter.Task.WaitAsync(timeout, timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Not finished in time: the caller answers 202 with the state it reads.
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
