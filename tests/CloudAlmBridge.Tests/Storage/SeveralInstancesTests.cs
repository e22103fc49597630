using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CloudAlmBridge.Mappings;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.Storage;

/// <summary>Two bridge instances on one PostgreSQL database, as behind a load balancer: they share the work safely.</summary>
public sealed class SeveralInstancesTests : IClassFixture<PostgreSqlBridgeFixture>
{
    private const string Subscription = TestSettings.Subscription;
    private const string Incidents = ServiceNowStubs.IncidentPath;
    private readonly PostgreSqlBridgeFixture _bridge;

    public SeveralInstancesTests(PostgreSqlBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Fact]
    public async Task ACallAnsweredByOneInstance_WhoseDeliveryRunsOnAnother_StillGetsItsTicket()
    {
        // Instance a has one delivery slot, held by a situation whose create ServiceNow answers slowly; b starts
        // after that claim, so the next event posted to a can only be delivered by b.
        await _bridge.RestartAsync(new Dictionary<string, string?>
        {
            ["Bridge:Storage:InstanceName"] = "bridge-a",
            ["Bridge:Delivery:MaxConcurrentDeliveries"] = "1",
        });
        var snow = _bridge.ServiceNow;
        var busy = Events.NewSituationId();
        snow.Given(Request.Create().WithPath(Incidents).UsingPost().WithBody(new WildcardMatcher($"*{busy}*"))).AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":{"sys_id":"busy01","number":"INC0040000","state":"1"}}""").WithDelay(TimeSpan.FromSeconds(6)));
        snow.AnswersLookup();
        snow.AnswersCreate("multi01", "INC0040001");
        using var eventsOnA = _bridge.EventsClient();
        using var admin = _bridge.AdminClient();
        var holding = eventsOnA.PostEventAsync(Subscription, Events.Message("created", busy));
        await Polling.WaitUntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/v1/deliveries?state=Queued")).EnumerateArray()
                .Any(d => d.GetProperty("situationId").GetString() == busy && d.GetProperty("instance").GetString()?.StartsWith("bridge-a-", StringComparison.Ordinal) == true),
            "instance a claimed the slow situation");
        await using var b = _bridge.StartBridge(new Dictionary<string, string?> { ["Bridge:Storage:InstanceName"] = "bridge-b" });
        var situation = Events.NewSituationId();

        var response = await eventsOnA.PostEventAsync(Subscription, Events.Message("created", situation));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("INC0040001", answer.GetProperty("externalNumber").GetString());
        var ticket = await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 1);
        var delivery = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/{ticket.GetProperty("events")[0].GetProperty("id").GetInt64()}");
        Assert.StartsWith("bridge-b-", delivery.GetProperty("instance").GetString(), StringComparison.Ordinal);
        Assert.True((await holding).IsSuccessStatusCode);
        await _bridge.RestartAsync();
    }

    [Fact]
    public async Task AMappingPutOnOneInstance_IsInForceOnTheOtherWithinTwoSeconds_AndItsETagHoldsOnBoth()
    {
        await using var b = _bridge.StartBridge(new Dictionary<string, string?> { ["Bridge:Storage:InstanceName"] = "bridge-b" });
        using var adminA = _bridge.AdminClient();
        using var adminB = b.CreateClient(TestSettings.AdminClient, TestSettings.AdminSecret);
        var onB = b.Services.GetRequiredService<StoredMappings>();
        var name = $"shared-{Guid.NewGuid():N}";
        var document = """
            { "structure": { "request": { "short_description": "v1 #{subject}" }, "response": { "externalNumber": "#{number}" } },
              "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" } ] } }
            """;

        var created = await PutAsync(adminA, name, document, null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var seen = DateTime.UtcNow;
        while (onB.Find(name) is null && DateTime.UtcNow - seen < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(50);
        }

        Assert.NotNull(onB.Find(name));
        var tagOnA = created.Headers.ETag!.Tag;
        var readOnB = await adminB.GetAsync($"/api/v1/mappings/{name}");
        Assert.Equal(tagOnA, readOnB.Headers.ETag!.Tag);

        var replacedOnB = await PutAsync(adminB, name, document.Replace("v1", "v2", StringComparison.Ordinal), tagOnA);
        var staleOnA = await PutAsync(adminA, name, document.Replace("v1", "v3", StringComparison.Ordinal), tagOnA);

        Assert.Equal(HttpStatusCode.OK, replacedOnB.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleOnA.StatusCode);
        Assert.Contains("v2 #{subject}", await adminA.GetStringAsync($"/api/v1/mappings/{name}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsPostedInOrderToEitherInstance_GiveOneIncidentPerSituation_AndTheUpdatesInOrder()
    {
        await using var b = _bridge.StartBridge(new Dictionary<string, string?> { ["Bridge:Storage:InstanceName"] = "bridge-b" });
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate("multi02", "INC0040002");
        snow.AnswersPatch("multi02", "INC0040002", "2");
        using var eventsOnA = _bridge.EventsClient();
        using var eventsOnB = b.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        var situations = Enumerable.Range(0, 8).Select(_ => Events.NewSituationId()).ToList();

        // Per situation in order, as Cloud ALM sends them; each event to a random instance, as a load balancer would.
        var random = new Random(20261201);
        var order = situations.Select(s => Enumerable.Range(0, 5).Select(_ => random.Next(2) == 0 ? eventsOnA : eventsOnB).ToList()).ToList();
        await Task.WhenAll(situations.Select(async (situation, n) =>
        {
            for (var i = 0; i < 5; i++)
            {
                var message = Events.Message(i == 0 ? "created" : "updated", situation);
                message["resource"]!["updateTime"] = $"2026-12-01T10:{i:D2}:00Z";
                message["resource"]!["workNotes"] = $"{situation} note {i}";
                var response = await order[n][i].PostEventAsync(Subscription, message);
                Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
            }
        }));

        using var admin = _bridge.AdminClient();
        foreach (var situation in situations)
        {
            await Polling.WaitForSituationAsync(admin, Subscription, situation, events: 5);
            Assert.Single(snow.Calls("POST"), c => c.RequestMessage.Body!.Contains(situation, StringComparison.Ordinal));
            var notes = snow.Calls("PATCH")
                .Select(p => ServiceNowStubs.BodyOf(p)["work_notes"]?.GetValue<string>() ?? string.Empty)
                .Where(n => n.Contains(situation, StringComparison.Ordinal))
                .Select(n => n[(n.IndexOf(situation, StringComparison.Ordinal) + situation.Length + 1)..])
                .ToList();
            Assert.Equal(["note 1", "note 2", "note 3", "note 4"], notes);
        }
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string name, string document, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/mappings/{name}") { Content = new StringContent(document, Encoding.UTF8, "application/json") };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(ifMatch));
        }

        return client.SendAsync(request);
    }
}
