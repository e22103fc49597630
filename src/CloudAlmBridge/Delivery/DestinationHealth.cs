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
    /// The call failed. Down (no answer, a TLS handshake that failed, a <c>5xx</c>, <c>408</c> or <c>429</c>) counts
    /// toward <see cref="DestinationStatus.ConsecutiveFailures"/>; refused (any other error answer: a <c>4xx</c>, a
    /// redirect) shows that the system is up and only counts as a refusal. <paramref name="configurationProblem"/> is set when waiting will
    /// not help (TLS trust): it keeps the destination Degraded until a call gets through.
    /// </summary>
    public void RecordFailure(string destination, string message, int? status, string? configurationProblem = null)
    {
        var failure = (Now: timeProvider.GetUtcNow(), Message: message, Problem: configurationProblem, Answered: status is not null);
        if (status is >= 200 and < 300)
        {
            // A success the bridge could not use (an answer too large to read): the system is up and said yes.
            RecordSuccess(destination);
            return;
        }

        if (!IsDown(status))
        {
            _destinations.AddOrUpdate(destination,
                static (_, refusal) => new DestinationStatus { LastRefusal = refusal.Now, LastRefusalMessage = refusal.Message, RefusedCalls = 1 },
                static (_, current, refusal) => current with
                {
                    LastRefusal = refusal.Now,
                    LastRefusalMessage = refusal.Message,
                    RefusedCalls = current.RefusedCalls + 1,
                    ConsecutiveFailures = 0,
                    ConfigurationProblem = null,
                },
                failure);
            return;
        }

        _destinations.AddOrUpdate(destination,
            static (_, down) => new DestinationStatus
            {
                LastFailure = down.Now,
                LastFailureMessage = down.Message,
                ConsecutiveFailures = 1,
                ConfigurationProblem = down.Problem,
            },
            static (_, current, down) => current with
            {
                LastFailure = down.Now,
                LastFailureMessage = down.Message,
                ConsecutiveFailures = current.ConsecutiveFailures + 1,
                // A 5xx answer shows that the connection and TLS work: an untrusted certificate is no longer the problem.
                ConfigurationProblem = down.Problem ?? (down.Answered ? null : current.ConfigurationProblem),
            },
            failure);
    }

    /// <summary>
    /// Down: no answer, a server error, or an answer that says "not now" (<c>408</c>, <c>429</c>: a proxy's timeout, a
    /// throttle), the statuses the outbox retries. Any other error is a refusal by a system that is up.
    /// </summary>
    public static bool IsDown(int? status) => status is null or 408 or 429 or >= 500;
}

/// <summary>One destination's recent calls.</summary>
internal sealed record DestinationStatus
{
    public DateTimeOffset? LastSuccess { get; init; }

    public DateTimeOffset? LastFailure { get; init; }

    public string? LastFailureMessage { get; init; }

    /// <summary>
    /// Calls in a row that found the destination down (no answer, a failed TLS handshake, a <c>5xx</c>, <c>408</c> or
    /// <c>429</c>), since the last call it answered otherwise: above zero, it is down now. A call's quick retries are one call.
    /// </summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>The last call the destination refused (a <c>4xx</c> but 408 and 429, a redirect): it is up, the request was wrong or not allowed.</summary>
    public DateTimeOffset? LastRefusal { get; init; }

    public string? LastRefusalMessage { get; init; }

    /// <summary>Calls refused since this instance started.</summary>
    public long RefusedCalls { get; init; }

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
