using System.Collections.Concurrent;
using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;

namespace CloudAlmBridge.TicketSystems;

/// <summary>
/// Finds the Jira transition that closes an issue, so a subscription need not know its workflow's transition ids.
/// </summary>
/// <remarks>
/// Jira cannot set a status through the issue's fields; it takes <c>POST /rest/api/2/issue/{id}/transitions</c> with
/// the id of a transition the workflow offers (Atlassian, "Transition issue"). <c>GET …/transitions</c> lists the
/// transitions available to the issue now, each with its target status and that status's category (<c>new</c>,
/// <c>indeterminate</c>, <c>done</c>). The choice: the transition named by the user variable
/// <see cref="NameVariable"/>, else the first one into the category <c>done</c>. The configured
/// <see cref="IdVariable"/> still wins when it is set. The id found is cached per destination, project and issue type
/// (one workflow), so a close costs one call; an issue in another status may not offer the cached transition, which
/// Jira answers with 400: the transition is then looked up afresh once.
/// </remarks>
internal sealed class JiraTransitions(TicketSystemClient client, ILogger<JiraTransitions> logger)
{
    /// <summary>The user variable the built-in <c>jira-issue</c> mapping sends as the transition id.</summary>
    public const string IdVariable = "closeTransitionId";

    /// <summary>The name of the transition to use (Jira's transition name, e.g. <c>Resolve Issue</c>), optional.</summary>
    public const string NameVariable = "closeTransitionName";

    private const string DoneCategory = "done";

    private readonly ConcurrentDictionary<(string Destination, string Project, string IssueType, string Name), string> _cache = new();

    /// <summary>
    /// An operation that posts to the issue's <c>transitions</c> and no configured transition id: only then is there
    /// anything to find.
    /// </summary>
    public static bool Applies(ResolvedSubscription subscription, string path) =>
        path.TrimEnd('/').EndsWith("/transitions", StringComparison.OrdinalIgnoreCase)
        && !(subscription.Options.UserVariables.TryGetValue(IdVariable, out var configured) && !string.IsNullOrWhiteSpace(configured));

    /// <summary>
    /// Runs <paramref name="close"/> with the subscription's user variables plus <see cref="IdVariable"/> set to the
    /// transition found; when Jira refuses a cached transition with 400, looks it up again and runs once more.
    /// </summary>
    public async Task<T> CloseAsync<T>(ResolvedSubscription subscription, string issueId,
        Func<IReadOnlyDictionary<string, string>, Task<T>> close, CancellationToken cancellationToken)
    {
        var key = CacheKey(subscription);
        if (key is { } known && _cache.TryGetValue(known, out var cached))
        {
            try
            {
                return await close(WithTransition(subscription, cached));
            }
            catch (TicketSystemException exception) when (exception.StatusCode == 400)
            {
                // Jira refused the transition and changed nothing, so posting another one is safe.
                _cache.TryRemove(known, out _);
            }
        }

        var found = await FindAsync(subscription, issueId, cancellationToken);
        if (key is { } newKey)
        {
            _cache[newKey] = found;
        }

        return await close(WithTransition(subscription, found));
    }

    private async Task<string> FindAsync(ResolvedSubscription subscription, string issueId, CancellationToken cancellationToken)
    {
        var webhook = subscription.Webhook;
        var answer = await client.SendAsync(
            new TicketRequest(webhook, "GET", $"{webhook.ResourceUrl}/{Uri.EscapeDataString(issueId)}/transitions", null, "the look-up of the close transition"), cancellationToken);
        var offered = Read(answer.Body);
        var wanted = subscription.Options.UserVariables.GetValueOrDefault(NameVariable);
        var chosen = string.IsNullOrWhiteSpace(wanted)
            ? offered.FirstOrDefault(t => string.Equals(t.Category, DoneCategory, StringComparison.OrdinalIgnoreCase))
            : offered.FirstOrDefault(t => string.Equals(t.Name, wanted.Trim(), StringComparison.OrdinalIgnoreCase));
        if (chosen is null)
        {
            var list = offered.Count == 0 ? "none" : string.Join(", ", offered.Select(t => $"'{t.Name}' ({t.Id}, to {t.Status}, category {t.Category})"));
            var reason = string.IsNullOrWhiteSpace(wanted)
                ? $"Jira offers issue {issueId} no transition into a status of category '{DoneCategory}'"
                : $"Jira offers issue {issueId} no transition named '{wanted.Trim()}' (user variable {NameVariable})";

            // Waiting will not change the workflow: dead-letter at once, saying what Jira offers instead.
            throw new DeliveryRefusedException(
                $"{reason}; it offers: {list}. Set the subscription's user variable {NameVariable} or {IdVariable}");
        }

        TicketSystemLog.JiraTransitionFound(logger, subscription.Name, issueId, chosen.Id, chosen.Name, chosen.Status);
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
    private static (string, string, string, string)? CacheKey(ResolvedSubscription subscription)
    {
        var variables = subscription.Options.UserVariables;
        return variables.GetValueOrDefault("projectKey") is { Length: > 0 } project && variables.GetValueOrDefault("issueType") is { Length: > 0 } issueType
            ? (subscription.Webhook.Destination.Url!.TrimEnd('/'), project, issueType, variables.GetValueOrDefault(NameVariable)?.Trim() ?? string.Empty)
            : null;
    }

    private static Dictionary<string, string> WithTransition(ResolvedSubscription subscription, string transitionId) =>
        new(subscription.Options.UserVariables, StringComparer.Ordinal) { [IdVariable] = transitionId };

    private sealed record Transition(string Id, string Name, string Status, string Category);
}
