using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>A certificate authority made for one test run, and the server and client certificates it signs.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly List<X509Certificate2> _issued = [];

    public TestCertificates(string name = "CloudAlmBridge Test CA")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddYears(2));
    }

    public X509Certificate2 Authority { get; }

    /// <summary>The authority as PEM, as a user would put it in a TrustedCaFile.</summary>
    public string AuthorityPem => Authority.ExportCertificatePem();

    /// <summary>A TLS server certificate for localhost and 127.0.0.1.</summary>
    public X509Certificate2 IssueServer() =>
        Issue("CN=localhost", "1.3.6.1.5.5.7.3.1", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), server: true);

    /// <summary>A TLS client certificate; dates can be set to make an expired one.</summary>
    public X509Certificate2 IssueClient(string subject, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Issue($"CN={subject}", "1.3.6.1.5.5.7.3.2", notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30), server: false);

    public void Dispose()
    {
        foreach (var certificate in _issued)
        {
            certificate.Dispose();
        }

        Authority.Dispose();
    }

    private X509Certificate2 Issue(string subject, string usage, DateTimeOffset notBefore, DateTimeOffset notAfter, bool server)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var signed = request.Create(Authority, notBefore, notAfter, serial);
        using var withKey = signed.CopyWithPrivateKey(key);

        // Through PKCS#12 so the key is usable by SslStream on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12, "pw"), "pw");
        _issued.Add(certificate);
        return certificate;
    }
}
