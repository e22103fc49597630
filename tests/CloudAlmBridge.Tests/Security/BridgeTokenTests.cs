using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static CloudAlmBridge.Tests.Security.AuthenticationMatrixTests;

namespace CloudAlmBridge.Tests.Security;

/// <summary>The bridge's own token endpoint and the validation of what it issues.</summary>
public sealed class BridgeTokenTests(TlsBridge bridge) : IClassFixture<TlsBridge>, IDisposable
{
    private readonly IsolatedServiceNow _isolated = new();

    [Fact]
    public async Task ClientSecretBasic_IssuesAShortLivedSignedToken_ThatOpensTheEventsRoute()
    {
        using var http = bridge.Client(authorization: Basic(TestSettings.EventsClient, TestSettings.EventsSecret));

        using var response = await http.PostAsync("/oauth/token", Form(("grant_type", "client_credentials")));
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Bearer", answer["token_type"]!.GetValue<string>());
        Assert.Equal(900, answer["expires_in"]!.GetValue<int>());
        var token = new JsonWebToken(answer["access_token"]!.GetValue<string>());
        Assert.Equal("CloudAlmBridge", token.Issuer);
        Assert.Equal(["CloudAlmBridge"], token.Audiences);
        Assert.Equal(TestSettings.EventsClient, token.Subject);
        Assert.Equal(TimeSpan.FromMinutes(15), token.ValidTo - token.IssuedAt);
        Assert.Equal(SecurityAlgorithms.HmacSha256, token.Alg);
        using var caller = bridge.Client(authorization: Bearer(token.EncodedToken));
        Assert.Equal(HttpStatusCode.NotFound, (await caller.GetAsync(EventsRoute())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await caller.GetAsync("/api/v1/webhooks")).StatusCode);
    }

    [Fact]
    public async Task ClientSecretPost_IssuesAToken_ForTheManagementApi()
    {
        using var http = bridge.Client();

        using var response = await http.PostAsync("/oauth/token", Form(("grant_type", "client_credentials"),
            ("client_id", TestSettings.AdminClient), ("client_secret", TestSettings.AdminSecret), ("scope", "admin")));
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();

        using var caller = bridge.Client(authorization: Bearer(token));
        Assert.Equal(HttpStatusCode.OK, (await caller.GetAsync("/api/v1/webhooks")).StatusCode);
    }

    [Theory]
    [InlineData("basic", "client_credentials", TestSettings.EventsSecret + "x", null, HttpStatusCode.Unauthorized, "invalid_client")]
    [InlineData("post", "client_credentials", "wrong", null, HttpStatusCode.Unauthorized, "invalid_client")]
    [InlineData("basic", "password", TestSettings.EventsSecret, null, HttpStatusCode.BadRequest, "unsupported_grant_type")]
    [InlineData("both", "client_credentials", TestSettings.EventsSecret, null, HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("none", "client_credentials", "", null, HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("basic", "client_credentials", TestSettings.EventsSecret, "events admin", HttpStatusCode.BadRequest, "invalid_scope")]
    public async Task RefusedTokenRequest_AnswersRfc6749Error_AsProblemJson(string method, string grant, string secret, string? scope,
        HttpStatusCode status, string error)
    {
        using var http = bridge.Client(authorization: method is "basic" or "both" ? Basic(TestSettings.EventsClient, secret) : null);
        var fields = new List<(string, string)> { ("grant_type", grant) };
        if (method is "post" or "both")
        {
            fields.Add(("client_id", TestSettings.EventsClient));
            fields.Add(("client_secret", secret));
        }

        if (scope is not null)
        {
            fields.Add(("scope", scope));
        }

        using var response = await http.PostAsync("/oauth/token", Form([.. fields]));
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(error, problem["error"]!.GetValue<string>());
        Assert.DoesNotContain("access_token", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRequestAsJson_IsRefusedAsUnsupportedMediaType()
    {
        using var http = bridge.Client(authorization: Basic(TestSettings.EventsClient, TestSettings.EventsSecret));

        using var response = await http.PostAsync("/oauth/token", JsonContent.Create(new { grant_type = "client_credentials" }));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ExpiredToken_IsRefused_AndTheLogSaysWhy()
    {
        var expired = Sign(TlsBridge.SigningKey, expires: DateTime.UtcNow.AddMinutes(-5));
        var valid = Sign(TlsBridge.SigningKey, expires: DateTime.UtcNow.AddMinutes(5));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(expired));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(valid));
        Assert.Contains(bridge.Factory.Logs.Lines, l => l.Contains("Bearer token refused", StringComparison.Ordinal) && l.Contains("expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TamperedToken_IsRefused()
    {
        using var http = bridge.Client(authorization: Basic(TestSettings.EventsClient, TestSettings.EventsSecret));
        using var response = await http.PostAsync("/oauth/token", Form(("grant_type", "client_credentials")));
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
        var parts = token.Split('.');
        var unsigned = $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{parts[1]}.";

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(Tamper(token)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(unsigned));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(Sign("some-other-key-that-is-long-enough-0123456789", DateTime.UtcNow.AddMinutes(5))));
    }

    [Theory]
    [InlineData("CloudAlmBridge", "someone-else", HttpStatusCode.Unauthorized)]
    [InlineData("CloudAlmBridge", "CloudAlmBridge", HttpStatusCode.NotFound)]
    public async Task TokenForAnotherAudience_IsRefused(string issuer, string audience, HttpStatusCode expected)
    {
        var token = Sign(TlsBridge.SigningKey, DateTime.UtcNow.AddMinutes(5), audience: audience, issuer: issuer);

        Assert.Equal(expected, await StatusAsync(token));
    }

    [Fact]
    public async Task RotatedKey_TheNewKeySigns_ThePreviousKeyIsStillAccepted_UntilItIsRemoved()
    {
        const string oldKey = "the-key-before-rotation-0123456789-abcdefgh";
        const string newKey = "the-key-after-rotation-0123456789-abcdefghi";
        var before = _isolated.Settings();
        before["Bridge:Security:Tokens:SigningKey"] = oldKey;
        using var beforeRotation = new BridgeFactory(before);
        var oldToken = await IssueAsync(beforeRotation);

        var during = _isolated.Settings();
        during["Bridge:Security:Tokens:SigningKey"] = newKey;
        during["Bridge:Security:Tokens:PreviousSigningKeys:0"] = oldKey;
        using var duringRotation = new BridgeFactory(during);
        var newToken = await IssueAsync(duringRotation);

        var after = _isolated.Settings();
        after["Bridge:Security:Tokens:SigningKey"] = newKey;
        using var afterRotation = new BridgeFactory(after);

        Assert.NotEqual(new JsonWebToken(oldToken).Kid, new JsonWebToken(newToken).Kid);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(duringRotation, oldToken));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(duringRotation, newToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(afterRotation, oldToken));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(afterRotation, newToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(beforeRotation, newToken));
    }

    [Fact]
    public async Task TokenOfAClientThatWasRemoved_IsRefused_BeforeItExpires()
    {
        var settings = _isolated.Settings();
        settings["Bridge:Security:Tokens:SigningKey"] = TlsBridge.SigningKey;
        using var withClient = new BridgeFactory(settings);
        var token = await IssueAsync(withClient);
        settings.Remove("Bridge:Security:Clients:cloud-alm:Secret");
        settings.Remove("Bridge:Security:Clients:cloud-alm:Roles:0");
        settings["Bridge:Security:Clients:calm-new:Secret"] = "a-new-secret-for-a-new-client";
        settings["Bridge:Security:Clients:calm-new:Roles:0"] = "events";
        using var withoutClient = new BridgeFactory(settings);

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(withClient, token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(withoutClient, token));
    }

    [Fact]
    public void ShortSigningKey_StopsTheStart_WithoutShowingIt()
    {
        var settings = _isolated.Settings();
        settings["Bridge:Security:Tokens:SigningKey"] = "too-short-key";
        settings["Bridge:Security:Tokens:Lifetime"] = "2.00:00:00";
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, f => f.StartsWith("Bridge:Security:Tokens:SigningKey: must be at least 32 characters", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.StartsWith("Bridge:Security:Tokens:Lifetime", StringComparison.Ordinal));
        Assert.DoesNotContain("too-short-key", exception.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _isolated.Dispose();

    private static string EventsRoute() => $"/api/v1/events/{TestSettings.Subscription}/{Events.NewSituationId()}";

    private async Task<HttpStatusCode> StatusAsync(string token)
    {
        using var caller = bridge.Client(authorization: Bearer(token));
        using var response = await caller.GetAsync(EventsRoute());
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> StatusAsync(BridgeFactory factory, string token)
    {
        using var caller = factory.CreateClient();
        caller.DefaultRequestHeaders.Authorization = Bearer(token);
        using var response = await caller.GetAsync(EventsRoute());
        return response.StatusCode;
    }

    private static async Task<string> IssueAsync(BridgeFactory factory)
    {
        using var http = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var response = await http.PostAsync("/oauth/token", Form(("grant_type", "client_credentials")));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    /// <summary>A token made outside the bridge with a known key: the way to test dates and audiences exactly.</summary>
    private static string Sign(string key, DateTime expires, string audience = "CloudAlmBridge", string issuer = "CloudAlmBridge") =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires.AddMinutes(-15),
            NotBefore = expires.AddMinutes(-15),
            Expires = expires,
            Claims = new Dictionary<string, object> { ["sub"] = TestSettings.EventsClient, ["roles"] = new[] { "events" } },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
}
