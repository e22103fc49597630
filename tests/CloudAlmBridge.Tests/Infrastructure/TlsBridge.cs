using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>
/// The bridge on real Kestrel with TLS, configured through <c>Kestrel:Endpoints</c> as in production, with every
/// inbound scheme set up: Basic clients, the token endpoint, an external issuer, and clients known by certificate.
/// </summary>
public sealed class TlsBridge : IDisposable
{
    public const string EventsCertificateClient = "calm-certificate";
    public const string AdminCertificateClient = "ops-certificate";
    public const string SigningKey = "tls-bridge-signing-key-0123456789-abcdefghij";

    private readonly TempDirectory _directory = new();
    private readonly IsolatedServiceNow _serviceNow = new();

    public TlsBridge()
    {
        Certificates = new TestCertificates();
        EventsCertificate = Certificates.IssueClient("calm-events");
        AdminCertificate = Certificates.IssueClient("ops-admin");
        StrangerCertificate = Certificates.IssueClient("stranger");
        ExpiredCertificate = Certificates.IssueClient("calm-expired", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        Sha256Certificate = Certificates.IssueClient("calm-sha256");
        Issuer = new ExternalIssuer();

        var serverPfx = _directory.File("server.pfx");
        File.WriteAllBytes(serverPfx, Certificates.IssueServer().Export(X509ContentType.Pkcs12, "server-pfx-password"));
        var settings = _serviceNow.Settings();
        settings["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0";
        settings["Kestrel:Endpoints:Https:Certificate:Path"] = serverPfx;
        settings["Kestrel:Endpoints:Https:Certificate:Password"] = "server-pfx-password";
        settings["Bridge:Security:Tokens:SigningKey"] = SigningKey;
        settings[$"Bridge:Security:Clients:{EventsCertificateClient}:Roles:0"] = "events";
        settings[$"Bridge:Security:Clients:{EventsCertificateClient}:CertificateThumbprints:0"] = EventsCertificate.Thumbprint;

        settings[$"Bridge:Security:Clients:{EventsCertificateClient}:CertificateThumbprints:1"] = ExpiredCertificate.Thumbprint;

        // The SHA-256 form, with colons, as some tools print it.
        settings[$"Bridge:Security:Clients:{EventsCertificateClient}:CertificateThumbprints:2"] =
            string.Join(':', Sha256Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).Chunk(2).Select(c => new string(c)));
        settings[$"Bridge:Security:Clients:{AdminCertificateClient}:Roles:0"] = "admin";
        settings[$"Bridge:Security:Clients:{AdminCertificateClient}:CertificateThumbprints:0"] = AdminCertificate.Thumbprint.ToLowerInvariant();
        Issuer.Configure(settings);

        Factory = new BridgeFactory(settings);
        Factory.UseKestrel();
        Factory.StartServer();
        var address = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("https:", StringComparison.Ordinal));
        BaseAddress = new Uri(address);
    }

    public TestCertificates Certificates { get; }

    /// <summary>The WireMock ServiceNow the bridge's subscription delivers to.</summary>
    public WireMock.Server.WireMockServer ServiceNow => _serviceNow.ServiceNow;

    public X509Certificate2 EventsCertificate { get; }

    public X509Certificate2 AdminCertificate { get; }

    public X509Certificate2 StrangerCertificate { get; }

    public X509Certificate2 ExpiredCertificate { get; }

    public X509Certificate2 Sha256Certificate { get; }

    public ExternalIssuer Issuer { get; }

    public BridgeFactory Factory { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client that trusts the test CA (and nothing else), presenting <paramref name="certificate"/> if given.</summary>
    public HttpClient Client(X509Certificate2? certificate = null, AuthenticationHeaderValue? authorization = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && IsIssuedByTestCa(presented),
            },
        };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = authorization;
        return client;
    }

    public void Dispose()
    {
        Factory.Dispose();
        Issuer.Dispose();
        Certificates.Dispose();
        _serviceNow.Dispose();
        _directory.Dispose();
    }

    private bool IsIssuedByTestCa(X509Certificate presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificates.Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(certificate);
    }
}
