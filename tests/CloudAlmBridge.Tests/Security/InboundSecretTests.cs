using System.Net;
using CloudAlmBridge.Security;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Tests.Security;

/// <summary>Client secrets as salted hashes, and the explicit anonymous mode for events.</summary>
public sealed class InboundSecretTests : IDisposable
{
    private readonly IsolatedServiceNow _isolated = new();

    [Fact]
    public async Task HashedSecret_LetsTheRightSecretIn_AndNoOtherOne()
    {
        var settings = Settings();
        settings["Bridge:Security:Clients:ops:Secret"] = null;
        settings["Bridge:Security:Clients:ops:SecretHash"] = SecretHash.Create("hashed-admin-secret", iterations: 20_000);
        using var factory = new BridgeFactory(settings);
        using var right = factory.CreateClient(TestSettings.AdminClient, "hashed-admin-secret");
        using var wrong = factory.CreateClient(TestSettings.AdminClient, "hashed-admin-secreT");

        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync("/api/v1/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync("/api/v1/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/v1/webhooks")).StatusCode);
    }

    [Theory]
    [InlineData("sha1$1$abc$def", null)]
    [InlineData("pbkdf2-sha256$100$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", null)]
    [InlineData(null, null)]
    [InlineData("pbkdf2-sha256$100000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "also-a-secret")]
    public void InvalidSecretConfiguration_StopsTheStart(string? hash, string? secret)
    {
        var settings = Settings();
        settings["Bridge:Security:Clients:ops:Secret"] = secret;
        settings["Bridge:Security:Clients:ops:SecretHash"] = hash;
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, f => f.StartsWith("Bridge:Security:Clients:ops:Secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllowAnonymousEvents_LetsEventsInWithoutCredentials_ButNotWrongOnes_NorTheManagementApi()
    {
        var settings = Settings();
        settings["Bridge:Security:AllowAnonymousEvents"] = "true";
        using var factory = new BridgeFactory(settings);
        using var anonymous = factory.CreateClient();
        using var wrong = factory.CreateClient(TestSettings.EventsClient, "not-the-secret");
        _isolated.ServiceNow.AnswersLookup();
        _isolated.ServiceNow.AnswersCreate("ppp111", "INC0080001");

        var posted = await anonymous.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        var wrongCredentials = await wrong.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        var management = await anonymous.GetAsync("/api/v1/destinations");

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongCredentials.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, management.StatusCode);
        Assert.Contains(factory.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("AllowAnonymousEvents is on", StringComparison.Ordinal));
    }

    public void Dispose() => _isolated.Dispose();

    private Dictionary<string, string?> Settings() => _isolated.Settings();
}
