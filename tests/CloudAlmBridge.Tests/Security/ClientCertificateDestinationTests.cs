using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;

namespace CloudAlmBridge.Tests.Security;

/// <summary>
/// Outbound <c>ClientCertificateAuthentication</c>: a ServiceNow on WireMock over TLS that requires a client
/// certificate, with a server certificate from a generated CA that the destination trusts through TrustedCaFile.
/// </summary>
public sealed class ClientCertificateDestinationTests : IDisposable
{
    private const string PfxPassword = "pfx-password-2468";

    private readonly TestCertificates _certificates = new();
    private readonly TempDirectory _directory = new();
    private readonly X509Certificate2 _clientCertificate;
    private readonly WireMockServer _serviceNow;

    public ClientCertificateDestinationTests()
    {
        _clientCertificate = _certificates.IssueClient("bridge-to-servicenow");
        _serviceNow = WireMockServer.Start(new WireMockServerSettings
        {
            UseSSL = true,
            CertificateSettings = new WireMockCertificateSettings { X509Certificate = _certificates.IssueServer() },
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            AcceptAnyClientCertificate = true,
        });
        File.WriteAllText(_directory.File("ca.pem"), _certificates.AuthorityPem);
    }

    [Theory]
    [InlineData("pfx-file")]
    [InlineData("pfx-base64")]
    [InlineData("pem-file-with-key")]
    [InlineData("pem-text-and-key-file")]
    [InlineData("pem-base64-and-key-base64")]
    public async Task TheConfiguredCertificate_IsPresented_OnEveryCall(string form)
    {
        var settings = Settings();
        Configure(settings, form);
        using var factory = new BridgeFactory(settings);
        using var calm = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        _serviceNow.AnswersLookup();
        _serviceNow.AnswersCreate("cert-sys-id", "INC0091001");

        using var response = await calm.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotEmpty(_serviceNow.LogEntries);
        Assert.All(_serviceNow.LogEntries, entry => Assert.Equal(_clientCertificate.Thumbprint, entry.RequestMessage.ClientCertificate?.Thumbprint));
        Assert.All(_serviceNow.LogEntries, entry => Assert.False(entry.RequestMessage.Headers?.ContainsKey("Authorization") ?? false));
    }

    [Fact]
    public async Task WithoutTrustedCaFile_TheUnknownServerCertificateIsRefused_DeadLetteredAtOnceWithTheReason_AndReadinessSaysDegraded()
    {
        var settings = Settings();
        Configure(settings, "pfx-file");
        settings["Bridge:Destinations:servicenow:TrustedCaFile"] = null;
        using var factory = new BridgeFactory(settings);
        using var calm = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        _serviceNow.AnswersLookup();
        _serviceNow.AnswersCreate("never", "INC0091002");

        using var response = await calm.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        // A configuration error, not an outage: no retry for a day, the chain's own reason and what to set. Nothing
        // reached the impostor, and the event is kept as a dead letter to replay once the CA is configured.
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var detail = problem.GetProperty("detail").GetString()!;
        var host = new Uri(_serviceNow.Url!).Host;
        Assert.Contains($"the certificate of {host} is not trusted (", detail, StringComparison.Ordinal);
        Assert.Matches(@"not trusted \((UntrustedRoot|PartialChain)", detail);
        Assert.Contains("set Bridge:Destinations:servicenow:TrustedCaFile", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("see inner exception", detail, StringComparison.Ordinal);
        var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{problem.GetProperty("deliveryId").GetInt64()}");
        Assert.Equal("DeadLettered", delivery.GetProperty("state").GetString());
        Assert.Equal(1, delivery.GetProperty("attemptCount").GetInt32());
        Assert.Empty(_serviceNow.LogEntries);

        // An admin reads which destination and why at /api/v1/health; /health/ready says the status only, to anyone
        // and whatever credentials come with it: the destination's address, the certificate's problem and the key to
        // change are not for everyone, and an answer that depended on the credentials would tell a guesser when it is right.
        var ready = await (await admin.GetAsync("/api/v1/health")).Content.ReadFromJsonAsync<JsonElement>();
        var destinations = ready.GetProperty("checks").GetProperty("destinations");
        Assert.Equal("Degraded", destinations.GetProperty("status").GetString());
        Assert.Contains("servicenow:", destinations.GetProperty("description").GetString(), StringComparison.Ordinal);
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await calm.GetAsync("/api/v1/health")).StatusCode);
        foreach (var caller in new[] { anonymous, calm, admin })
        {
            var body = await (await caller.GetAsync("/health/ready")).Content.ReadAsStringAsync();
            var seen = JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("destinations");
            Assert.Equal("Degraded", seen.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, seen.GetProperty("description").ValueKind);
            Assert.DoesNotContain(host, body, StringComparison.Ordinal);
            Assert.DoesNotContain("TrustedCaFile", body, StringComparison.Ordinal);
        }

        // What the probe saw is in the log, once, with the details.
        Assert.Single(factory.Logs.Lines, l => l.Replace("\"", string.Empty, StringComparison.Ordinal).Contains("Readiness check destinations is Degraded", StringComparison.Ordinal)
            && l.Contains("servicenow:", StringComparison.Ordinal));
    }

    [Fact]
    public void WrongPassword_StopsTheStart_NamingTheSettingButNotThePassword()
    {
        var settings = Settings();
        Configure(settings, "pfx-file");
        settings["Bridge:Destinations:servicenow:Authentication:CertificatePassword"] = "not-the-pfx-password";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, f => f.StartsWith("Bridge:Destinations:servicenow:Authentication:Certificate: could not be read", StringComparison.Ordinal));
        Assert.DoesNotContain("not-the-pfx-password", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoDestinationsOnOneHost_WithDifferentCertificates_StopTheStart()
    {
        var settings = Settings();
        Configure(settings, "pfx-file");
        settings["Bridge:Destinations:other:Url"] = _serviceNow.Url;
        settings["Bridge:Destinations:other:Authentication:Type"] = "NoAuthentication";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, f => f.Contains("shares the host", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _serviceNow.Stop();
        _serviceNow.Dispose();
        _certificates.Dispose();
        _directory.Dispose();
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = TestSettings.ForServiceNow(_serviceNow.Url!, _directory.File($"{Guid.NewGuid():N}.db"));
        settings["Bridge:Destinations:servicenow:AllowInsecureHttp"] = "false";
        settings["Bridge:Destinations:servicenow:TrustedCaFile"] = _directory.File("ca.pem");
        settings["Bridge:Destinations:servicenow:Authentication:Type"] = "ClientCertificateAuthentication";
        settings["Bridge:Destinations:servicenow:Authentication:User"] = null;
        settings["Bridge:Destinations:servicenow:Authentication:Password"] = null;
        return settings;
    }

    private void Configure(Dictionary<string, string?> settings, string form)
    {
        const string prefix = "Bridge:Destinations:servicenow:Authentication:";
        var pfx = _clientCertificate.Export(X509ContentType.Pkcs12, PfxPassword);
        var certificatePem = _clientCertificate.ExportCertificatePem();
        var keyPem = _clientCertificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();
        switch (form)
        {
            case "pfx-file":
                File.WriteAllBytes(_directory.File("client.pfx"), pfx);
                settings[prefix + "CertificateFile"] = _directory.File("client.pfx");
                settings[prefix + "CertificatePassword"] = PfxPassword;
                break;
            case "pfx-base64":
                settings[prefix + "Certificate"] = Convert.ToBase64String(pfx);
                settings[prefix + "CertificatePassword"] = PfxPassword;
                break;
            case "pem-file-with-key":
                File.WriteAllText(_directory.File("client.pem"), certificatePem + "\n" + keyPem);
                settings[prefix + "CertificateFile"] = _directory.File("client.pem");
                break;
            case "pem-text-and-key-file":
                File.WriteAllText(_directory.File("client.key"), keyPem);
                settings[prefix + "Certificate"] = certificatePem;
                settings[prefix + "PrivateKeyFile"] = _directory.File("client.key");
                break;
            case "pem-base64-and-key-base64":
                // As `base64 -w0 client.pem` writes it for a secret store that wants one line.
                settings[prefix + "Certificate"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(certificatePem));
                settings[prefix + "PrivateKey"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(keyPem));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(form), form, null);
        }
    }
}
