using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CloudAlmBridge.Tests.Security;

/// <summary>
/// Headers on every answer, a rate limit per client, body caps, https towards ticket systems, an API-key header that
/// never follows a redirect, and a destination without credentials.
/// </summary>
public sealed class HardeningTests : IDisposable
{
    private readonly IsolatedServiceNow _isolated = new();

    [Fact]
    public async Task EveryAnswer_CarriesTheSecurityHeaders()
    {
        using var factory = new BridgeFactory(Settings());
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        using var anonymous = factory.CreateClient();

        var api = await admin.GetAsync("/api/v1/subscriptions");
        var problem = await anonymous.GetAsync("/api/v1/subscriptions");
        var swagger = await anonymous.GetAsync("/swagger/index.html");

        foreach (var response in new[] { api, problem, swagger })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }

        Assert.Equal("default-src 'none'; frame-ancestors 'none'", api.Headers.GetValues("Content-Security-Policy").Single());
        Assert.True(api.Headers.CacheControl?.NoStore);
        Assert.StartsWith("default-src 'self'", swagger.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_IsPerClient_AndAnswers429WithRetryAfter()
    {
        var settings = Settings();
        settings["Bridge:Security:PermitsPerMinute"] = "3";
        using var factory = new BridgeFactory(settings);
        using var ops = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        using var other = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);

        var allowed = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add((await ops.GetAsync("/api/v1/subscriptions")).StatusCode);
        }

        var limited = await ops.GetAsync("/api/v1/subscriptions");
        var otherClient = await other.GetAsync("/api/v1/events/calm-to-snow/some-situation");
        var health = await ops.GetAsync("/health/live");

        Assert.All(allowed, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("Too many requests", (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, otherClient.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task AnEventStorm_FromTheEventsClient_IsNotRefused_WhileOtherCallersStayLimited()
    {
        // A landscape going down: far more events in a minute than the general limit allows.
        var settings = Settings();
        settings["Bridge:Security:PermitsPerMinute"] = "5";
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var guesser = factory.CreateClient(TestSettings.EventsClient, "not-the-secret");
        using var ops = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var storm = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            storm.Add((await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()))).StatusCode);
        }

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            guesses.Add((await guesser.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()))).StatusCode);
        }

        var admin = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            admin.Add((await ops.GetAsync("/api/v1/subscriptions")).StatusCode);
        }

        Assert.All(storm, s => Assert.Equal(HttpStatusCode.Accepted, s));
        Assert.Contains(HttpStatusCode.TooManyRequests, guesses);
        Assert.DoesNotContain(HttpStatusCode.Accepted, guesses);
        Assert.Contains(HttpStatusCode.TooManyRequests, admin);
    }

    [Fact]
    public void PlainHttpDestination_WithoutAllowInsecureHttp_StopsTheStart()
    {
        var settings = Settings();
        settings["Bridge:Destinations:servicenow:AllowInsecureHttp"] = null;
        using var factory = new BridgeFactory(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(exception.Failures, f => f.StartsWith("Bridge:Destinations:servicenow:Url:", StringComparison.Ordinal) && f.Contains("is not https", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiKeyHeaderDestination_SendsTheKey_AndTheApiMasksIt()
    {
        var settings = Settings();
        settings["Bridge:Destinations:servicenow:Authentication:Type"] = "ApiKeyHeader";
        settings["Bridge:Destinations:servicenow:Authentication:HeaderName"] = "x-sn-apikey";
        settings["Bridge:Destinations:servicenow:Authentication:HeaderValue"] = "key-that-must-not-leak-0042";
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        _isolated.ServiceNow.AnswersLookup();
        _isolated.ServiceNow.AnswersCreate("kkk111", "INC0040001");

        var response = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        var destinations = await admin.GetStringAsync("/api/v1/destinations");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.All(_isolated.ServiceNow.LogEntries, e =>
        {
            Assert.Equal("key-that-must-not-leak-0042", e.RequestMessage.Headers!["x-sn-apikey"].Single());
            Assert.False(e.RequestMessage.Headers!.ContainsKey("Authorization"));
        });
        Assert.DoesNotContain("key-that-must-not-leak-0042", destinations, StringComparison.Ordinal);
        Assert.Contains("\"headerValue\":\"***\"", destinations, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ARedirect_IsNotFollowed_SoTheApiKeyNeverReachesAnotherHost(bool absolute)
    {
        using var elsewhere = WireMockServer.Start();
        elsewhere.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"result":[]}"""));
        var settings = Settings();
        settings["Bridge:Destinations:servicenow:Authentication:Type"] = "ApiKeyHeader";
        settings["Bridge:Destinations:servicenow:Authentication:HeaderName"] = "x-sn-apikey";
        settings["Bridge:Destinations:servicenow:Authentication:HeaderValue"] = "key-that-must-not-travel-0043";
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        _isolated.ServiceNow.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(307)
                .WithHeader("Location", absolute ? $"http://u:p@{new Uri(elsewhere.Url!).Authority}/login.do?token=t0k3n" : "/login.do?token=t0k3n"));

        var response = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("answered 307", detail, StringComparison.Ordinal);
        Assert.Contains("does not follow", detail, StringComparison.Ordinal);
        Assert.Contains("/login.do'", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("t0k3n", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("u:p@", detail, StringComparison.Ordinal);
        Assert.Empty(elsewhere.LogEntries);
        Assert.Single(_isolated.ServiceNow.LogEntries);
    }

    [Fact]
    public async Task NoAuthenticationDestination_SendsNoCredentials()
    {
        var settings = Settings();
        settings["Bridge:Destinations:servicenow:Authentication:Type"] = "NoAuthentication";
        settings["Bridge:Destinations:servicenow:Authentication:User"] = null;
        settings["Bridge:Destinations:servicenow:Authentication:Password"] = null;
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        _isolated.ServiceNow.AnswersLookup();
        _isolated.ServiceNow.AnswersCreate("kkk222", "INC0040002");

        var response = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, _isolated.ServiceNow.LogEntries.Count());
        Assert.All(_isolated.ServiceNow.LogEntries, e => Assert.False(e.RequestMessage.Headers!.ContainsKey("Authorization")));
    }

    [Theory]
    [InlineData("/oauth/token", 16 * 1024 + 1)]
    [InlineData("/api/v1/mappings/preview", (4 * 1024 * 1024) + 1)]
    public async Task BodiesOverTheCap_Are413_BeforeAuthentication(string path, int size)
    {
        using var factory = new BridgeFactory(Settings());
        using var anonymous = factory.CreateClient();
        using var content = new ByteArrayContent(new byte[size]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(
            path == "/oauth/token" ? "application/x-www-form-urlencoded" : "application/json");

        var response = await anonymous.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => _isolated.Dispose();

    private Dictionary<string, string?> Settings() => _isolated.Settings();
}
