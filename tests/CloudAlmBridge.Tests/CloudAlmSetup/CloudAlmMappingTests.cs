using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CloudAlmBridge.Tests.CloudAlmSetup;

/// <summary>
/// Issue 12: the mapping the bridge generates for Cloud ALM's Mappings Management. Run through the bridge's own preview
/// (the same engine and format as Cloud ALM's), each operation's request goes to the events route unchanged, and the
/// response section reads the bridge's answer: what Cloud ALM would store.
/// </summary>
public sealed class CloudAlmMappingTests : IClassFixture<ServiceNowBridgeFixture>
{
    private readonly ServiceNowBridgeFixture _bridge;

    public CloudAlmMappingTests(ServiceNowBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Fact]
    public async Task GeneratedMapping_RoundTripsCreatedUpdatedPingAndClosed_ThroughTheEventsRoute()
    {
        var snow = _bridge.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate("eee555", "INC0050005");
        snow.AnswersPatch("eee555", "INC0050005", "2");
        snow.AnswersGet("eee555", "INC0050005", "3");
        using var admin = _bridge.AdminClient();
        using var events = _bridge.EventsClient();
        var mapping = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/subscriptions/{TestSettings.Subscription}/cloud-alm-mapping"))!;
        var situation = Events.NewSituationId();

        var created = await RoundTripAsync(admin, events, mapping, "created", situation, storedExternalId: null);

        Assert.Equal(("POST", ""), (created.Method, created.Url));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(situation, created.Read["externalId"]!.GetValue<string>());
        Assert.Equal("INC0050005", created.Read["externalNumber"]!.GetValue<string>());
        Assert.Equal("NEW", created.Read["externalStatus"]!.GetValue<string>());
        Assert.Equal($"{snow.Url}/nav_to.do?uri=incident.do?sys_id=eee555", created.Read["displayUrl"]!.GetValue<string>());

        // The whole situation reached the ticket system through the forwarded message.
        var incident = ServiceNowStubs.BodyOf(Assert.Single(snow.Calls("POST", ServiceNowStubs.IncidentPath)));
        Assert.Equal("[SAP Cloud ALM] Ping failed to service S4H", incident["short_description"]!.GetValue<string>());
        Assert.Equal(situation, incident["correlation_id"]!.GetValue<string>());
        Assert.Contains("Service: S4H Production (190c1314-efd9-44ce-8d2f-2f7dc24ddf04)", incident["description"]!.GetValue<string>());

        // Cloud ALM addresses the ticket with the externalId it read from the create answer.
        var stored = created.Read["externalId"]!.GetValue<string>();
        var updated = await RoundTripAsync(admin, events, mapping, "updated", situation, stored);

        Assert.Equal(("PATCH", $"/{situation}"), (updated.Method, updated.Url));
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal("IN_PROCESS", updated.Read["externalStatus"]!.GetValue<string>());
        Assert.Equal(stored, updated.Read["externalId"]!.GetValue<string>());

        var ping = await RoundTripAsync(admin, events, mapping, "ping", situation, stored);

        Assert.Equal(("GET", $"/{situation}"), (ping.Method, ping.Url));
        Assert.Equal(HttpStatusCode.OK, ping.Status);
        Assert.Equal("INC0050005", ping.Read["externalNumber"]!.GetValue<string>());
        Assert.Equal("ON_HOLD", ping.Read["externalStatus"]!.GetValue<string>());

        // The resolve answers the resolved record. WireMock takes the lowest priority value first; the update's stub has
        // the default, 0.
        snow.Given(Request.Create().WithPath($"{ServiceNowStubs.IncidentPath}/eee555").UsingPatch())
            .AtPriority(-1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":{"sys_id":"eee555","number":"INC0050005","state":"6"}}"""));
        var closed = await RoundTripAsync(admin, events, mapping, "closed", situation, stored);

        Assert.Equal(("POST", $"/{situation}"), (closed.Method, closed.Url));
        Assert.Equal(HttpStatusCode.OK, closed.Status);
        Assert.Equal("RESOLVED", closed.Read["externalStatus"]!.GetValue<string>());
        var resolve = ServiceNowStubs.BodyOf(snow.Calls("PATCH", $"{ServiceNowStubs.IncidentPath}/eee555")[^1]);
        Assert.Equal("6", resolve["state"]!.GetValue<string>());
        Assert.Single(snow.Calls("POST", ServiceNowStubs.IncidentPath));
    }

    [Fact]
    public async Task GeneratedMapping_NamesTheWebhookPathAndSendsEveryOperationsEventType()
    {
        using var admin = _bridge.AdminClient();

        var response = await admin.GetAsync($"/api/v1/subscriptions/{TestSettings.Subscription}/cloud-alm-mapping");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var mapping = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("webhook path /api/v1/events/calm-to-snow", mapping["_information"]!["_comment"]!.GetValue<string>());
        var operations = mapping["eventTypeMapping"]!["operationMappings"]!.AsArray();
        Assert.Equal(
            ["EVENT-SITUATION.CREATED POST ", "EVENT-SITUATION.UPDATED PATCH /#{externalId}", "EVENT-SITUATION.CLOSED POST /#{externalId}",
             "EVENT-SITUATION.DELETED POST /#{externalId}", "EVENT-SITUATION.PING GET /#{externalId}"],
            operations.Select(o => $"{o!["eventType"]} {o["operation"]} {o["path"]}"));
        Assert.All(operations.Where(o => o!["operation"]!.GetValue<string>() != "GET"), o =>
        {
            var message = o!["structure"]!["request"]!;
            Assert.Equal(o["eventType"]!.GetValue<string>(), message["eventType"]!.GetValue<string>());
            Assert.Equal("EVENT-SITUATIONS", message["resourceType"]!.GetValue<string>());
            Assert.Equal("#{tags}", message["resource"]!["tags"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task UnknownSubscription_IsAProblem_AndTheEventsRoleMayNotReadIt()
    {
        using var admin = _bridge.AdminClient();
        using var events = _bridge.EventsClient();

        var unknown = await admin.GetAsync("/api/v1/subscriptions/nope/cloud-alm-mapping");
        var forbidden = await events.GetAsync($"/api/v1/subscriptions/{TestSettings.Subscription}/cloud-alm-mapping");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
        Assert.Equal("No subscription 'nope' is configured.", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    /// <summary>
    /// What Cloud ALM does for one event: renders the operation (here: with the bridge's preview), calls the webhook
    /// with it, and reads the answer with the response section.
    /// </summary>
    private async Task<(string Method, string Url, HttpStatusCode Status, JsonNode Read)> RoundTripAsync(HttpClient admin, HttpClient events,
        JsonNode mapping, string eventName, string situation, string? storedExternalId)
    {
        var message = Events.Message(eventName, situation);
        var rendered = await PreviewAsync(admin, mapping, message, storedExternalId, response: null);
        var request = rendered["request"]!;
        var method = request["method"]!.GetValue<string>();
        var url = request["url"]!.GetValue<string>();
        using var call = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/events/{TestSettings.Subscription}{url}");
        if (request["body"] is { } body)
        {
            call.Content = Events.Json(body.ToJsonString());
        }

        using var answer = await events.SendAsync(call);
        var answerJson = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        var read = await PreviewAsync(admin, mapping, message, storedExternalId, answerJson);
        return (method, url, answer.StatusCode, read["response"]!);
    }

    private static async Task<JsonNode> PreviewAsync(HttpClient admin, JsonNode mapping, JsonObject message, string? externalId, JsonNode? response)
    {
        var preview = new JsonObject
        {
            ["mapping"] = mapping.DeepClone(),
            ["message"] = message.DeepClone(),
            ["externalId"] = externalId,
            ["response"] = response?.DeepClone(),
        };
        using var answer = await admin.PostAsync("/api/v1/mappings/preview", Events.Json(preview.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
    }
}
