using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Operations;

/// <summary>docs/api.md §5: health, metrics, the OpenAPI document and Swagger UI.</summary>
public sealed class OperationsTests(ServiceNowBridgeFixture bridge) : IClassFixture<ServiceNowBridgeFixture>
{
    [Fact]
    public async Task Live_AnswersWithoutCredentials()
    {
        using var client = bridge.Factory.CreateClient();

        var health = await client.GetFromJsonAsync<JsonElement>("/health/live");

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_ChecksStorageAndConfiguration()
    {
        using var client = bridge.Factory.CreateClient();

        var health = await client.GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("configuration").GetProperty("status").GetString());
        Assert.True(File.Exists(bridge.DatabasePath), "the SQLite file is created at start");
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheRoutes_WithAnExampleChangeMessage()
    {
        using var client = bridge.Factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/events/{subscription}", out var events));
        Assert.True(paths.TryGetProperty("/api/v1/events/{subscription}/{externalId}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/destinations", out _));
        var example = events.GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("examples").GetProperty("created").GetProperty("value");
        Assert.Equal("EVENT-SITUATION.CREATED", example.GetProperty("eventType").GetString());
        Assert.Equal("cd0cb7ea-c4ed-43f5-aaf7-e12259483184", example.GetProperty("resource").GetProperty("id").GetString());
        Assert.Equal("basic", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("basic").GetProperty("scheme").GetString());

        var put = paths.GetProperty("/api/v1/mappings/{name}").GetProperty("put").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("ACME incidents", put.GetProperty("_information").GetProperty("_name").GetString());
        var preview = paths.GetProperty("/api/v1/mappings/{name}/preview").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("EVENT-SITUATION.UPDATED", preview.GetProperty("message").GetProperty("eventType").GetString());
        var inline = paths.GetProperty("/api/v1/mappings/preview").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("ACME incidents", inline.GetProperty("mapping").GetProperty("_information").GetProperty("_name").GetString());

        // The sandbox exists only in Development.
        Assert.False(paths.TryGetProperty("/sandbox/servicenow/api/now/table/{table}", out _));

        // Bodies read by hand are still described: the change message's schema, and every $ref in the document resolves.
        var schema = events.GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Contains("resourceType", schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var reference in References(document))
        {
            Assert.True(schemas.TryGetProperty(reference.Replace("#/components/schemas/", string.Empty, StringComparison.Ordinal), out _), reference);
        }

        // OpenAPI requires unique operationIds (Swagger UI and client generators key on them).
        var operationIds = paths.EnumerateObject().SelectMany(path => path.Value.EnumerateObject())
            .Where(operation => operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("operationId", out _))
            .Select(operation => operation.Value.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(operationIds.Count, operationIds.Distinct().Count());
        Assert.Contains("PatchEventForTicket", operationIds);

        // The token endpoint is offered next to Basic, as an OAuth2 client-credentials flow.
        var token = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("token");
        Assert.Equal("/oauth/token", token.GetProperty("flows").GetProperty("clientCredentials").GetProperty("tokenUrl").GetString());
    }

    [Fact]
    public async Task SwaggerUi_IsServed_AndPointsAtTheOpenApiDocument()
    {
        using var client = bridge.Factory.CreateClient();

        var page = await client.GetAsync("/swagger/index.html");
        var initializer = await client.GetStringAsync("/swagger/index.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/openapi/v1.json", initializer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_CountEventsAndDeliveries_InPrometheusFormat()
    {
        bridge.ServiceNow.Reset();
        using var events = bridge.EventsClient();
        await events.PostEventAsync(TestSettings.Subscription, Events.Message("closed", Events.NewSituationId()));
        using var client = bridge.Factory.CreateClient();

        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches("""bridge_events_received_total\{otel_scope_name="CloudAlmBridge",event_type="EVENT-SITUATION.CLOSED",subscription="calm-to-snow"\} [1-9]""", text);
        Assert.Matches("""bridge_deliveries_total\{otel_scope_name="CloudAlmBridge",outcome="Skipped",subscription="calm-to-snow"\} [1-9]""", text);
        Assert.Contains("bridge_delivery_duration_seconds_count{otel_scope_name=\"CloudAlmBridge\",subscription=\"calm-to-snow\"}", text, StringComparison.Ordinal);
        Assert.Matches("""bridge_queue_depth\{otel_scope_name="CloudAlmBridge"\} \d""", text);
        Assert.Contains("# TYPE bridge_dead_letters_total counter", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_IsAProblem()
    {
        using var client = bridge.Factory.CreateClient();

        var response = await client.GetAsync("/no/such/route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static IEnumerable<string> References(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name == "$ref" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : References(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(References),
        _ => [],
    };
}
