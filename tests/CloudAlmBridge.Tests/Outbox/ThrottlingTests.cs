using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Outbox;

/// <summary>
/// A ticket system that throttles in less ordinary ways: <c>Retry-After</c> of 0, in the past, or of 10^9 seconds, or
/// longer than the quick retries may wait; throttled deliveries beside others; bursts of PINGs.
/// </summary>
public sealed class ThrottlingTests : IDisposable
{
    private const string Incidents = ServiceNowStubs.IncidentPath;
    private readonly IsolatedServiceNow _serviceNow = new();

    [Theory]
    [InlineData("0")]
    [InlineData("Wed, 01 Jan 2020 00:00:00 GMT")]
    public async Task ARetryAfterOfZeroOrInThePast_NeverShortensTheBackoff(string retryAfter)
    {
        using var factory = Bridge();
        _serviceNow.ServiceNow.AnswersLookup();
        _serviceNow.ServiceNow.Given(Request.Create().WithPath(Incidents).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", retryAfter));
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var accepted = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Backoff 0.2 s, 0.4 s, 0.8 s, then 1 s: a handful of attempts in two seconds, not twenty and a dead letter.
        var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{Polling.DeliveryId(accepted)}");
        Assert.Equal("Retrying", delivery.GetProperty("state").GetString());
        Assert.InRange(delivery.GetProperty("attempts").GetArrayLength(), 1, 6);
    }

    [Fact]
    public async Task ARetryAfterOfABillionSeconds_DeadLettersAtOnce_SayingWhy()
    {
        using var factory = Bridge();
        _serviceNow.ServiceNow.AnswersLookup();
        _serviceNow.ServiceNow.Given(Request.Create().WithPath(Incidents).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1000000000"));
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var accepted = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        var delivery = await Polling.WaitForDeliveryAsync(admin, Polling.DeliveryId(accepted));

        Assert.Equal("DeadLettered", delivery.GetProperty("state").GetString());
        var error = delivery.GetProperty("lastError").GetString()!;
        Assert.Contains("past Bridge:Delivery:MaxRetryAge", error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
        Assert.Single(delivery.GetProperty("attempts").EnumerateArray());
    }

    [Fact]
    public async Task AQuickRetry_NeverWaitsBeyondMaxInlineRetryDelay_TheOutboxTakesOver()
    {
        using var factory = Bridge(new() { ["Bridge:Delivery:MaxInlineRetryDelay"] = "00:00:03" });
        var situation = await OpenTicketAsync(factory, "thr001");
        _serviceNow.ServiceNow.Given(Request.Create().WithPath($"{Incidents}/thr001").UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "40"));
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var accepted = await events.PostEventAsync(TestSettings.Subscription, Events.Message("updated", situation));

        // The attempt ends with the 429 instead of sleeping 40 s inside the HTTP call: it is recorded at once.
        await Polling.WaitUntilAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{Polling.DeliveryId(accepted)}")).GetProperty("attempts").GetArrayLength() >= 1,
            "the throttled attempt recorded", seconds: 5);
        Assert.Single(_serviceNow.ServiceNow.Calls("PATCH"));
    }

    [Fact]
    public async Task ThrottledDeliveries_HoldNoDestinationSlotWhileTheyWait()
    {
        // One slot; four situations whose updates ServiceNow cannot take now (503 with Retry-After: quick retries wait 2 s,
        // twice each). A 503 is the record's, not a rate limit: unlike a 429 it does not pause the whole destination.
        using var factory = Bridge(new()
        {
            ["Bridge:Inbound:WaitForDeliverySeconds"] = "5",
            ["Bridge:Delivery:MaxConcurrencyPerDestination"] = "1",
            ["Bridge:Delivery:MaxInlineRetryDelay"] = "00:00:03",
            ["Bridge:Delivery:InlineRetries"] = "2",
        });
        var throttled = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var sysId = $"slow{i}";
            throttled.Add(await OpenTicketAsync(factory, sysId));
            _serviceNow.ServiceNow.Given(Request.Create().WithPath($"{Incidents}/{sysId}").UsingPatch())
                .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "2"));
        }

        // Any other situation: found nowhere, created at once (after the specific stubs above).
        _serviceNow.ServiceNow.Given(Request.Create().WithPath(Incidents).UsingGet()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"result":[]}"""));
        _serviceNow.ServiceNow.Given(Request.Create().WithPath(Incidents).UsingPost()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":{"sys_id":"free01","number":"INC0070001","state":"1"}}"""));
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        var updates = throttled.Select(situation => events.PostEventAsync(TestSettings.Subscription, Events.Message("updated", situation))).ToList();
        await Task.Delay(300);

        // Another situation's create is not queued behind their waits (4 x 2 x 2 s with the slot held): it gets its
        // incident within the answer's wait of 5 s.
        var created = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Task.WhenAll(updates);
    }

    [Fact]
    public async Task ARateLimitedDestination_IsNotCalledAgain_BeforeItsRetryAfter_ByAnyDelivery()
    {
        using var factory = Bridge();
        _serviceNow.ServiceNow.AnswersLookup();
        _serviceNow.ServiceNow.Given(Request.Create().WithPath(Incidents).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "600"));
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var first = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        await Polling.WaitUntilAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{Polling.DeliveryId(first)}")).GetProperty("attempts").GetArrayLength() >= 1,
            "the rate-limited create recorded");
        var calls = _serviceNow.ServiceNow.LogEntries.Count();

        // Another situation's delivery: its look-up would be the next call. The destination asked for 600 s, so the
        // bridge sends nothing and answers the attempt with the destination's 429 and the time left.
        var second = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        await Polling.WaitUntilAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{Polling.DeliveryId(second)}")).GetProperty("attempts").GetArrayLength() >= 1,
            "the second delivery's attempt recorded");

        var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{Polling.DeliveryId(second)}");
        Assert.Equal("Retrying", delivery.GetProperty("state").GetString());
        Assert.Equal(429, delivery.GetProperty("lastStatus").GetInt32());
        Assert.Contains("allows no call before", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(calls, _serviceNow.ServiceNow.LogEntries.Count());
        Assert.Single(_serviceNow.ServiceNow.Calls("POST"));
    }

    [Fact]
    public async Task ABurstOfPingsForOneSituation_SharesOneReadOfTheTicket()
    {
        using var factory = Bridge();
        var situation = await OpenTicketAsync(factory, "ping01");
        _serviceNow.ServiceNow.Given(Request.Create().WithPath($"{Incidents}/ping01").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":{"sys_id":"ping01","number":"INC0060001","state":"2"}}""").WithDelay(TimeSpan.FromSeconds(1)));
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);

        var pings = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => events.GetAsync($"/api/v1/events/{TestSettings.Subscription}/{situation}")));

        Assert.All(pings, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
        Assert.InRange(_serviceNow.ServiceNow.Calls("GET", $"{Incidents}/ping01").Count, 1, 2);
    }

    [Fact]
    public async Task AnAnswerLargerThanMaxAnswerBytes_IsNotRead_AndTheAttemptFailsSayingSo()
    {
        using var factory = Bridge(new() { ["Bridge:Delivery:MaxAnswerBytes"] = "65536" });
        _serviceNow.ServiceNow.AnswersLookup();
        _serviceNow.ServiceNow.Given(Request.Create().WithPath(Incidents).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("{\"result\":{\"sys_id\":\"big01\",\"padding\":\"" + new string('x', 2 * 1024 * 1024) + "\"}}"));
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);

        var accepted = await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        await Polling.WaitUntilAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{Polling.DeliveryId(accepted)}")).GetProperty("attempts").GetArrayLength() >= 1,
            "the first attempt recorded");

        var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{Polling.DeliveryId(accepted)}");
        Assert.Equal("Retrying", delivery.GetProperty("state").GetString());
        Assert.Contains("more than 65536 bytes (Bridge:Delivery:MaxAnswerBytes)", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _serviceNow.Dispose();

    private BridgeFactory Bridge(Dictionary<string, string?>? changes = null)
    {
        var settings = _serviceNow.Settings();
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "0";
        foreach (var (key, value) in changes ?? [])
        {
            settings[key] = value;
        }

        var factory = new BridgeFactory(settings);
        _ = factory.Server;
        return factory;
    }

    /// <summary>A situation whose incident exists, linked by the bridge, with the stubs that made it.</summary>
    private async Task<string> OpenTicketAsync(BridgeFactory factory, string sysId)
    {
        var situation = Events.NewSituationId();
        _serviceNow.ServiceNow.Given(Request.Create().WithPath(Incidents).UsingGet().WithParam("sysparm_query", $"correlation_id={situation}"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"result":[]}"""));
        _serviceNow.ServiceNow.Given(Request.Create().WithPath(Incidents).UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher($"*{situation}*")))
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody(new System.Text.Json.Nodes.JsonObject
                {
                    ["result"] = new System.Text.Json.Nodes.JsonObject { ["sys_id"] = sysId, ["number"] = $"INC-{sysId}", ["state"] = "1" },
                }.ToJsonString()));
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var admin = factory.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", situation));
        await Polling.WaitForSituationAsync(admin, TestSettings.Subscription, situation, events: 1);
        return situation;
    }
}
