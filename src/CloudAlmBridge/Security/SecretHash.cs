using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CloudAlmBridge.Security;

/// <summary><c>pbkdf2-sha256$iterations$salt$hash</c>: a client secret stored as a salted, slow hash.</summary>
internal sealed record SecretHash(int Iterations, byte[] Salt, byte[] Hash)
{
    public const int MinimumIterations = 10_000;
    private const string Prefix = "pbkdf2-sha256";

    public static bool TryParse(string text, out SecretHash? parsed)
    {
        parsed = null;
        var parts = text.Split('$');
        if (parts is not [Prefix, var iterations, var salt, var hash]
            || !int.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < MinimumIterations)
        {
            return false;
        }

        try
        {
            parsed = new SecretHash(count, Convert.FromBase64String(salt), Convert.FromBase64String(hash));
            return parsed.Salt.Length >= 8 && parsed.Hash.Length >= 16;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Compares in constant time; the work factor makes guessing slow for whoever reads the configuration.</summary>
    public bool Matches(string secret)
    {
        var candidate = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), Salt, Iterations, HashAlgorithmName.SHA256, Hash.Length);
        return CryptographicOperations.FixedTimeEquals(candidate, Hash);
    }

    /// <summary>Makes a hash for a secret (tests and documentation use the same format).</summary>
    public static string Create(string secret, int iterations = 100_000)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"{Prefix}${iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }
}
