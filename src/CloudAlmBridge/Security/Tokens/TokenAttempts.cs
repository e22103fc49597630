using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Security.Tokens;

/// <summary>
/// The limits of <c>POST /oauth/token</c> that need the client tried (the route's own policy limits each address first,
/// before the form is read):
/// <list type="bullet">
/// <item><see cref="TokenEndpoint.TriesPerMinute"/> tries a minute per address and client tried: guesses of one
/// client's secret from one address, whatever bearer token or other credentials the requests also carry, while the
/// other clients behind the same address (a shared egress) keep their own allowance.</item>
/// <item><see cref="FailuresPerClient"/> failed tries a minute per client across all addresses: guesses spread over
/// many addresses. Over it, every try of that client is refused until the minute ends, its right secret too (a
/// distributed guess is an incident, logged as one); below it, failures from elsewhere never lock a client out.</item>
/// </list>
/// Client names the configuration does not know share one partition, so made-up names neither lend a fresh
/// allowance nor pile up state. The counts are per instance.
/// </summary>
internal sealed class TokenAttempts(ActiveConfiguration configuration, TimeProvider timeProvider) : IDisposable
{
    public const int FailuresPerClient = 300;

    private readonly PartitionedRateLimiter<string> _tries = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = TokenEndpoint.TriesPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Per client: when its window of failures began (at its first failure), and how many it has.
    private readonly ConcurrentDictionary<string, (DateTimeOffset Start, int Count)> _failures = new(StringComparer.Ordinal);

    /// <summary>Why this try is refused and for how many seconds (the answer's detail and Retry-After), or null: it may go on to the secret's check.</summary>
    public (string Detail, int RetryAfterSeconds)? Refusal(string? address, string clientName)
    {
        var client = Known(clientName);
        var now = timeProvider.GetUtcNow();
        if (_failures.TryGetValue(client, out var failures) && now - failures.Start < Window && failures.Count >= FailuresPerClient)
        {
            return ($"Too many failed token requests for this client in the last minute, from all addresses (at most {FailuresPerClient}); try again after Retry-After seconds.",
                (int)Math.Ceiling((failures.Start + Window - now).TotalSeconds));
        }

        using var lease = _tries.AttemptAcquire($"{address}|{client}");
        return lease.IsAcquired
            ? null
            : ($"Too many token requests for this client from this address in the last minute (at most {TokenEndpoint.TriesPerMinute}); try again after Retry-After seconds.",
                lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60);
    }

    /// <summary>A try of <paramref name="clientName"/> failed its secret.</summary>
    public void Failed(string clientName)
    {
        var now = timeProvider.GetUtcNow();
        _failures.AddOrUpdate(Known(clientName), _ => (now, 1), (_, f) => now - f.Start < Window ? (f.Start, f.Count + 1) : (now, 1));
    }

    public void Dispose() => _tries.Dispose();

    // The name as the configuration knows it, also when a client form-encoded it inside Basic (RFC 6749 §2.3.1).
    private string Known(string name)
    {
        var clients = configuration.Current.Options.Security.Clients;
        return clients.ContainsKey(name) ? name
            : Uri.UnescapeDataString(name) is var unescaped && clients.ContainsKey(unescaped) ? unescaped
            : "(unknown)";
    }
}
