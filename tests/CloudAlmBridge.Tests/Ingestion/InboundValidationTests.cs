using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Ingestion;

/// <summary>docs/api.md §2: bad input gets a problem+json and changes nothing.</summary>
public sealed class InboundValidationTests : IClassFixture<ServiceNowBridgeFixture>
{
    private readonly ServiceNowBridgeFixture _bridge;

    public InboundValidationTests(ServiceNowBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Fact]
    public async Task UnknownSubscription_Is404_NamingIt()
    {
        using var client = _bridge.EventsClient();

        var response = await client.PostEventAsync("no-such-subscription", Events.Message("created", Events.NewSituationId()));

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound, "Unknown subscription");
        Assert.Contains("'no-such-subscription'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task DisabledSubscription_Is409()
    {
        using var client = _bridge.EventsClient();

        var response = await client.PostEventAsync(TestSettings.DisabledSubscription, Events.Message("created", Events.NewSituationId()));

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "Subscription disabled");
    }

    [Theory]
    [InlineData("{\"eventType\": ")]
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]
    [InlineData("")]
    public async Task MalformedJson_Is400(string body)
    {
        using var client = _bridge.EventsClient();

        var response = await client.PostAsync($"/api/v1/events/{TestSettings.Subscription}", Events.Json(body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Invalid change message");
    }

    [Fact]
    public async Task InvalidMessage_Is400_ListingEveryProblem()
    {
        using var client = _bridge.EventsClient();

        var response = await client.PostAsync($"/api/v1/events/{TestSettings.Subscription}",
            Events.Json("""{ "subscriptionId": 7, "eventType": "EVENT-SITUATION.EXPLODED", "resource": { "subject": "no id" } }"""));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Invalid change message");
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(4, errors.Length);
        Assert.Contains("subscriptionId: must be a string", errors);
        Assert.Contains("resourceType: required, a non-empty string", errors);
        Assert.Contains(errors, e => e!.StartsWith("eventType: 'EVENT-SITUATION.EXPLODED' is not one of", StringComparison.Ordinal));
        Assert.Contains("resource.id: required, the event situation's id as a non-empty string", errors);
    }

    [Fact]
    public async Task DeeplyNestedJson_Is400()
    {
        using var client = _bridge.EventsClient();
        var nested = new StringBuilder();
        for (var i = 0; i < 200; i++)
        {
            nested.Append("{\"a\":");
        }

        nested.Append('1').Append('}', 200);

        var response = await client.PostAsync($"/api/v1/events/{TestSettings.Subscription}", Events.Json(nested.ToString()));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Invalid change message");
    }

    [Fact]
    public async Task NotJson_Is415()
    {
        using var client = _bridge.EventsClient();

        var response = await client.PostAsync($"/api/v1/events/{TestSettings.Subscription}",
            new StringContent(Events.Message("created", Events.NewSituationId()).ToJsonString(), Encoding.UTF8, "text/plain"));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "Unsupported Media Type");
    }

    [Theory]
    [InlineData("tab\there")]
    [InlineData("new\nline")]
    [InlineData("x^ORnumber=INC0012345")]
    [InlineData("a b")]
    [InlineData(null)]
    public async Task UnusableSituationId_Is400_AndNothingIsStored(string? situationId)
    {
        situationId ??= new string('x', 101);
        using var client = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();

        var response = await client.PostEventAsync(TestSettings.Subscription, Events.Message("created", situationId));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Invalid change message");
        var deliveries = await admin.GetStringAsync("/api/v1/deliveries");
        Assert.DoesNotContain(JsonSerializer.Serialize(situationId)[1..^1], deliveries, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PingOfAnUnusableSituationId_Is400()
    {
        using var client = _bridge.EventsClient();

        var response = await client.GetAsync($"/api/v1/events/{TestSettings.Subscription}/{Uri.EscapeDataString("x^ORnumber=INC0012345")}");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Invalid situation id");
    }

    [Fact]
    public async Task NoContentType_Is415()
    {
        using var client = _bridge.EventsClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Events.Message("created", Events.NewSituationId()).ToJsonString()));

        var response = await client.PostAsync($"/api/v1/events/{TestSettings.Subscription}", content);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "Unsupported Media Type");
    }

    [Fact]
    public async Task NotJson_WithoutCredentials_Is401_NotTheMediaType()
    {
        using var client = _bridge.Factory.CreateClient();

        var response = await client.PostAsync($"/api/v1/events/{TestSettings.Subscription}", new StringContent("x", Encoding.UTF8, "text/plain"));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413()
    {
        using var client = _bridge.EventsClient();
        var message = Events.Message("created", Events.NewSituationId());
        message["resource"]!["body"] = new string('x', 1024 * 1024 + 1);

        var response = await client.PostEventAsync(TestSettings.Subscription, message);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Body too large");
    }

    [Fact]
    public async Task ResourceTypeTheSubscriptionDoesNotHandle_Is422()
    {
        using var client = _bridge.EventsClient();
        var message = Events.Message("created", Events.NewSituationId());
        message["resourceType"] = "WORKFLOW";

        var response = await client.PostEventAsync(TestSettings.Subscription, message);

        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "Resource type not handled");
    }

    [Theory]
    [InlineData("EVENT-SITUATIONS")]
    [InlineData("EVENT-SITUATION")]
    public async Task BothSpellingsOfTheResourceType_AreHandled(string resourceType)
    {
        _bridge.ServiceNow.AnswersLookup();
        using var client = _bridge.EventsClient();
        var message = Events.Message("closed", Events.NewSituationId());
        message["resourceType"] = resourceType;

        var response = await client.PostEventAsync(TestSettings.Subscription, message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NoCredentials_Is401_WithABasicAndABearerChallenge()
    {
        using var client = _bridge.Factory.CreateClient();

        var response = await client.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
        // Both ways in are offered: a Basic secret or a bearer token from /oauth/token.
        var schemes = response.Headers.WwwAuthenticate.Select(challenge => challenge.Scheme).ToList();
        Assert.Equal(["Basic", "Bearer"], schemes);
    }

    [Theory]
    [InlineData(TestSettings.EventsClient, "wrong-secret")]
    [InlineData("stranger", TestSettings.EventsSecret)]
    [InlineData(TestSettings.EventsClient, "")]
    public async Task WrongCredentials_Are401(string user, string secret)
    {
        using var client = _bridge.Client(user, secret);

        var response = await client.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task MalformedAuthorizationHeader_Is401()
    {
        using var client = _bridge.Factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic !!!not-base64");

        var response = await client.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminClient_OnTheEventsRoute_Is403()
    {
        using var client = _bridge.AdminClient();

        var response = await client.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "Forbidden");
    }

    [Fact]
    public async Task EventsClient_OnTheManagementApi_Is403()
    {
        using var client = _bridge.EventsClient();

        var response = await client.GetAsync("/api/v1/subscriptions");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "Forbidden");
    }

    [Fact]
    public async Task RejectedInput_ReachesNeitherTheTicketSystemNorTheStore()
    {
        var situation = Events.NewSituationId();
        using var client = _bridge.EventsClient();
        var bad = Events.Message("created", situation);
        bad["eventType"] = "EVENT-SITUATION.UNKNOWN";

        await client.PostEventAsync(TestSettings.Subscription, bad);
        await client.PostEventAsync(TestSettings.DisabledSubscription, Events.Message("created", situation));

        Assert.Empty(_bridge.ServiceNow.LogEntries);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/events/{TestSettings.Subscription}/{situation}")).StatusCode);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(title, problem.GetProperty("title").GetString());
        return problem;
    }
}
