using System.Collections.Concurrent;
using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;

namespace CloudAlmBridge.TicketSystems;

/// <summary>
/// Finds the Jira transition that closes an issue, or reopens one, so a subscription need not know its workflow's
/// transition ids.
/// </summary>
/// <remarks>
/// Jira cannot set a status through the issue's fields; it takes <c>POST /rest/api/2/issue/{id}/transitions</c> with
/// the id of a transition the workflow offers (Atlassian, "Transition issue"). <c>GET …/transitions</c> lists the
/// transitions available to the issue now, each with its target status and that status's category (<c>new</c>,
/// <c>indeterminate</c>, <c>done</c>). The choice: the transition named by the purpose's name variable
/// (<see cref="Close"/>: <c>closeTransitionName</c>; <see cref="Reopen"/>: <c>reopenTransitionName</c>), else the first
/// one into the purpose's categories in their order (closing: <c>done</c>; reopening: <c>indeterminate</c>, then
/// <c>new</c>). A configured id variable still wins when it is set. The id found is cached per destination, project,
/// issue type (one workflow) and purpose, so a transition costs one call; an issue in another status may not offer the
/// cached transition, which Jira answers with 400: the transition is then looked up afresh once.
/// </remarks>
internal sealed class JiraTransitions(TicketSystemClient client, ILogger<JiraTransitions> logger)
{
    /// <summary>The user variable the built-in <c>jira-issue</c> mapping sends as the transition id.</summary>
    public const string IdVariable = "closeTransitionId";

    /// <summary>The name of the transition to use (Jira's transition name, e.g. <c>Resolve Issue</c>), optional.</summary>
    public const string NameVariable = "closeTransitionName";

    /// <summary>What closing looks for.</summary>
    public static readonly TransitionPurpose Close = new("closes", IdVariable, NameVariable, ["done"]);

    /// <summary>What reopening looks for: back into work, else back to the start.</summary>
    public static readonly TransitionPurpose Reopen = new("reopens", "reopenTransitionId", "reopenTransitionName", ["indeterminate", "new"]);

    private readonly ConcurrentDictionary<(string Destination, string Project, string IssueType, string Purpose, string Name), string> _cache = new();

    /// <summary>
    /// An operation that posts to the issue's <c>transitions</c> and no configured transition id: only then is there
    /// anything to find.
    /// </summary>
    public static bool Applies(ResolvedSubscription subscription, string path) =>
        path.TrimEnd('/').EndsWith("/transitions", StringComparison.OrdinalIgnoreCase) && Configured(subscription, Close) is null;

    /// <summary>
    /// Runs <paramref name="close"/> with the subscription's user variables plus <see cref="IdVariable"/> set to the
    /// transition found; when Jira refuses a cached transition with 400, looks it up again and runs once more.
    /// </summary>
    public Task<T> CloseAsync<T>(ResolvedSubscription subscription, string issueId,
        Func<IReadOnlyDictionary<string, string>, Task<T>> close, CancellationToken cancellationToken) =>
        RunAsync(subscription, issueId, Close, transitionId => close(WithTransition(subscription, transitionId)), cancellationToken);

    /// <summary>
    /// Runs <paramref name="transition"/> with the transition that serves <paramref name="purpose"/>: the configured id,
    /// the cached one (looked up again once when Jira refuses it with 400), or the one found now.
    /// </summary>
    public async Task<T> RunAsync<T>(ResolvedSubscription subscription, string issueId, TransitionPurpose purpose,
        Func<string, Task<T>> transition, CancellationToken cancellationToken)
    {
        if (Configured(subscription, purpose) is { } configured)
        {
            return await transition(configured);
        }

        var key = CacheKey(subscription, purpose);
        if (key is { } known && _cache.TryGetValue(known, out var cached))
        {
            try
            {
                return await transition(cached);
            }
            catch (TicketSystemException exception) when (exception.StatusCode == 400)
            {
                // Jira refused the transition and changed nothing, so posting another one is safe.
                _cache.TryRemove(known, out _);
            }
        }

        var found = await FindAsync(subscription, issueId, purpose, cancellationToken);
        if (key is { } newKey)
        {
            _cache[newKey] = found;
        }

        return await transition(found);
    }

    private async Task<string> FindAsync(ResolvedSubscription subscription, string issueId, TransitionPurpose purpose, CancellationToken cancellationToken)
    {
        var webhook = subscription.Webhook;
        var answer = await client.SendAsync(
            new TicketRequest(webhook, "GET", $"{webhook.ResourceUrl}/{Uri.EscapeDataString(issueId)}/transitions", null,
                $"the look-up of the transition that {purpose.Verb} the issue"), cancellationToken);
        var offered = Read(answer.Body);
        var wanted = subscription.Options.UserVariables.GetValueOrDefault(purpose.NameVariable);
        var chosen = string.IsNullOrWhiteSpace(wanted)
            ? purpose.Categories.Select(c => offered.FirstOrDefault(t => string.Equals(t.Category, c, StringComparison.OrdinalIgnoreCase)))
                .FirstOrDefault(t => t is not null)
            : offered.FirstOrDefault(t => string.Equals(t.Name, wanted.Trim(), StringComparison.OrdinalIgnoreCase));
        if (chosen is null)
        {
            var list = offered.Count == 0 ? "none" : string.Join(", ", offered.Select(t => $"'{t.Name}' ({t.Id}, to {t.Status}, category {t.Category})"));
            var reason = string.IsNullOrWhiteSpace(wanted)
                ? $"Jira offers issue {issueId} no transition into a status of category {string.Join(" or ", purpose.Categories.Select(c => $"'{c}'"))}"
                : $"Jira offers issue {issueId} no transition named '{wanted.Trim()}' (user variable {purpose.NameVariable})";

            // Waiting will not change the workflow: dead-letter at once, saying what Jira offers instead.
            throw new DeliveryRefusedException(
                $"{reason}; it offers: {list}. Set the subscription's user variable {purpose.NameVariable} or {purpose.IdVariable}");
        }

        TicketSystemLog.JiraTransitionFound(logger, subscription.Name, issueId, purpose.Verb, chosen.Id, chosen.Name, chosen.Status);
        return chosen.Id;
    }

    /// <summary><c>{"transitions":[{"id":"31","name":"Done","to":{"name":"Done","statusCategory":{"key":"done"}}}]}</c>.</summary>
    private static List<Transition> Read(JsonElement body)
    {
        var transitions = new List<Transition>();
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("transitions", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return transitions;
        }

        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || Text(item, "id") is not { } id)
            {
                continue;
            }

            var to = item.TryGetProperty("to", out var target) && target.ValueKind == JsonValueKind.Object ? target : default;
            var category = to.ValueKind == JsonValueKind.Object && to.TryGetProperty("statusCategory", out var statusCategory)
                && statusCategory.ValueKind == JsonValueKind.Object ? Text(statusCategory, "key") : null;
            transitions.Add(new Transition(id, Text(item, "name") ?? id,
                to.ValueKind == JsonValueKind.Object ? Text(to, "name") ?? "?" : "?", category ?? "?"));
        }

        return transitions;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    /// <summary>
    /// One workflow: the built-in mapping creates every issue of a subscription in its <c>projectKey</c> with its
    /// <c>issueType</c>. A mapping that takes them from elsewhere gets no cache: every close looks up.
    /// </summary>
    private static (string, string, string, string, string)? CacheKey(ResolvedSubscription subscription, TransitionPurpose purpose)
    {
        var variables = subscription.Options.UserVariables;
        return variables.GetValueOrDefault("projectKey") is { Length: > 0 } project && variables.GetValueOrDefault("issueType") is { Length: > 0 } issueType
            ? (subscription.Webhook.Destination.Url!.TrimEnd('/'), project, issueType, purpose.Verb,
                variables.GetValueOrDefault(purpose.NameVariable)?.Trim() ?? string.Empty)
            : null;
    }

    /// <summary>The transition id the subscription configures for the purpose, used as it is; null when none.</summary>
    private static string? Configured(ResolvedSubscription subscription, TransitionPurpose purpose) =>
        subscription.Options.UserVariables.TryGetValue(purpose.IdVariable, out var configured) && !string.IsNullOrWhiteSpace(configured)
            ? configured.Trim()
            : null;

    private static Dictionary<string, string> WithTransition(ResolvedSubscription subscription, string transitionId) =>
        new(subscription.Options.UserVariables, StringComparer.Ordinal) { [IdVariable] = transitionId };

    private sealed record Transition(string Id, string Name, string Status, string Category);
}

/// <summary>What a transition is for: its verb in messages, the user variables that configure it, the status categories it may lead into, in order.</summary>
internal sealed record TransitionPurpose(string Verb, string IdVariable, string NameVariable, IReadOnlyList<string> Categories);
