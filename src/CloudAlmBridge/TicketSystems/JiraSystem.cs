using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.TicketSystems;

/// <summary>
/// Jira Cloud and Jira Data Center. Writes go through REST API v2 on both (plain-text descriptions and comments); the
/// look-up searches the label the built-in mapping sets on every issue, <c>calm-situation-&lt;id&gt;</c>: on Cloud
/// through <c>/rest/api/3/search/jql</c> (Atlassian removed <c>/rest/api/2/search</c> there, CHANGE-2046; the new search
/// is eventually consistent, so "none" counts only after the settle time), on Data Center through <c>/rest/api/2/search</c>.
/// </summary>
internal sealed class JiraSystem(TicketSystemClient client, DestinationHealth health, JiraDeployments deployments, JiraTransitions transitions)
    : TicketSystem(client, health)
{
    /// <summary>
    /// How long Jira Cloud's search may miss an issue after its create. Atlassian: "The delay might vary from a few
    /// seconds to minutes … The majority of modifications are shown within seconds" (Search and reconcile, 2026).
    /// </summary>
    public static readonly TimeSpan CloudSettleTime = TimeSpan.FromMinutes(2);

    public override bool CheckedAtStart => true;

    public override bool CanLookUp(ResolvedWebhook webhook) => true;

    public override async ValueTask<LookupCapability> LookupCapabilityAsync(ResolvedWebhook webhook, CancellationToken cancellationToken)
    {
        var deployment = await deployments.FindAsync(webhook, cancellationToken);
        var settle = webhook.Options.Lookup?.SettleTime ?? (deployment.Deployment == JiraDeployment.Cloud ? CloudSettleTime : TimeSpan.Zero);
        return new LookupCapability(true, settle, $"{deployment.Describe()}: label calm-situation-<id> through {SearchPath(deployment.Deployment)}");
    }

    public static string SearchPath(JiraDeployment deployment) =>
        deployment == JiraDeployment.Cloud ? "/rest/api/3/search/jql" : "/rest/api/2/search";

    /// <summary>
    /// <c>{"issues":[{"id","key","fields":{"status":…}}], …}</c> on both; Cloud's answer has no <c>total</c>, and
    /// returns only ids unless <c>fields</c> names what to read.
    /// </summary>
    protected override async Task<LookupResult> FindAsync(LookupQuery query, CancellationToken cancellationToken)
    {
        var webhook = query.Webhook;
        var deployment = await deployments.FindAsync(webhook, cancellationToken);
        var jql = Uri.EscapeDataString($"labels = \"calm-situation-{query.SituationId}\"");
        var request = new TicketRequest(webhook, "GET",
            $"{webhook.DestinationUrl}{SearchPath(deployment.Deployment)}?jql={jql}&maxResults=1&fields=key,status,summary", null, query.Step);
        var answer = await SendAsync(request, cancellationToken);
        if (answer.Body.ValueKind != JsonValueKind.Object || !answer.Body.TryGetProperty("issues", out var issues)
            || issues.ValueKind != JsonValueKind.Array)
        {
            return LookupResult.RefusedBy($"{request.Describe()} answered {answer.StatusCode} without Jira's {{\"issues\":[…]}}: the bridge cannot tell whether the situation's issue exists");
        }

        if (issues.GetArrayLength() == 0)
        {
            return LookupResult.None;
        }

        var issue = issues[0];
        var mapped = query.Create?.MapRecord(issue, query.Context);
        var id = mapped?.TicketId ?? (issue.TryGetProperty("id", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null);
        return LookupResult.FoundTicket(mapped, id);
    }

    /// <summary>Jira's browse page: <c>https://acme.atlassian.net/browse/OPS-24</c>.</summary>
    public override string? DefaultDisplayUrl(ResolvedWebhook webhook, string? ticketId, string? number) =>
        number is null ? null : $"{webhook.DestinationUrl}/browse/{Uri.EscapeDataString(number)}";

    public override TicketRequest? Note(ResolvedWebhook webhook, string ticketId, string note) =>
        new(webhook, "POST", $"{webhook.ResourceUrl}/{Uri.EscapeDataString(ticketId)}/comment",
            JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["body"] = note }));

    /// <summary>The caller itself: it reads nothing of a project, and only valid credentials get a 200.</summary>
    public override TicketRequest HarmlessCall(ResolvedWebhook webhook) =>
        new(webhook, "GET", webhook.DestinationUrl + "/rest/api/2/myself", null, "test connection");

    /// <summary>Jira closes through a workflow transition: without a configured id, the bridge finds it.</summary>
    public override async Task<MappedResponse> CloseAsync(ResolvedSubscription subscription, string ticketId, string renderedPath,
        Func<IReadOnlyDictionary<string, string>?, Task<MappedResponse>> send, CancellationToken cancellationToken) =>
        JiraTransitions.Applies(subscription, renderedPath)
            ? await transitions.CloseAsync(subscription, ticketId, variables => send(variables), cancellationToken)
            : await send(null);

    /// <summary>
    /// Reads the issue's status first: only an issue in a status of category <c>done</c> is transitioned back (the
    /// configured <c>reopenTransitionId</c> or <c>reopenTransitionName</c>, else the first transition into
    /// <c>indeterminate</c>, then <c>new</c>); one open already (a human reopened it, or this is a repeat) only gets the
    /// comment. Jira answers both writes without the issue, so the status is read again by the caller when it can.
    /// </summary>
    public override async Task<JsonElement?> ReopenAsync(ResolvedSubscription subscription, string ticketId, string note, CancellationToken cancellationToken)
    {
        var webhook = subscription.Webhook;
        var issueUrl = $"{webhook.ResourceUrl}/{Uri.EscapeDataString(ticketId)}";
        var issue = await SendAsync(new TicketRequest(webhook, "GET", $"{issueUrl}?fields=status", null, "the status read before a reopen"), cancellationToken);
        if (StatusCategory(issue.Body) is "done")
        {
            await transitions.RunAsync(subscription, ticketId, JiraTransitions.Reopen,
                transition => SendAsync(new TicketRequest(webhook, "POST", $"{issueUrl}/transitions",
                    JsonSerializer.SerializeToUtf8Bytes(new { transition = new { id = transition } }), "the reopen"), cancellationToken),
                cancellationToken);
        }

        await SendAsync(new TicketRequest(webhook, "POST", $"{issueUrl}/comment",
            JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["body"] = note }), "the reopen's comment"), cancellationToken);
        return null;
    }

    /// <summary><c>{"fields":{"status":{"statusCategory":{"key":"done"}}}}</c>.</summary>
    private static string? StatusCategory(JsonElement issue) =>
        issue.ValueKind == JsonValueKind.Object && issue.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Object
        && fields.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
        && status.TryGetProperty("statusCategory", out var category) && category.ValueKind == JsonValueKind.Object
        && category.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String
            ? key.GetString()
            : null;

    /// <summary>The search's refusals in words an operator can act on.</summary>
    protected override string? ExplainRefusal(TicketRequest request, int status, string? targetMessage)
    {
        var path = new Uri(request.Url).AbsolutePath;
        if (!path.EndsWith("/search", StringComparison.Ordinal) && !path.EndsWith("/search/jql", StringComparison.Ordinal))
        {
            return null;
        }

        var key = $"Bridge:Webhooks:{request.Webhook.Name}:Jira:Deployment";
        return status switch
        {
            410 => $"This is Jira Cloud, which removed /rest/api/2/search (Atlassian CHANGE-2046): set {key} to Cloud (or Auto, where its serverInfo answers)",
            404 when path.EndsWith("/search/jql", StringComparison.Ordinal) =>
                $"This Jira has no /rest/api/3/search/jql, so it is Jira Data Center or Server: set {key} to DataCenter (or Auto, where its serverInfo answers)",
            401 => $"Jira did not accept the credentials: check Bridge:Destinations:{request.Webhook.DestinationName}:Authentication",
            403 => "The destination's user must be allowed to search the project (Jira's Browse projects permission)",
            400 => "Jira refused the search for the situation's label: check that the project uses the labels field",
            _ => null,
        };
    }
}
