using System.Net;
using System.Text;
using CloudAlmBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CloudAlmBridge.Tests.Observability;

/// <summary>
/// Issue 15: metrics through OpenTelemetry's Prometheus exporter, every counter there from the start with 0; traces over
/// OTLP from the Cloud ALM call through the outbox to the ticket system's call, with the trace id in the logs.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly IsolatedServiceNow _serviceNow = new();
    private readonly WireMockServer _collector = WireMockServer.Start();

    [Fact]
    public async Task Metrics_ExportEveryCounterSeriesFromTheStart_WithZero_AndEachDestinationsHealth()
    {
        var settings = _serviceNow.Settings();
        using var factory = new BridgeFactory(settings);
        using var client = factory.CreateClient();

        var text = await client.GetStringAsync("/metrics");

        foreach (var eventType in new[] { "CREATED", "UPDATED", "CLOSED", "DELETED", "PING" })
        {
            Assert.Contains($"bridge_events_received_total{{otel_scope_name=\"CloudAlmBridge\",event_type=\"EVENT-SITUATION.{eventType}\",subscription=\"calm-to-snow\"}} 0",
                text, StringComparison.Ordinal);
        }

        foreach (var outcome in new[] { "Delivered", "Skipped", "Failed" })
        {
            Assert.Contains($"bridge_deliveries_total{{otel_scope_name=\"CloudAlmBridge\",outcome=\"{outcome}\",subscription=\"calm-to-snow\"}} 0", text,
                StringComparison.Ordinal);
        }

        Assert.Contains("bridge_dead_letters_total{otel_scope_name=\"CloudAlmBridge\",subscription=\"calm-to-snow\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("bridge_queue_depth{otel_scope_name=\"CloudAlmBridge\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("bridge_destination_up{otel_scope_name=\"CloudAlmBridge\",destination=\"servicenow\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("bridge_destination_consecutive_failures{otel_scope_name=\"CloudAlmBridge\",destination=\"servicenow\"} 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingDestination_IsDownInTheMetrics_WithItsFailures()
    {
        var settings = _serviceNow.Settings();
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "3";
        _serviceNow.ServiceNow.AnswersError("GET", ServiceNowStubs.IncidentPath, 503, "Unavailable", "maintenance");
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var client = factory.CreateClient();

        await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        var text = await client.GetStringAsync("/metrics");

        Assert.Contains("bridge_destination_up{otel_scope_name=\"CloudAlmBridge\",destination=\"servicenow\"} 0", text, StringComparison.Ordinal);
        Assert.Matches("""bridge_destination_consecutive_failures\{otel_scope_name="CloudAlmBridge",destination="servicenow"\} [1-9]""", text);
        Assert.Contains("bridge_destination_refused_calls_total{otel_scope_name=\"CloudAlmBridge\",destination=\"servicenow\"} 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliveriesTotal_CountsEachStoredAttemptOnce_AndNoPing()
    {
        var settings = _serviceNow.Settings();
        var snow = _serviceNow.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate("d1e2f3", "INC0070001");
        snow.AnswersGet("d1e2f3", "INC0070001", "1");
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var client = factory.CreateClient();
        var situation = Events.NewSituationId();

        Assert.Equal(HttpStatusCode.Created, (await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", situation))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await events.GetAsync($"/api/v1/events/{TestSettings.Subscription}/{situation}")).StatusCode);
        var text = await client.GetStringAsync("/metrics");

        Assert.Contains("bridge_deliveries_total{otel_scope_name=\"CloudAlmBridge\",outcome=\"Delivered\",subscription=\"calm-to-snow\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("bridge_events_received_total{otel_scope_name=\"CloudAlmBridge\",event_type=\"EVENT-SITUATION.PING\",subscription=\"calm-to-snow\"} 1", text,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADestinationThatRefuses_IsUpInTheMetrics_WithItsRefusalsCounted()
    {
        // Issue 26, item 8: a 4xx comes from a ticket system that is up; "down" is no answer, a 5xx, a TLS failure.
        var settings = _serviceNow.Settings();
        settings["Bridge:Inbound:WaitForDeliverySeconds"] = "3";
        _serviceNow.ServiceNow.AnswersError("GET", ServiceNowStubs.IncidentPath, 400, "Bad Request", "Invalid query");
        using var factory = new BridgeFactory(settings);
        using var events = factory.CreateClient(TestSettings.EventsClient, TestSettings.EventsSecret);
        using var client = factory.CreateClient();

        await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", Events.NewSituationId()));
        var text = await client.GetStringAsync("/metrics");

        Assert.Contains("bridge_destination_up{otel_scope_name=\"CloudAlmBridge\",destination=\"servicenow\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("bridge_destination_consecutive_failures{otel_scope_name=\"CloudAlmBridge\",destination=\"servicenow\"} 0", text, StringComparison.Ordinal);
        Assert.Matches("""bridge_destination_refused_calls_total\{otel_scope_name="CloudAlmBridge",destination="servicenow"\} [1-9]""", text);
    }

    [Fact]
    public async Task OneTrace_FromTheCloudAlmCall_ThroughTheOutbox_ToServiceNow_WithTheTraceIdInTheLogs()
    {
        // A process of its own: tracing is set up from the configuration the bridge starts with, as in production.
        _collector.Given(Request.Create().WithPath("/v1/traces").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var snow = _serviceNow.ServiceNow;
        snow.AnswersLookup();
        snow.AnswersCreate("trace01", "INC0060001");
        var environment = _serviceNow.Settings().Where(s => s.Value is not null)
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        environment["Serilog__MinimumLevel__Default"] = "Information";
        environment["Bridge__Telemetry__OtlpEndpoint"] = _collector.Url!;
        environment["Bridge__Telemetry__OtlpProtocol"] = "http/protobuf";
        using var bridge = await BridgeProcess.StartAsync(environment);
        using var events = new HttpClient { BaseAddress = bridge.BaseAddress };
        events.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestSettings.EventsClient}:{TestSettings.EventsSecret}")));
        var situation = Events.NewSituationId();
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/events/{TestSettings.Subscription}")
        {
            Content = Events.Json(Events.Message("created", situation).ToJsonString()),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-a1b2c3d4e5f60718-01");

        var created = await events.SendAsync(request);

        // The delivery ran in the outbox, after the call was accepted; its calls to ServiceNow carry the same trace.
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var calls = snow.LogEntries.ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, call => Assert.StartsWith($"00-{traceId}-", call.RequestMessage.Headers!["traceparent"].Single(), StringComparison.Ordinal));
        await Polling.WaitUntilAsync(() => Task.FromResult(bridge.Output.Contains("INC0060001 created", StringComparison.Ordinal)), "the delivery's log line");
        Assert.Contains(bridge.Output.Split('\n'), l => l.Contains("INC0060001 created", StringComparison.Ordinal)
            && l.Contains($"\"TraceId\":\"{traceId}\"", StringComparison.Ordinal));

        // The spans reach the collector (batched: within a few seconds), the delivery's with its situation id.
        await Polling.WaitUntilAsync(() => Task.FromResult(_collector.LogEntries.Any(e =>
            e.RequestMessage.BodyAsBytes is { } body && Encoding.UTF8.GetString(body).Contains(situation, StringComparison.Ordinal))), "the spans exported");
    }

    /// <summary>The series /metrics has, as the Prometheus exporter names them.</summary>
    private static readonly string[] Exported =
    [
        "bridge_events_received_total", "bridge_deliveries_total", "bridge_delivery_duration_seconds_bucket", "bridge_queue_depth",
        "bridge_dead_letters_total", "bridge_destination_up", "bridge_destination_consecutive_failures", "bridge_destination_configuration_problem",
        "bridge_situations_held", "bridge_storage_up", "bridge_storage_refused_calls_total", "bridge_destination_refused_calls_total",
    ];

    private static string Root => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    [Fact]
    public void ThePrometheusAlertRules_QueryOnlyMetricsTheBridgeExports_AndPassPromtool()
    {
        var file = Path.Combine(Root, "docs", "prometheus-alerts.yml");
        var expressions = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.StartsWith("expr:", StringComparison.Ordinal)).ToList();

        Assert.Equal(6, expressions.Count);
        Assert.Contains(expressions, e => e.Contains("bridge_situations_held", StringComparison.Ordinal));
        Assert.All(expressions, e => Assert.All(System.Text.RegularExpressions.Regex.Matches(e, @"bridge_[a-z_]+").Select(m => m.Value),
            name => Assert.Contains(name, Exported)));

        // Debian's prometheus package ships promtool (.ci/run installs it): the rules file is valid as Prometheus reads it.
        var promtool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("promtool is not installed: 'apt-get install -y prometheus' (as root; .ci/run does this).");
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(promtool, ["check", "rules", file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("SUCCESS: 6 rules found", output, StringComparison.Ordinal);

        // What they mean: "destination down" fires after 10 minutes down, not on one failed call, and ends with the
        // first answer (docs/prometheus-alerts.test.yml, as promtool evaluates it).
        using var test = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(promtool, ["test", "rules", "prometheus-alerts.test.yml"])
        {
            WorkingDirectory = Path.GetDirectoryName(file)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var tested = test.StandardOutput.ReadToEnd() + test.StandardError.ReadToEnd();
        test.WaitForExit();
        Assert.True(test.ExitCode == 0, tested);
        Assert.Contains("SUCCESS", tested, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGrafanaDashboard_QueriesOnlyMetricsTheBridgeExports()
    {
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "docs", "grafana-dashboard.json")));
        var exported = Exported;

        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();

        Assert.NotEmpty(expressions);
        Assert.All(expressions, e => Assert.All(System.Text.RegularExpressions.Regex.Matches(e, @"bridge_[a-z_]+").Select(m => m.Value),
            name => Assert.Contains(name, exported)));
    }

    public void Dispose()
    {
        _collector.Stop();
        _collector.Dispose();
        _serviceNow.Dispose();
    }
}
