using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Security;

/// <summary>
/// The principal of Basic credentials verified under the configuration in force, so that Cloud ALM's steady calls,
/// which carry the same header each time, are not decoded, hashed and turned into claims again (issue 21, item 5).
/// Only a success is remembered; a wrong or unknown secret is checked afresh every time. An entry holds for the
/// configuration it was verified under: a reload (a rotated secret, a removed client, changed roles) verifies anew.
/// Keyed by a SHA-256 of the credentials, never the secret itself, as <see cref="VerifiedSecrets"/> does.
/// </summary>
internal sealed class VerifiedBasicPrincipals(ActiveConfiguration configuration)
{
    /// <summary>A few clients call the bridge; more distinct credentials than this is a guesser or a rotation: start afresh.</summary>
    private const int Capacity = 256;

    /// <summary>Longer credentials are verified every time (and hashed on the stack otherwise).</summary>
    private const int MaxParameterLength = 512;

    private readonly ConcurrentDictionary<CredentialsHash, (BridgeModel Model, ClaimsPrincipal Principal)> _verified = new();

    public ClaimsPrincipal? Find(string parameter) =>
        parameter.Length <= MaxParameterLength
        && _verified.TryGetValue(CredentialsHash.Of(parameter), out var entry) && ReferenceEquals(entry.Model, configuration.Current)
            ? entry.Principal
            : null;

    /// <summary>Remembers a principal just verified under <paramref name="model"/> (read before the check).</summary>
    public void Remember(string parameter, BridgeModel model, ClaimsPrincipal principal)
    {
        if (parameter.Length > MaxParameterLength)
        {
            return;
        }

        if (_verified.Count >= Capacity)
        {
            _verified.Clear();
        }

        _verified[CredentialsHash.Of(parameter)] = (model, principal);
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct CredentialsHash(ulong A, ulong B, ulong C, ulong D)
    {
        public static CredentialsHash Of(string parameter)
        {
            Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(MaxParameterLength)];
            var length = Encoding.UTF8.GetBytes(parameter, utf8);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..length], hash);
            return MemoryMarshal.Read<CredentialsHash>(hash);
        }
    }
}
