using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Security;

/// <summary>Outbound OAuth2 client credentials against a WireMock token endpoint and ServiceNow.</summary>
public sealed class OAuthDestinationTests : IDisposable
{
    private const string ClientSecret = "oauth-client-secret-5555";
    private readonly IsolatedServiceNow _isolated = new();

    [Fact]
    public async Task Token_IsFetchedOnceForManyParallelCalls_AsServiceNowsForm_AndSentAsBearer()
    {
        using var factory = new BridgeFactory(Settings());
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        AnswerTokens("token-one", "token-two");
        _isolated.ServiceNow.AnswersLookup();
        _isolated.ServiceNow.AnswersCreate("nnn111", "INC0070001");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var tokenCall = Assert.Single(_isolated.ServiceNow.Calls("POST", "/oauth_token.do"));
        var form = tokenCall.RequestMessage.Body!;
        Assert.Contains("grant_type=client_credentials", form, StringComparison.Ordinal);
        Assert.Contains("client_id=bridge-client", form, StringComparison.Ordinal);
        Assert.Contains($"client_secret={ClientSecret}", form, StringComparison.Ordinal);
        Assert.Contains("scope=useraccount", form, StringComparison.Ordinal);
        Assert.All(_isolated.ServiceNow.LogEntries.Where(e => e.RequestMessage.Path != "/oauth_token.do"),
            e => Assert.Equal("Bearer token-one", e.RequestMessage.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task Unauthorized_RefreshesTheTokenOnce_AndRetriesTheCall()
    {
        using var factory = new BridgeFactory(Settings());
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        AnswerTokens("revoked-token", "fresh-token");
        _isolated.ServiceNow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingGet().WithHeader("Authorization", "Bearer revoked-token"))
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"error":{"message":"User Not Authenticated"}}"""));
        _isolated.ServiceNow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingGet().WithHeader("Authorization", "Bearer fresh-token"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"result":[]}"""));
        _isolated.ServiceNow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingPost().WithHeader("Authorization", "Bearer fresh-token"))
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":{"sys_id":"ooo111","number":"INC0070002","state":"1"}}"""));

        var response = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        var destinations = await admin.GetStringAsync("/api/v1/destinations");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, _isolated.ServiceNow.Calls("POST", "/oauth_token.do").Count);
        Assert.Equal(2, _isolated.ServiceNow.Calls("GET", ServiceNowStubs.IncidentPath).Count);
        Assert.DoesNotContain(ClientSecret, destinations, StringComparison.Ordinal);
        Assert.Contains("\"clientSecret\":\"***\"", destinations, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedCredentials_DeadLetterTheDelivery_WithTheTokenEndpointsMessage()
    {
        using var factory = new BridgeFactory(Settings());
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        _isolated.ServiceNow.Given(Request.Create().WithPath("/oauth_token.do").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error_description":"access_denied","error":"server_error"}"""));

        var response = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("token endpoint answered 401: server_error: access_denied", detail);
        Assert.DoesNotContain(ClientSecret, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenAnswers_AsIssuersWriteThem_AreRead_AndAPageInsteadOfAToken_IsRetried()
    {
        var settings = Settings();
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "1";
        _isolated.ServiceNow.Given(Request.Create().WithPath("/oauth_token.do").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"access_token":"fractional-expiry","expires_in":3599.0}"""));
        _isolated.ServiceNow.AnswersLookup();
        _isolated.ServiceNow.AnswersCreate("nnn333", "INC0070004");

        // A number with a fraction is read (expires_in is a JSON number; some issuers write 3599.0).
        using (var factory = new BridgeFactory(settings))
        using (var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret))
        {
            var read = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
            Assert.Equal(HttpStatusCode.Created, read.StatusCode);
        }

        // Restarted, the bridge meets a hibernating instance that answers 200 with a page: no token now, maybe
        // later, so the delivery is kept and retried rather than dead-lettered.
        _isolated.ServiceNow.ResetMappings();
        _isolated.ServiceNow.Given(Request.Create().WithPath("/oauth_token.do").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html>Your instance is hibernating</html>"));
        using (var factory = new BridgeFactory(settings))
        using (var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret))
        using (var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret))
        {
            var page = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

            Assert.Equal(HttpStatusCode.Accepted, page.StatusCode);
            var retrying = await admin.GetFromJsonAsync<JsonElement>("/api/v1/deliveries?state=Retrying");
            var delivery = Assert.Single(retrying.EnumerateArray());
            Assert.Contains("without an OAuth2 token", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Token_IsFetchedAgain_ShortlyBeforeItExpires()
    {
        using var factory = new BridgeFactory(Settings());
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        AnswerTokens("short-lived-one", "short-lived-two", expiresIn: 6);
        _isolated.ServiceNow.AnswersLookup();
        _isolated.ServiceNow.AnswersCreate("nnn222", "INC0070003");

        // Six seconds of life: refreshed at half of it (a minute before expiry, for longer tokens).
        var first = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var second = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var ticketCalls = _isolated.ServiceNow.LogEntries.Where(e => e.RequestMessage.Path != "/oauth_token.do").ToList();
        Assert.Equal("Bearer short-lived-one", ticketCalls[0].RequestMessage.Headers!["Authorization"].Single());
        Assert.Equal("Bearer short-lived-two", ticketCalls[^1].RequestMessage.Headers!["Authorization"].Single());
        Assert.Equal(2, _isolated.ServiceNow.Calls("POST", "/oauth_token.do").Count);
    }

    public void Dispose() => _isolated.Dispose();

    private void AnswerTokens(string first, string second, int expiresIn = 1799)
    {
        _isolated.ServiceNow.Given(Request.Create().WithPath("/oauth_token.do").UsingPost()).InScenario("tokens").WillSetStateTo("second")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"access_token":"{{first}}","token_type":"Bearer","expires_in":{{expiresIn}},"scope":"useraccount"}"""));
        _isolated.ServiceNow.Given(Request.Create().WithPath("/oauth_token.do").UsingPost()).InScenario("tokens").WhenStateIs("second")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"access_token":"{{second}}","token_type":"Bearer","expires_in":{{expiresIn}}}"""));
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = _isolated.Settings();
        settings["Bridge:Destinations:servicenow:Authentication:Type"] = "OAuth2ClientCredentials";
        settings["Bridge:Destinations:servicenow:Authentication:TokenUrl"] = $"{_isolated.Url}/oauth_token.do";
        settings["Bridge:Destinations:servicenow:Authentication:ClientId"] = "bridge-client";
        settings["Bridge:Destinations:servicenow:Authentication:ClientSecret"] = ClientSecret;
        settings["Bridge:Destinations:servicenow:Authentication:Scope"] = "useraccount";
        return settings;
    }
}
