using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudAlmBridge.Delivery;

/// <summary>
/// What each destination's calls did lately, in this instance: the last success, the last failure with its message, and
/// a configuration problem (a certificate the bridge does not trust) that stays until a call gets through again.
/// </summary>
internal sealed class DestinationHealth(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, DestinationStatus> _destinations = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, DestinationStatus> Snapshot() => _destinations.ToDictionary(d => d.Key, d => d.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The call was answered with a success: the destination is reachable and trusted.</summary>
    public void RecordSuccess(string destination) =>
        _destinations.AddOrUpdate(destination,
            static (_, now) => new DestinationStatus { LastSuccess = now },
            static (_, status, now) => status with { LastSuccess = now, ConsecutiveFailures = 0, ConfigurationProblem = null },
            timeProvider.GetUtcNow());

    /// <summary>
    /// The ticket system refused the look-up before a create (or answered it with something unreadable): a
    /// configuration problem that keeps the destination Degraded until a look-up works again. Other calls succeeding
    /// do not clear it: they say nothing about the search.
    /// </summary>
    public void RecordLookupRefused(string destination, string message) =>
        _destinations.AddOrUpdate(destination,
            static (_, message) => new DestinationStatus { LookupProblem = message },
            static (_, status, message) => status with { LookupProblem = message },
            message);

    /// <summary>A look-up was answered as the ticket system answers it: whatever refused it before is fixed.</summary>
    public void RecordLookupWorks(string destination)
    {
        if (_destinations.TryGetValue(destination, out var status) && status.LookupProblem is not null)
        {
            _destinations.AddOrUpdate(destination,
                static _ => new DestinationStatus(),
                static (_, status) => status with { LookupProblem = null });
        }
    }

    /// <summary>
    /// The call failed. <paramref name="configurationProblem"/> is set when waiting will not help (TLS trust): it keeps
    /// the destination Degraded until a call gets through. An HTTP answer, even an error, shows the connection works.
    /// </summary>
    public void RecordFailure(string destination, string message, bool answered, string? configurationProblem = null) =>
        _destinations.AddOrUpdate(destination,
            static (_, failure) => new DestinationStatus
            {
                LastFailure = failure.Now,
                LastFailureMessage = failure.Message,
                ConsecutiveFailures = 1,
                ConfigurationProblem = failure.Problem,
            },
            static (_, status, failure) => status with
            {
                LastFailure = failure.Now,
                LastFailureMessage = failure.Message,
                ConsecutiveFailures = status.ConsecutiveFailures + 1,
                ConfigurationProblem = failure.Problem ?? (failure.Answered ? null : status.ConfigurationProblem),
            },
            (Now: timeProvider.GetUtcNow(), Message: message, Answered: answered, Problem: configurationProblem));
}

/// <summary>One destination's recent calls.</summary>
internal sealed record DestinationStatus
{
    public DateTimeOffset? LastSuccess { get; init; }

    public DateTimeOffset? LastFailure { get; init; }

    public string? LastFailureMessage { get; init; }

    /// <summary>Failures since the last success: above zero, calls are currently failing.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>A failure that waiting will not fix (an untrusted certificate), until a call succeeds.</summary>
    public string? ConfigurationProblem { get; init; }

    /// <summary>The ticket system refused the look-up before a create, until a look-up works: creates wait meanwhile.</summary>
    public string? LookupProblem { get; init; }
}

/// <summary>
/// Readiness: Degraded while a destination has a configuration problem or refuses its look-up (events are still
/// accepted and kept, but they cannot be delivered there, or their situations are held, until someone fixes it).
/// </summary>
internal sealed class DestinationHealthCheck(DestinationHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = health.Snapshot();
        var problems = snapshot.Where(d => d.Value.ConfigurationProblem is not null).Select(d => $"{d.Key}: {d.Value.ConfigurationProblem}")
            .Concat(snapshot.Where(d => d.Value.LookupProblem is not null).Select(d => $"{d.Key}: its look-up before a create is refused: {d.Value.LookupProblem}"))
            .ToList();
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("no destination has a configuration problem")
            : HealthCheckResult.Degraded(string.Join("; ", problems)));
    }
}
