using Serilog;

namespace CloudAlmBridge.Observability;

internal static class ObservabilityExtensions
{
    /// <summary>Serilog (structured console logs, overridable under <c>Serilog</c> in configuration) and the metrics.</summary>
    public static IHostApplicationBuilder AddBridgeObservability(this IHostApplicationBuilder builder)
    {
        // Serilog writes the console; other logging providers (none by default, a capturing one in the tests that
        // check no secret is ever logged) get every event too.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(new EscapingTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}")),
            // Each host keeps its own logger instead of replacing the process-wide Log.Logger: two hosts in one
            // process (the integration tests) must not write into each other's sinks.
            preserveStaticLogger: true,
            writeToProviders: true);
        builder.Services.AddSingleton<BridgeMetrics>();
        return builder;
    }

    /// <summary>One log line per request: method, path, status, time; never its headers or body.</summary>
    public static WebApplication UseBridgeRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options => options.Logger = app.Services.GetRequiredService<Serilog.ILogger>());
        return app;
    }

    public static WebApplication MapBridgeMetrics(this WebApplication app)
    {
        app.MapGet("/metrics", (BridgeMetrics metrics) => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Operations")
            .WithName("GetMetrics")
            .WithSummary("Prometheus metrics: events received, deliveries by outcome, latency, queue depth, dead letters.")
            .ExcludeFromDescription();
        return app;
    }
}
