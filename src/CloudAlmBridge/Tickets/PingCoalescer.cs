using System.Collections.Concurrent;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// PINGs of one situation that arrive while one is being answered share its call to the ticket system: a burst of
/// status reads costs one read, not a queue of them behind the situation's lock.
/// </summary>
internal sealed class PingCoalescer
{
    private readonly ConcurrentDictionary<(string Subscription, string Situation), Lazy<Task<LifecycleOutcome>>> _running = new();

    public async Task<LifecycleOutcome> RunAsync(string subscription, string situationId, Func<Task<LifecycleOutcome>> read)
    {
        var key = (subscription, situationId);
        var mine = new Lazy<Task<LifecycleOutcome>>(read, LazyThreadSafetyMode.ExecutionAndPublication);
        var running = _running.GetOrAdd(key, mine);
        try
        {
            return await running.Value;
        }
        finally
        {
            // The first caller's read ends the sharing; a PING after it reads afresh.
            if (ReferenceEquals(running, mine))
            {
                _running.TryRemove(new KeyValuePair<(string, string), Lazy<Task<LifecycleOutcome>>>(key, mine));
            }
        }
    }
}
