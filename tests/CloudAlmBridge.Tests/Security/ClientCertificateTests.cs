using System.Net;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Tests.Security;

/// <summary>Clients known by their TLS client certificate, on Kestrel with a generated CA.</summary>
public sealed class ClientCertificateTests(TlsBridge bridge) : IClassFixture<TlsBridge>
{
    [Fact]
    public async Task RegisteredCertificate_PostsAnEvent_AsItsClient()
    {
        using var caller = bridge.Client(bridge.EventsCertificate);
        bridge.ServiceNow.AnswersLookup();
        bridge.ServiceNow.AnswersCreate("cert0001", "INC0090001");

        using var response = await caller.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task CertificateRegisteredBySha256Thumbprint_IsAccepted()
    {
        using var caller = bridge.Client(bridge.Sha256Certificate);

        Assert.Equal(HttpStatusCode.NotFound, (await caller.GetAsync($"/api/v1/events/{TestSettings.Subscription}/{Events.NewSituationId()}")).StatusCode);
    }

    [Fact]
    public async Task ExpiredCertificate_IsRefused_EvenWhenRegistered()
    {
        using var caller = bridge.Client(bridge.ExpiredCertificate);

        Assert.Equal(HttpStatusCode.Unauthorized, (await caller.GetAsync($"/api/v1/events/{TestSettings.Subscription}/{Events.NewSituationId()}")).StatusCode);
        Assert.Contains(bridge.Factory.Logs.Lines, l => l.Contains($"Thumbprint={bridge.ExpiredCertificate.Thumbprint}", StringComparison.Ordinal)
            && l.Contains("outside its validity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnregisteredCertificate_IsRefused_AndLoggedByThumbprint()
    {
        using var caller = bridge.Client(bridge.StrangerCertificate);

        Assert.Equal(HttpStatusCode.Unauthorized, (await caller.GetAsync("/api/v1/webhooks")).StatusCode);
        Assert.Contains(bridge.Factory.Logs.Lines, l => l.Contains($"Thumbprint={bridge.StrangerCertificate.Thumbprint}", StringComparison.Ordinal)
            && l.Contains("not registered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CertificateAndBasicTogether_TheAuthorizationHeaderDecides()
    {
        using var caller = bridge.Client(bridge.AdminCertificate, AuthenticationMatrixTests.Basic(TestSettings.EventsClient, TestSettings.EventsSecret));

        Assert.Equal(HttpStatusCode.Forbidden, (await caller.GetAsync("/api/v1/webhooks")).StatusCode);
    }

    [Theory]
    [InlineData("not-a-thumbprint", "is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint")]
    [InlineData("AB:CD", "is not a SHA-1")]
    public void InvalidThumbprint_StopsTheStart(string thumbprint, string expected)
    {
        using var isolated = new IsolatedServiceNow();
        var settings = isolated.Settings();
        settings["Bridge:Security:Clients:calm-cert:Roles:0"] = "events";
        settings["Bridge:Security:Clients:calm-cert:CertificateThumbprints:0"] = thumbprint;
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, f => f.StartsWith("Bridge:Security:Clients:calm-cert:CertificateThumbprints:0", StringComparison.Ordinal)
            && f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void OneCertificateForTwoClients_StopsTheStart()
    {
        using var isolated = new IsolatedServiceNow();
        var settings = isolated.Settings();
        settings["Bridge:Security:Clients:a:Roles:0"] = "events";
        settings["Bridge:Security:Clients:a:CertificateThumbprints:0"] = bridge.EventsCertificate.Thumbprint;
        settings["Bridge:Security:Clients:b:Roles:0"] = "admin";
        settings["Bridge:Security:Clients:b:CertificateThumbprints:0"] = bridge.EventsCertificate.Thumbprint.ToLowerInvariant();
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, f => f.Contains("already registered for client 'a'", StringComparison.Ordinal));
    }
}
