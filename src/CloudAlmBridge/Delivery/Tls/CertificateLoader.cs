using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery.Tls;

/// <summary>
/// Reads the certificates a destination's configuration names. Failures come back as messages that name the setting
/// and never include its value or the password, because they end up in the start-up error list and the log.
/// </summary>
internal static class CertificateLoader
{
    private const string PemMarker = "-----BEGIN";

    public static X509Certificate2? LoadClientCertificate(DestinationAuthenticationOptions authentication, string contentRoot, out string? error)
    {
        error = null;
        var hasInline = !string.IsNullOrWhiteSpace(authentication.Certificate);
        var hasFile = !string.IsNullOrWhiteSpace(authentication.CertificateFile);
        if (hasInline == hasFile)
        {
            error = "Certificate: give exactly one of Certificate (base64 PFX or PEM text) and CertificateFile";
            return null;
        }

        try
        {
            var certificate = hasInline
                ? FromInline(authentication, contentRoot)
                : FromFile(Resolve(authentication.CertificateFile!, contentRoot), authentication, contentRoot);
            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                error = "Certificate: has no private key; give a PFX with its key, PEM text with the key, or PrivateKey/PrivateKeyFile";
                return null;
            }

            return certificate;
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            error = "Certificate: could not be read (wrong password, or neither a PFX/PKCS#12 nor a PEM certificate with its key)";
        }
        catch (IOException exception)
        {
            error = $"CertificateFile: could not be read ({exception.GetType().Name}: {exception.Message})";
        }
        catch (UnauthorizedAccessException)
        {
            error = "CertificateFile: this process may not read it";
        }

        return null;
    }

    public static X509Certificate2Collection? LoadAuthorities(string path, string contentRoot, out string? error)
    {
        error = null;
        try
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(Resolve(path, contentRoot));
            if (authorities.Count == 0)
            {
                error = "TrustedCaFile: holds no PEM certificate";
                return null;
            }

            return authorities;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error = $"TrustedCaFile: could not be read ({exception.GetType().Name}: {exception.Message})";
            return null;
        }
    }

    private static X509Certificate2 FromInline(DestinationAuthenticationOptions authentication, string contentRoot)
    {
        var value = authentication.Certificate!;
        return InlinePem(value) is { } pem
            ? FromPem(pem, authentication, contentRoot)
            : X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(value.Trim()), authentication.CertificatePassword);
    }

    /// <summary>
    /// PEM text as given, or decoded when the value is one line of base64 of a PEM file (`base64 -w0 client.pem`, as
    /// secret stores often want); null for anything else (base64 of a PFX).
    /// </summary>
    private static string? InlinePem(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith(PemMarker, StringComparison.Ordinal))
        {
            return trimmed;
        }

        var bytes = new byte[trimmed.Length];
        var decoded = Convert.TryFromBase64String(trimmed, bytes, out var written) ? Encoding.ASCII.GetString(bytes, 0, written) : null;
        return decoded?.TrimStart().StartsWith(PemMarker, StringComparison.Ordinal) == true ? decoded : null;
    }

    private static X509Certificate2 FromFile(string path, DestinationAuthenticationOptions authentication, string contentRoot)
    {
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 64)).TrimStart();
        return text.StartsWith(PemMarker, StringComparison.Ordinal)
            ? FromPem(Encoding.ASCII.GetString(bytes), authentication, contentRoot)
            : X509CertificateLoader.LoadPkcs12(bytes, authentication.CertificatePassword);
    }

    private static X509Certificate2 FromPem(string certificatePem, DestinationAuthenticationOptions authentication, string contentRoot)
    {
        // The key may sit in the same PEM text (as openssl writes a bundle) or apart.
        var keyPem = !string.IsNullOrWhiteSpace(authentication.PrivateKey) ? InlinePem(authentication.PrivateKey) ?? authentication.PrivateKey
            : !string.IsNullOrWhiteSpace(authentication.PrivateKeyFile) ? File.ReadAllText(Resolve(authentication.PrivateKeyFile, contentRoot))
            : certificatePem;
        return string.IsNullOrEmpty(authentication.CertificatePassword)
            ? X509Certificate2.CreateFromPem(certificatePem, keyPem)
            : X509Certificate2.CreateFromEncryptedPem(certificatePem, keyPem, authentication.CertificatePassword);
    }

    private static string Resolve(string path, string contentRoot) => Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path);
}
