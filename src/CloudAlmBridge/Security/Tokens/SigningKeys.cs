using System.Security.Cryptography;
using System.Text;
using CloudAlmBridge.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace CloudAlmBridge.Security.Tokens;

/// <summary>
/// The keys of the bridge's own tokens: the one that signs, and every one that is still accepted (the signing key and
/// <c>PreviousSigningKeys</c>), rebuilt when the configuration changes so a rotation needs no restart.
/// </summary>
internal sealed class SigningKeys(ActiveConfiguration configuration)
{
    // Without a configured key: one random key for this process's life (a warning at start says what that means).
    private readonly byte[] _ephemeral = RandomNumberGenerator.GetBytes(64);
    // One reference, swapped whole: a reader during a reload sees the old set or the new one, never a mix.
    private KeySet? _cache;

    public SymmetricSecurityKey Signing => Keys().Signing;

    public IReadOnlyList<SecurityKey> Accepted => Keys().Accepted;

    private KeySet Keys()
    {
        var options = configuration.Current.Options.Security.Tokens;
        if (Volatile.Read(ref _cache) is { } hit && ReferenceEquals(hit.Options, options))
        {
            return hit;
        }

        var signing = Create(options.SigningKey is { Length: > 0 } text ? Encoding.UTF8.GetBytes(text) : _ephemeral);
        var accepted = new List<SecurityKey> { signing };
        accepted.AddRange(options.PreviousSigningKeys.Select(previous => Create(Encoding.UTF8.GetBytes(previous))));
        var built = new KeySet(options, signing, accepted);
        Volatile.Write(ref _cache, built);
        return built;
    }

    private sealed record KeySet(TokenOptions Options, SymmetricSecurityKey Signing, IReadOnlyList<SecurityKey> Accepted);

    // The key id is a digest of the key, so a token names the key that signed it without revealing it.
    private static SymmetricSecurityKey Create(byte[] material) =>
        new(material) { KeyId = Convert.ToHexString(SHA256.HashData(material), 0, 8).ToLowerInvariant() };
}
