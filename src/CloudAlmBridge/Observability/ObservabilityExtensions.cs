using CloudAlmBridge.Configuration;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;

namespace CloudAlmBridge.Observability;

internal static class ObservabilityExtensions
{
    /// <summary>
    /// Serilog (structured console logs, overridable under <c>Serilog</c> in configuration, with the trace id of the
    /// work in hand), the metrics (OpenTelemetry, Prometheus format at <c>/metrics</c>), and traces over OTLP when an
    /// endpoint is configured.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<TelemetryRules>();
        // Serilog writes the console; other logging providers (none by default, a capturing one in the tests that
        // check no secret is ever logged) get every event too.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .Enrich.With<TraceIdEnricher>()
            .WriteTo.Console(new EscapingTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}")),
            // Each host keeps its own logger instead of replacing the process-wide Log.Logger: two hosts in one
            // process (the integration tests) must not write into each other's sinks.
            preserveStaticLogger: true,
            writeToProviders: true);
        CachedLoggerFactory.Decorate(builder.Services);
        builder.Services.AddSingleton<BridgeMetrics>();

        // Only this host's meter (created by its IMeterFactory): the exporter never mixes in another host's figures.
        builder.Metrics.EnableMetrics(BridgeMetrics.MeterName, scopes: Microsoft.Extensions.Diagnostics.Metrics.MeterScope.Local);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(Telemetry(builder).ServiceName))
            .WithMetrics(metrics => metrics.AddPrometheusExporter());

        // Bridge:Telemetry first; else OpenTelemetry's own environment variables, endpoint and protocol both.
        var fromBridge = Telemetry(builder).OtlpEndpoint is { Length: > 0 };
        var endpoint = fromBridge ? Telemetry(builder).OtlpEndpoint : builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            var protocol = fromBridge ? Telemetry(builder).OtlpProtocol : builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] ?? TelemetryOptions.Grpc;
            var http = string.Equals(protocol, TelemetryOptions.HttpProtobuf, StringComparison.OrdinalIgnoreCase);
            telemetry.WithTracing(tracing => tracing
                .AddSource(BridgeTracing.SourceName)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(otlp =>
                {
                    // Set in code, the HTTP endpoint is the whole traces URL (the SDK appends /v1/traces only to the
                    // environment variable's).
                    otlp.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                    otlp.Endpoint = http && !endpoint.TrimEnd('/').EndsWith("/v1/traces", StringComparison.Ordinal)
                        ? new Uri(endpoint.TrimEnd('/') + "/v1/traces")
                        : new Uri(endpoint);
                }));
        }

        return builder;
    }

    /// <summary>
    /// One log line per request: method, path, status, time; never its headers or body. Only when the log takes
    /// Information: at Warning or above (a load test, a quiet production) the middleware is not run at all, not run
    /// and then filtered (issue 21, item 5); a failing call is still told by the line of whoever knows why (the error
    /// handler, the delivery, the storage).
    /// </summary>
    public static WebApplication UseBridgeRequestLogging(this WebApplication app)
    {
        var requestLogger = app.Services.GetRequiredService<Serilog.ILogger>();
        app.UseWhen(_ => requestLogger.IsEnabled(Serilog.Events.LogEventLevel.Information), logged => logged.UseSerilogRequestLogging(options =>
        {
            options.Logger = requestLogger;

            // A 503 with Retry-After is the bridge asking the caller to come back (its storage is away, or full of
            // waiting calls): expected, and said once by the one who knows why, not once per call at Error.
            // Health probes come every few seconds and say what they found in their answer: not a line each.
            options.GetLevel = (context, _, exception) =>
                context.Request.Path.StartsWithSegments("/health") ? Serilog.Events.LogEventLevel.Debug
                : exception is null && context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && context.Response.Headers.RetryAfter.Count > 0
                    ? Serilog.Events.LogEventLevel.Information
                    : exception is not null || context.Response.StatusCode > 499 ? Serilog.Events.LogEventLevel.Error : Serilog.Events.LogEventLevel.Information;
        }));
        return app;
    }

    /// <summary>
    /// <c>/metrics</c> in Prometheus' text format. The metrics are created at once, so every series exists with 0 before
    /// the first scrape.
    /// </summary>
    public static WebApplication MapBridgeMetrics(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<BridgeMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        return app;
    }

    private static TelemetryOptions Telemetry(IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection($"{BridgeOptions.SectionName}:Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
}
