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
    private readonly ConcurrentDictionary<string, (string Destination, string Message)> _lookups = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Each destination's recent calls, with the look-up refusals of its webhooks.</summary>
    public IReadOnlyDictionary<string, DestinationStatus> Snapshot()
    {
        var snapshot = _destinations.ToDictionary(d => d.Key, d => d.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var (webhook, (destination, message)) in _lookups)
        {
            var status = snapshot.GetValueOrDefault(destination) ?? new DestinationStatus();
            var problem = $"webhook {webhook}: {message}";
            snapshot[destination] = status with { LookupProblem = status.LookupProblem is null ? problem : $"{status.LookupProblem}; {problem}" };
        }

        return snapshot;
    }

    /// <summary>The call was answered with a success: the destination is reachable and trusted.</summary>
    public void RecordSuccess(string destination) =>
        _destinations.AddOrUpdate(destination,
            static (_, now) => new DestinationStatus { LastSuccess = now },
            static (_, status, now) => status with { LastSuccess = now, ConsecutiveFailures = 0, ConfigurationProblem = null },
            timeProvider.GetUtcNow());

    /// <summary>
    /// The ticket system refused a webhook's look-up before a create (or answered it with something unreadable): a
    /// configuration problem that keeps the destination Degraded until that webhook's look-up works again. Kept per
    /// webhook (each has its own look-up: path, Jira deployment), and other calls succeeding do not clear it: they say
    /// nothing about the search. In memory: after a restart it is known again at the next look-up.
    /// </summary>
    public void RecordLookupRefused(string destination, string webhook, string message) =>
        _lookups[webhook] = (destination, message);

    /// <summary>The webhook's look-up was answered as the ticket system answers it: whatever refused it before is fixed.</summary>
    public void RecordLookupWorks(string webhook) => _lookups.TryRemove(webhook, out _);

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

    /// <summary>The ticket system refuses the look-up before a create of a webhook on the destination: new situations are held.</summary>
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
