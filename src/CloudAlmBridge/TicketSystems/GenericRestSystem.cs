using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.TicketSystems;

/// <summary>
/// Any REST target. It has a look-up only when its webhook configures one (<c>Bridge:Webhooks:x:Lookup</c>): a GET of
/// the configured path whose first match below <c>ResultsPointer</c> is read like the create's answer.
/// </summary>
internal sealed class GenericRestSystem(TicketSystemClient client, DestinationHealth health) : TicketSystem(client, health)
{
    public override bool CanLookUp(ResolvedWebhook webhook) => webhook.LookupPath is not null;

    public override ValueTask<LookupCapability> LookupCapabilityAsync(ResolvedWebhook webhook, CancellationToken cancellationToken) =>
        ValueTask.FromResult(webhook.LookupPath is null
            ? LookupCapability.None
            : new LookupCapability(true, webhook.Options.Lookup?.SettleTime ?? TimeSpan.Zero, $"GET {webhook.Options.Path}{webhook.Options.Lookup!.Path}"));

    /// <summary>
    /// Only a 404, an empty list or a null says "no ticket". An answer that cannot be read (no JSON, a pointer that
    /// leads nowhere, an HTML page) says nothing: taking it for "none" would create a second ticket.
    /// </summary>
    protected override async Task<LookupResult> FindAsync(LookupQuery query, CancellationToken cancellationToken)
    {
        var webhook = query.Webhook;
        if (webhook.LookupPath is null)
        {
            return LookupResult.RefusedBy($"webhook {webhook.Name} has no look-up (Bridge:Webhooks:{webhook.Name}:Lookup:Path)");
        }

        var request = new TicketRequest(webhook, "GET", TicketUrl.Compose(webhook, webhook.LookupPath.Render(query.Context)), null, query.Step)
        {
            ExpectedStatuses = [StatusCodes.Status404NotFound],
        };
        TicketSystemAnswer answer;
        try
        {
            answer = await SendAsync(request, cancellationToken);
        }
        catch (TicketSystemException exception) when (exception.StatusCode == 404)
        {
            return LookupResult.NoneByNotFound;
        }

        var pointer = webhook.Options.Lookup!.ResultsPointer;
        if (!JsonPointer.TryResolve(answer.Body, pointer, out var results))
        {
            return LookupResult.RefusedBy(
                $"{request.Describe()} answered {answer.StatusCode}, but its answer has no JSON at Bridge:Webhooks:{webhook.Name}:Lookup:ResultsPointer "
                + $"'{pointer}': the bridge cannot tell whether the ticket exists, so it creates none; fix the pointer or the look-up path");
        }

        var record = results.ValueKind switch
        {
            JsonValueKind.Array when results.GetArrayLength() > 0 => results[0],
            JsonValueKind.Array or JsonValueKind.Null => default(JsonElement),
            JsonValueKind.Object => results,
            _ => (JsonElement?)null,
        };
        if (record is null)
        {
            return LookupResult.RefusedBy(
                $"{request.Describe()} answered {results.ValueKind} at '{pointer}', where a list or an object of matches belongs: fix Bridge:Webhooks:{webhook.Name}:Lookup:ResultsPointer");
        }

        if (record.Value.ValueKind == JsonValueKind.Undefined)
        {
            return LookupResult.None;
        }

        if (record.Value.ValueKind != JsonValueKind.Object)
        {
            // A list of ids or names says that something matched, not which ticket: never taken for "none".
            return LookupResult.RefusedBy(
                $"{request.Describe()} answered a list of {record.Value.ValueKind} at '{pointer}', where a list of ticket objects belongs: fix Bridge:Webhooks:{webhook.Name}:Lookup:ResultsPointer or the look-up path");
        }

        if (query.Create is null)
        {
            return LookupResult.FoundTicket(null, null);
        }

        var mapped = query.Create.MapRecord(record.Value, query.Context);
        if (mapped.TicketId is null)
        {
            // A match whose id the create's externalIdProperty cannot read: the ticket exists, but it is not linked blind.
            return LookupResult.RefusedBy(
                $"{request.Describe()} found the situation's ticket, but no ticket id at the create's externalIdProperty '{query.Create.ExternalIdProperty ?? "(none)"}'; "
                + $"point Bridge:Webhooks:{webhook.Name}:Lookup:ResultsPointer at the matches, or fix the mapping");
        }

        return LookupResult.FoundTicket(mapped, mapped.TicketId);
    }

    /// <summary>
    /// The webhook's <c>TestPath</c>, read with <c>GET</c>; without one, the webhook's resource itself, read without a body
    /// (a target that allows only GET is asked again with GET).
    /// </summary>
    public override TicketRequest HarmlessCall(ResolvedWebhook webhook) => webhook.Options.TestPath is { Length: > 0 } path
        ? new(webhook, "GET", webhook.ResourceUrl + path, null, "test connection")
        : new(webhook, "HEAD", webhook.ResourceUrl, null, "test connection")
        {
            // A collection that takes only POST (or GET only with a search) answers these: it is up all the same.
            ExpectedStatuses = [StatusCodes.Status405MethodNotAllowed, StatusCodes.Status400BadRequest],
        };
}
