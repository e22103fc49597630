using System.Net.Http.Headers;
using System.Text;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CloudAlmBridge.Tests.Security;

/// <summary>
/// Every secret configured, a sequence of calls that succeed and fail in every way, then every captured log line and
/// every answer scanned for any of the secrets (and their Basic encodings).
/// </summary>
public sealed class SecretLeakTests : IDisposable
{
    private const string EventsSecret = "events-secret-LEAKCHECK-1111";
    private const string AdminSecret = "admin-secret-LEAKCHECK-2222";
    private const string SnowPassword = "snow-password-LEAKCHECK-3333";
    private const string ApiKey = "api-key-LEAKCHECK-4444";
    private const string SigningKey = "signing-key-LEAKCHECK-5555-0123456789abcdef";
    private const string PreviousSigningKey = "previous-key-LEAKCHECK-6666-0123456789abcdef";
    private const string PfxPassword = "pfx-password-LEAKCHECK-7777";
    private const string OAuthClientSecret = "oauth-client-secret-LEAKCHECK-8888";
    private const string OutboundToken = "outbound-token-LEAKCHECK-9999";
    private readonly TempDirectory _directory = new();
    private readonly WireMockServer _serviceNow = WireMockServer.Start();
    private readonly WireMockServer _gateway = WireMockServer.Start();
    private readonly WireMockServer _oauth = WireMockServer.Start();

    [Fact]
    public async Task NoSecret_AppearsInAnyAnswerOrLogLine()
    {
        var settings = TestSettings.ForServiceNow(_serviceNow.Url!, _directory.File("bridge.db"));
        settings["Serilog:MinimumLevel:Default"] = "Verbose";
        settings["Bridge:Security:Clients:cloud-alm:Secret"] = EventsSecret;
        settings["Bridge:Security:Clients:ops:Secret"] = AdminSecret;
        settings["Bridge:Destinations:servicenow:Authentication:Password"] = SnowPassword;
        settings["Bridge:Destinations:gateway:Url"] = _gateway.Url;
        settings["Bridge:Destinations:gateway:AllowInsecureHttp"] = "true";
        settings["Bridge:Destinations:gateway:Authentication:Type"] = "ApiKeyHeader";
        settings["Bridge:Destinations:gateway:Authentication:HeaderName"] = "x-api-key";
        settings["Bridge:Destinations:gateway:Authentication:HeaderValue"] = ApiKey;
        settings["Bridge:Webhooks:gateway-incident:Destination"] = "gateway";
        settings["Bridge:Webhooks:gateway-incident:Path"] = "/api/now/table/incident";
        settings["Bridge:Webhooks:gateway-incident:DestinationType"] = "SNOW";
        settings["Bridge:Subscriptions:via-gateway:Webhook"] = "gateway-incident";
        settings["Bridge:Subscriptions:via-gateway:UserVariables:closeCode"] = "Solved (Permanently)";
        settings["Bridge:Security:Tokens:SigningKey"] = SigningKey;
        settings["Bridge:Security:Tokens:PreviousSigningKeys:0"] = PreviousSigningKey;
        using var certificates = new TestCertificates();
        var pfx = Convert.ToBase64String(certificates.IssueClient("bridge").Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, PfxPassword));
        settings["Bridge:Destinations:mtls:Url"] = "https://jira.example.invalid";
        settings["Bridge:Destinations:mtls:Authentication:Type"] = "ClientCertificateAuthentication";
        settings["Bridge:Destinations:mtls:Authentication:Certificate"] = pfx;
        settings["Bridge:Destinations:mtls:Authentication:CertificatePassword"] = PfxPassword;
        settings["Bridge:Destinations:oauth:Url"] = _oauth.Url;
        settings["Bridge:Destinations:oauth:AllowInsecureHttp"] = "true";
        settings["Bridge:Destinations:oauth:Authentication:Type"] = "OAuth2ClientCredentials";
        settings["Bridge:Destinations:oauth:Authentication:TokenUrl"] = $"{_oauth.Url}/oauth_token.do";
        settings["Bridge:Destinations:oauth:Authentication:ClientId"] = "bridge";
        settings["Bridge:Destinations:oauth:Authentication:ClientSecret"] = OAuthClientSecret;
        settings["Bridge:Webhooks:oauth-incident:Destination"] = "oauth";
        settings["Bridge:Webhooks:oauth-incident:Path"] = "/api/now/table/incident";
        settings["Bridge:Webhooks:oauth-incident:DestinationType"] = "SNOW";
        settings["Bridge:Subscriptions:via-oauth:Webhook"] = "oauth-incident";
        settings["Bridge:Subscriptions:via-oauth:UserVariables:closeCode"] = "Solved (Permanently)";
        using var factory = new BridgeFactory(settings);
        var issuedTokens = new List<string>();
        var answers = new List<string>();
        _serviceNow.AnswersLookup();
        _serviceNow.AnswersCreate("lll111", "INC0050001");
        _serviceNow.AnswersError("PATCH", $"{ServiceNowStubs.IncidentPath}/lll111", 403, "Operation Failed", "Data Policy Exception");
        // The OAuth destination hands out a token (expires_in as a string, as Azure AD v1 writes it), then refuses it.
        _oauth.Given(Request.Create().WithPath("/oauth_token.do").UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody($$"""{"access_token":"{{OutboundToken}}","token_type":"Bearer","expires_in":"1799"}"""));
        _oauth.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(401)
            .WithHeader("Content-Type", "application/json").WithBody("""{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"}}"""));
        _gateway.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"error":{"message":"User Not Authenticated"}}"""));

        using (var events = factory.CreateClient("cloud-alm", EventsSecret))
        using (var admin = factory.CreateClient("ops", AdminSecret))
        using (var wrong = factory.CreateClient("cloud-alm", EventsSecret + "-wrong"))
        using (var anonymous = factory.CreateClient())
        {
            var situation = Events.NewSituationId();
            async Task Keep(Task<HttpResponseMessage> call)
            {
                using var response = await call;
                answers.Add($"{response.Headers}{response.Content.Headers}{await response.Content.ReadAsStringAsync()}");
            }

            await Keep(events.PostEventAsync(TestSettings.Subscription, Events.Message("created", situation)));
            await Keep(events.PostEventAsync(TestSettings.Subscription, Events.Message("updated", situation)));
            await Keep(events.PostEventAsync("via-gateway", Events.Message("created", Events.NewSituationId())));
            await Keep(events.PostEventAsync("via-oauth", Events.Message("created", Events.NewSituationId())));
            await Keep(events.GetAsync($"/api/v1/events/{TestSettings.Subscription}/{situation}"));
            await Keep(events.PostAsync($"/api/v1/events/{TestSettings.Subscription}", Events.Json("{ broken")));
            await Keep(wrong.PostEventAsync(TestSettings.Subscription, Events.Message("created", situation)));
            await Keep(anonymous.GetAsync("/api/v1/destinations"));
            await Keep(events.GetAsync("/api/v1/destinations"));
            foreach (var route in new[] { "/api/v1/destinations", "/api/v1/subscriptions", "/api/v1/webhooks", "/api/v1/mappings",
                         "/api/v1/deliveries", "/api/v1/deliveries?state=DeadLettered", $"/api/v1/tickets/{TestSettings.Subscription}/{situation}",
                         "/metrics", "/health/ready", "/openapi/v1.json" })
            {
                await Keep(admin.GetAsync(route));
            }

            // Tokens: issued (its answer is the one place a token may appear, so it is not kept), used, refused.
            using (var issued = await events.PostAsync("/oauth/token", new FormUrlEncodedContent([new("grant_type", "client_credentials")])))
            {
                var token = System.Text.Json.Nodes.JsonNode.Parse(await issued.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
                issuedTokens.Add(token);
                using var bearer = factory.CreateClient();
                bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                await Keep(bearer.GetAsync($"/api/v1/events/{TestSettings.Subscription}/{situation}"));
                await Keep(bearer.GetAsync("/api/v1/destinations"));
                bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AuthenticationMatrixTests.Tamper(token));
                await Keep(bearer.GetAsync("/api/v1/destinations"));
            }

            await Keep(anonymous.PostAsync("/oauth/token", new FormUrlEncodedContent([new("grant_type", "client_credentials"),
                new("client_id", "cloud-alm"), new("client_secret", EventsSecret + "-wrong")])));

            using var malformed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/destinations");
            malformed.Headers.Authorization = new AuthenticationHeaderValue("Basic", "not-base64-" + AdminSecret);
            await Keep(anonymous.SendAsync(malformed));
        }

        var secrets = new[] { EventsSecret, AdminSecret, SnowPassword, ApiKey, SigningKey, PreviousSigningKey, PfxPassword, OAuthClientSecret, OutboundToken, pfx }
            .Concat(issuedTokens)
            .Concat(issuedTokens.Select(t => t.Split('.')[2]));
        var encoded = new[]
        {
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"cloud-alm:{EventsSecret}")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{AdminSecret}")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestSettings.ServiceNowUser}:{SnowPassword}")),
        };
        var logs = factory.Logs.Lines.ToList();
        Assert.True(logs.Count > 20, $"only {logs.Count} log lines were captured: the scan would prove nothing");
        Assert.Contains(logs, l => l.Contains("Authentication failed for client", StringComparison.Ordinal)
                                   && l.Contains("ClientName=cloud-alm", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Contains("\"***\"", StringComparison.Ordinal));
        Assert.Single(issuedTokens);
        foreach (var secret in secrets.Concat(encoded))
        {
            Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(answers, a => a.Contains(secret, StringComparison.Ordinal));
        }

        // The secrets did reach the ticket systems, so the scan looked for values that were really in play.
        Assert.Contains(_gateway.LogEntries, e => e.RequestMessage.Headers!["x-api-key"].Single() == ApiKey);
        Assert.Contains(_oauth.LogEntries, e => e.RequestMessage.Body?.Contains(OAuthClientSecret, StringComparison.Ordinal) == true);
        Assert.Contains(_oauth.LogEntries, e => e.RequestMessage.Headers?.TryGetValue("Authorization", out var value) == true
                                                && value.Single() == $"Bearer {OutboundToken}");
        Assert.Contains(answers, a => a.Contains("User Not Authenticated", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _serviceNow.Stop();
        _serviceNow.Dispose();
        _gateway.Stop();
        _gateway.Dispose();
        _oauth.Stop();
        _oauth.Dispose();
        _directory.Dispose();
    }
}
