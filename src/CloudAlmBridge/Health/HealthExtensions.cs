using System.Collections.Concurrent;
using System.Text.Json;
using CloudAlmBridge.Security;
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

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: storage reachable, configuration valid.</summary>
    public static WebApplication MapBridgeHealth(this WebApplication app)
    {
        // Probes come every few seconds from one address: they are not rate-limited.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteAsync })
            .DisableRateLimiting();
        return app;
    }

    /// <summary>
    /// Anyone (a probe, a load balancer) gets each check's status; only an admin gets the descriptions, which name
    /// destinations, files, certificates' problems and settings. Every change of a check's status or description is
    /// logged once, so what the probe saw is in the log too.
    /// </summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.RequestServices.GetRequiredService<HealthChanges>().Log(report);
        var details = context.User.IsInRole(Roles.Admin);
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = details ? e.Value.Description : null }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}

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
                CheckNotHealthy(logger, name, entry.Status, entry.Description ?? "(no description)");
            }
        }
    }

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Readiness check {Check} is {Status}: {Description}")]
    private static partial void CheckNotHealthy(ILogger logger, string check, HealthStatus status, string description);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Readiness check {Check} is Healthy again")]
    private static partial void CheckHealthy(ILogger logger, string check);
}
