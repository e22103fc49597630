using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace CloudAlmBridge.Security;

/// <summary>Credentials recently verified against a <see cref="SecretHash"/>, kept as SHA-256 digests for five minutes.</summary>
internal sealed class VerifiedSecrets(TimeProvider timeProvider)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _verified = new(StringComparer.Ordinal);

    public bool IsVerified(string client, string secretHash, string given) =>
        _verified.TryGetValue(Key(client, secretHash, given), out var until) && timeProvider.GetUtcNow() < until;

    public bool Remember(string client, string secretHash, string given)
    {
        if (_verified.Count > 1000)
        {
            _verified.Clear();
        }

        _verified[Key(client, secretHash, given)] = timeProvider.GetUtcNow() + Lifetime;
        return true;
    }

    // The configured hash is part of the key: changing a client's secret invalidates what was remembered.
    private static string Key(string client, string secretHash, string given) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{client}\n{secretHash}\n{given}")));
}
