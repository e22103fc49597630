using System.Text;
using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;

namespace CloudAlmBridge.TicketSystems;

/// <summary>
/// ServiceNow's Table API: a situation's record is found by <c>correlation_id</c> (the built-in mappings write the
/// situation id there), a query that sees a record as soon as its insert is committed.
/// </summary>
internal sealed class ServiceNowSystem(TicketSystemClient client, DestinationHealth health) : TicketSystem(client, health)
{
    public override bool CanLookUp(ResolvedWebhook webhook) => true;

    public override ValueTask<LookupCapability> LookupCapabilityAsync(ResolvedWebhook webhook, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new LookupCapability(true, webhook.Options.Lookup?.SettleTime ?? TimeSpan.Zero, "by correlation_id"));

    /// <summary>
    /// <c>GET …/incident?sysparm_query=correlation_id=&lt;id&gt;&amp;sysparm_limit=1</c>: <c>{"result":[…]}</c>, an empty
    /// list when there is none. A 404 is no "none" here: it is a table that does not exist or an ACL that hides it.
    /// </summary>
    protected override async Task<LookupResult> FindAsync(LookupQuery query, CancellationToken cancellationToken)
    {
        var webhook = query.Webhook;
        var search = Uri.EscapeDataString($"correlation_id={query.SituationId}");
        var request = new TicketRequest(webhook, "GET", $"{webhook.ResourceUrl}?sysparm_query={search}&sysparm_limit=1", null, query.Step);
        var answer = await SendAsync(request, cancellationToken);
        if (answer.Body.ValueKind != JsonValueKind.Object || !answer.Body.TryGetProperty("result", out var result)
            || result.ValueKind != JsonValueKind.Array)
        {
            return LookupResult.RefusedBy($"{request.Describe()} answered {answer.StatusCode} without ServiceNow's {{\"result\":[…]}}: the bridge cannot tell whether the situation's record exists");
        }

        if (result.GetArrayLength() == 0)
        {
            return LookupResult.None;
        }

        var record = result[0];
        var mapped = query.Create?.MapRecord(record, query.Context);
        return LookupResult.FoundTicket(mapped, mapped?.TicketId ?? Text(record, "sys_id"));
    }

    /// <summary>ServiceNow's form: <c>https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=…</c>.</summary>
    public override string? DefaultDisplayUrl(ResolvedWebhook webhook, string? ticketId, string? number)
    {
        if (ticketId is null)
        {
            return null;
        }

        return new StringBuilder(webhook.DestinationUrl).Append("/nav_to.do?uri=").Append(Table(webhook)).Append(".do?sys_id=")
            .Append(Uri.EscapeDataString(ticketId)).ToString();
    }

    public override TicketRequest? Note(ResolvedWebhook webhook, string ticketId, string note) =>
        new(webhook, "PATCH", $"{webhook.ResourceUrl}/{Uri.EscapeDataString(ticketId)}",
            JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["work_notes"] = note }));

    /// <summary>The user variable that sets the state a reopened record gets, for a table whose In Progress is another number.</summary>
    public const string ReopenStateVariable = "reopenState";

    /// <summary>
    /// <c>PATCH …/{sys_id}</c> with <c>state</c> In Progress (incident <c>2</c>; a CSM case's Open, <c>10</c>; or the user
    /// variable <see cref="ReopenStateVariable"/>) and the note as a work note. Setting it again on a record that is open
    /// already changes nothing but the note.
    /// </summary>
    public override async Task<JsonElement?> ReopenAsync(ResolvedSubscription subscription, string ticketId, string note, CancellationToken cancellationToken)
    {
        var webhook = subscription.Webhook;
        var state = subscription.Options.UserVariables.GetValueOrDefault(ReopenStateVariable) is { Length: > 0 } configured
            ? configured.Trim()
            : Table(webhook).EndsWith("_case", StringComparison.OrdinalIgnoreCase) ? "10" : "2";
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["state"] = state, ["work_notes"] = note });
        var answer = await SendAsync(new TicketRequest(webhook, "PATCH", $"{webhook.ResourceUrl}/{Uri.EscapeDataString(ticketId)}", body, "the reopen"),
            cancellationToken);
        return answer.Body;
    }

    private static string Table(ResolvedWebhook webhook) => webhook.Options.Path.TrimEnd('/').Split('/')[^1];

    /// <summary>One row of the webhook's table: the same table, ACL and credentials a delivery uses.</summary>
    public override TicketRequest HarmlessCall(ResolvedWebhook webhook) =>
        new(webhook, "GET", webhook.ResourceUrl + "?sysparm_limit=1", null, "test connection");

    /// <summary>ServiceNow names a data policy's mandatory fields by label: say which field it is and where it comes from.</summary>
    protected override string? ExplainRefusal(TicketRequest request, int status, string? targetMessage) =>
        status == 403 ? ServiceNowDataPolicy.Explain(targetMessage, request.Webhook.Options.Path, request.Body) : null;

    private static string? Text(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
