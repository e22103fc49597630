using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudAlmBridge.Security.Certificates;

/// <summary>Certificate thumbprints as configured (any case, colons or spaces) and as computed, in one comparable form.</summary>
internal static class Thumbprints
{
    /// <summary>Upper-case hex without separators, or null when it is not a SHA-1 or SHA-256 thumbprint.</summary>
    public static string? Normalize(string? configured)
    {
        if (configured is null)
        {
            return null;
        }

        var hex = string.Concat(configured.Where(c => c is not (':' or ' ' or '-'))).ToUpperInvariant();
        return hex.Length is 40 or 64 && hex.All(char.IsAsciiHexDigit) ? hex : null;
    }

    /// <summary>The SHA-1 thumbprint (what most tools show) and the SHA-256 one.</summary>
    public static (string Sha1, string Sha256) Of(X509Certificate2 certificate) =>
        (certificate.GetCertHashString(HashAlgorithmName.SHA1), certificate.GetCertHashString(HashAlgorithmName.SHA256));
}
