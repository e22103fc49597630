using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Security;

/// <summary>
/// Every inbound scheme × credential (a client with role <c>events</c>, one with <c>admin</c>, a refused one) × route
/// group, plus no credentials at all, against the bridge on real Kestrel with TLS: the expected status for each.
/// </summary>
public sealed class AuthenticationMatrixTests(TlsBridge bridge) : IClassFixture<TlsBridge>
{
    public static readonly string[] Schemes = ["Basic", "BridgeToken", "ExternalJwt", "ClientCertificate"];
    public static readonly string[] Credentials = ["events", "admin", "refused"];
    public static readonly string[] RouteGroups = ["events", "management", "health", "swagger"];

    public static TheoryData<string, string, string, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string, string, string, HttpStatusCode>();
        foreach (var route in RouteGroups)
        {
            foreach (var scheme in Schemes)
            {
                foreach (var credential in Credentials)
                {
                    data.Add(scheme, credential, route, Expected(credential, route));
                }
            }

            data.Add("None", "none", route, Expected("none", route));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Scheme_Credential_RouteGroup_GetsTheExpectedStatus(string scheme, string credential, string route, HttpStatusCode expected)
    {
        using var client = await ClientAsync(scheme, credential);

        using var response = await client.GetAsync(Route(route));

        Assert.Equal(expected, response.StatusCode);
        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

            // Issue 13: the problem says why: no credentials, not accepted (a secret: never which half was wrong), or
            // the role the route needs.
            var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
            if (expected == HttpStatusCode.Unauthorized)
            {
                Assert.StartsWith(credential == "none" ? "No credentials: send Basic credentials" : "The credentials were not accepted: ", detail,
                    StringComparison.Ordinal);
            }

            if (scheme == "Basic" && credential == "refused")
            {
                Assert.Contains("unknown client or wrong secret", detail, StringComparison.Ordinal);
            }

            if (expected == HttpStatusCode.Forbidden)
            {
                Assert.StartsWith($"This route needs the role '{(route == "events" ? "events" : "admin")}'; client '", detail, StringComparison.Ordinal);
                Assert.Contains($"has the role(s) '{credential}'", detail, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Matrix_CoversEverySchemeCredentialAndRouteGroup()
    {
        Assert.Equal(((Schemes.Length * Credentials.Length) + 1) * RouteGroups.Length, Matrix().Count);
    }

    // Health and Swagger are public (they hold no tickets and no secrets); the rest follows the role.
    private static HttpStatusCode Expected(string credential, string route) => (credential, route) switch
    {
        (_, "health" or "swagger") => HttpStatusCode.OK,
        ("none" or "refused", _) => HttpStatusCode.Unauthorized,
        ("events", "events") => HttpStatusCode.NotFound,
        ("admin", "management") => HttpStatusCode.OK,
        _ => HttpStatusCode.Forbidden,
    };

    // The events route reached with an unknown situation answers 404 "No ticket": past authentication and authorization.
    private static string Route(string group) => group switch
    {
        "events" => $"/api/v1/events/{TestSettings.Subscription}/{Events.NewSituationId()}",
        "management" => "/api/v1/webhooks",
        "health" => "/health/live",
        "swagger" => "/openapi/v1.json",
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
    };

    private async Task<HttpClient> ClientAsync(string scheme, string credential)
    {
        return (scheme, credential) switch
        {
            ("None", _) => bridge.Client(),
            ("Basic", "events") => bridge.Client(authorization: Basic(TestSettings.EventsClient, TestSettings.EventsSecret)),
            ("Basic", "admin") => bridge.Client(authorization: Basic(TestSettings.AdminClient, TestSettings.AdminSecret)),
            ("Basic", _) => bridge.Client(authorization: Basic(TestSettings.EventsClient, "not-the-secret")),
            ("BridgeToken", "events") => bridge.Client(authorization: Bearer(await TokenAsync(TestSettings.EventsClient, TestSettings.EventsSecret))),
            ("BridgeToken", "admin") => bridge.Client(authorization: Bearer(await TokenAsync(TestSettings.AdminClient, TestSettings.AdminSecret))),
            ("BridgeToken", _) => bridge.Client(authorization: Bearer(Tamper(await TokenAsync(TestSettings.EventsClient, TestSettings.EventsSecret)))),
            ("ExternalJwt", "events") => bridge.Client(authorization: Bearer(bridge.Issuer.Token(roles: ["cloud-alm-bridge!t42.events"]))),
            ("ExternalJwt", "admin") => bridge.Client(authorization: Bearer(bridge.Issuer.Token(scope: "cloud-alm-bridge!t42.admin openid"))),
            ("ExternalJwt", _) => bridge.Client(authorization: Bearer(bridge.Issuer.Token(roles: ["events", "admin"], signedByUnknownKey: true))),
            ("ClientCertificate", "events") => bridge.Client(bridge.EventsCertificate),
            ("ClientCertificate", "admin") => bridge.Client(bridge.AdminCertificate),
            ("ClientCertificate", _) => bridge.Client(bridge.StrangerCertificate),
            _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, null),
        };
    }

    private async Task<string> TokenAsync(string client, string secret)
    {
        using var http = bridge.Client(authorization: Basic(client, secret));
        using var response = await http.PostAsync("/oauth/token", new FormUrlEncodedContent([new("grant_type", "client_credentials")]));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    /// <summary>The attack a signature stops: the payload rewritten to claim the admin role, the signature kept.</summary>
    internal static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1])))!.AsObject();
        payload["roles"] = new JsonArray("events", "admin");
        parts[1] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(payload));
        return string.Join('.', parts);
    }

    internal static AuthenticationHeaderValue Basic(string user, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));

    internal static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}
