using System.Collections.Concurrent;
using System.Text.Json;
using CloudAlmBridge.Vocabulary;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudAlmBridge.Health;

internal static class HealthExtensions
{
    public static IHostApplicationBuilder AddBridgeHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HealthChanges>();
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers. <c>/health/ready</c>: storage reachable, configuration valid. Both
    /// answer each check's status only, to anyone, whatever credentials a request carries (an answer that depended on
    /// them would tell a guesser, unlimited, when a secret is right). The descriptions, which name destinations, files,
    /// certificates' problems and settings, are at <c>GET /api/v1/health</c> for admins, and in the console.
    /// </summary>
    public static WebApplication MapBridgeHealth(this WebApplication app)
    {
        // Probes come every few seconds from one address: they are not rate-limited.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteStatusesAsync })
            .DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = IsReadiness, ResponseWriter = WriteStatusesAsync })
            .DisableRateLimiting();
        app.MapGet("/api/v1/health", ReadinessWithDetailsAsync)
            .RequireAuthorization(Roles.Admin)
            .WithTags("Configuration")
            .WithName("GetReadiness")
            .WithSummary("What /health/ready found, with each check's description (which destination, file or setting, and why).")
            .Produces<ReadinessReport>();
        return app;
    }

    /// <summary>The checks of readiness, for the probe, the admin route and the console.</summary>
    public static bool IsReadiness(HealthCheckRegistration check) => check.Tags.Contains("ready");

    private static Task WriteStatusesAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.RequestServices.GetRequiredService<HealthChanges>().Log(report);
        return JsonSerializer.SerializeAsync(context.Response.Body, Report(report, details: false), cancellationToken: context.RequestAborted);
    }

    private static async Task<IResult> ReadinessWithDetailsAsync(HealthCheckService health, HealthChanges changes, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(IsReadiness, cancellationToken);
        changes.Log(report);
        return TypedResults.Json(Report(report, details: true), statusCode: report.Status == HealthStatus.Unhealthy
            ? StatusCodes.Status503ServiceUnavailable
            : StatusCodes.Status200OK);
    }

    private static ReadinessReport Report(HealthReport report, bool details) => new(
        report.Status.ToString(),
        report.Entries.ToDictionary(e => e.Key, e => new ReadinessCheck(e.Value.Status.ToString(), details ? e.Value.Description : null)));
}

/// <summary>Readiness as the health routes answer it: the overall status and each check's (with its description for admins).</summary>
internal sealed record ReadinessReport(
    [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
    [property: System.Text.Json.Serialization.JsonPropertyName("checks")] Dictionary<string, ReadinessCheck> Checks);

/// <summary>One check: Healthy, Degraded or Unhealthy, and (for admins) what it found.</summary>
internal sealed record ReadinessCheck(
    [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
    [property: System.Text.Json.Serialization.JsonPropertyName("description")] string? Description);

/// <summary>The last status and description of each readiness check this instance answered, to log each change once.</summary>
internal sealed partial class HealthChanges(ILogger<HealthChanges> logger)
{
    private readonly ConcurrentDictionary<string, (HealthStatus Status, string? Description)> _last = new(StringComparer.Ordinal);

    public void Log(HealthReport report)
    {
        foreach (var (name, entry) in report.Entries)
        {
            var now = (entry.Status, entry.Description);
            var before = _last.TryGetValue(name, out var seen) ? seen : ((HealthStatus, string?)?)null;
            _last[name] = now;
            if (before == now || (before is null && entry.Status == HealthStatus.Healthy))
            {
                continue;
            }

            if (entry.Status == HealthStatus.Healthy)
            {
                CheckHealthy(logger, name);
            }
            else
            {
                CheckNotHealthy(logger, name, entry.Status, entry.Description ?? "(no description)", entry.Exception);
            }
        }
    }

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Readiness check {Check} is {Status}: {Description}")]
    private static partial void CheckNotHealthy(ILogger logger, string check, HealthStatus status, string description, Exception? exception);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Readiness check {Check} is Healthy again")]
    private static partial void CheckHealthy(ILogger logger, string check);
}
