using System.Threading.RateLimiting;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Security.Tokens;

/// <summary>
/// <see cref="TokenEndpoint.TriesPerMinute"/> tries a minute per client tried at <c>POST /oauth/token</c>, on top of as
/// many per address: guesses of one client's secret spread over many addresses are limited too. Every client name the
/// configuration does not know shares one partition, so made-up names neither lend a fresh limit nor pile up limiters.
/// </summary>
internal sealed class TokenAttempts(ActiveConfiguration configuration) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = TokenEndpoint.TriesPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>A lease for one try of <paramref name="clientName"/>; not acquired when the client is over its limit.</summary>
    public RateLimitLease Acquire(string clientName) =>
        _limiter.AttemptAcquire(configuration.Current.Options.Security.Clients.ContainsKey(clientName) ? clientName : "(unknown)");

    public void Dispose() => _limiter.Dispose();
}
