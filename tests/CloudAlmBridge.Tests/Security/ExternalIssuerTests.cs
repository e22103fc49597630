using System.Net;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using static CloudAlmBridge.Tests.Security.AuthenticationMatrixTests;

namespace CloudAlmBridge.Tests.Security;

/// <summary>Bearer tokens from the company's identity service: keys from its metadata, roles from a claim.</summary>
public sealed class ExternalIssuerTests(TlsBridge bridge) : IClassFixture<TlsBridge>
{
    [Theory]
    [InlineData(new[] { "cloud-alm-bridge!t42.events" }, null, HttpStatusCode.NotFound, HttpStatusCode.Forbidden)]
    [InlineData(new[] { "cloud-alm-bridge!t42.events", "cloud-alm-bridge!t42.admin" }, null, HttpStatusCode.NotFound, HttpStatusCode.OK)]
    [InlineData(new[] { "events", "admin" }, null, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData(null, "openid cloud-alm-bridge!t42.events", HttpStatusCode.NotFound, HttpStatusCode.Forbidden)]
    [InlineData(null, "cloud-alm-bridge!t42.events some-other-app!t9.admin billing.admin", HttpStatusCode.NotFound, HttpStatusCode.Forbidden)]
    [InlineData(null, "cloud-alm-bridge!t7.events", HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData(new[] { "viewer", "Events" }, null, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData(null, null, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    public async Task RolesComeFromTheConfiguredClaim(string[]? roles, string? scope, HttpStatusCode events, HttpStatusCode management)
    {
        using var caller = bridge.Client(authorization: Bearer(bridge.Issuer.Token(roles, scope)));

        Assert.Equal(events, (await caller.GetAsync($"/api/v1/events/{TestSettings.Subscription}/{Events.NewSituationId()}")).StatusCode);
        Assert.Equal(management, (await caller.GetAsync("/api/v1/webhooks")).StatusCode);
    }

    [Fact]
    public async Task ExpiredToken_WrongAudience_AndUnknownKey_AreRefused()
    {
        string[] roles = ["events", "admin"];
        var refused = new[]
        {
            bridge.Issuer.Token(roles, expiresIn: TimeSpan.FromMinutes(-5)),
            bridge.Issuer.Token(roles, audience: "another-application"),
            bridge.Issuer.Token(roles, signedByUnknownKey: true),
        };

        foreach (var token in refused)
        {
            using var caller = bridge.Client(authorization: Bearer(token));
            Assert.Equal(HttpStatusCode.Unauthorized, (await caller.GetAsync("/api/v1/webhooks")).StatusCode);
        }

        Assert.Contains(bridge.Factory.Logs.Lines, l => l.Contains("Bearer token refused", StringComparison.Ordinal) && l.Contains("wrong audience", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutScopePrefix_TheAudienceIsThePrefix()
    {
        using var isolated = new IsolatedServiceNow();
        using var issuer = new ExternalIssuer();
        var settings = isolated.Settings();
        issuer.Configure(settings);
        settings["Bridge:Security:Jwt:ScopePrefix"] = null;
        using var factory = new BridgeFactory(settings);

        async Task<HttpStatusCode> ManagementAsync(string scope)
        {
            using var caller = factory.CreateClient();
            caller.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", issuer.Token(scope: scope));
            return (await caller.GetAsync("/api/v1/webhooks")).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await ManagementAsync($"{ExternalIssuer.Audience}.admin"));
        Assert.Equal(HttpStatusCode.Forbidden, await ManagementAsync($"{ExternalIssuer.Audience}!t42.admin"));
        Assert.Equal(HttpStatusCode.Forbidden, await ManagementAsync("another-app.admin"));
    }

    [Fact]
    public async Task BareRoles_CountOnlyWhenTheOptionSaysSo()
    {
        using var isolated = new IsolatedServiceNow();
        using var issuer = new ExternalIssuer();
        var settings = isolated.Settings();
        issuer.Configure(settings);
        settings["Bridge:Security:Jwt:AcceptBareRoles"] = "true";
        using var factory = new BridgeFactory(settings);

        async Task<HttpStatusCode> ManagementAsync(string[] roles)
        {
            using var caller = factory.CreateClient();
            caller.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", issuer.Token(roles));
            return (await caller.GetAsync("/api/v1/webhooks")).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await ManagementAsync(["admin"]));
        Assert.Equal(HttpStatusCode.OK, await ManagementAsync(["cloud-alm-bridge!t42.admin"]));
        Assert.Equal(HttpStatusCode.Forbidden, await ManagementAsync(["some-other-app!t9.admin", "Admin"]));
    }

    [Theory]
    [InlineData("http://login.example.com", null, "true", "Bridge:Security:Jwt:Authority: 'http://login.example.com' is not https")]
    [InlineData("https://login.example.com", null, null, "Bridge:Security:Jwt:Audience: required")]
    [InlineData(null, "not a url", null, "Bridge:Security:Jwt:MetadataAddress: 'not a url' is not an absolute http(s) URL")]
    public void UnworkableIssuerConfiguration_StopsTheStart(string? authority, string? metadata, string? requireHttps, string expected)
    {
        using var isolated = new IsolatedServiceNow();
        var settings = isolated.Settings();
        settings["Bridge:Security:Jwt:Authority"] = authority;
        settings["Bridge:Security:Jwt:MetadataAddress"] = metadata;
        settings["Bridge:Security:Jwt:RequireHttpsMetadata"] = requireHttps;
        settings["Bridge:Security:Jwt:Audience"] = metadata is null && authority is { } a && a.StartsWith("https", StringComparison.Ordinal) ? null : "bridge";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }
}
