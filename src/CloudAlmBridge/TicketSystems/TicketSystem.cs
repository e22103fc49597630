using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.TicketSystems;

/// <summary>
/// One ticket system's protocol beyond the mapping: how it is asked for a situation's ticket before a create (and how
/// far its answer can be trusted), its own ticket page, its deletion note, its harmless call for "test connection", how
/// its refusals read, and how it closes. One subclass per system, chosen once per webhook by
/// <see cref="TicketSystemRegistry"/>; nothing outside this folder asks which system a webhook is.
/// </summary>
internal abstract class TicketSystem(TicketSystemClient client, DestinationHealth health)
{
    /// <summary>Sends one call; a refusal comes back explained in the system's own terms where it has any.</summary>
    public async Task<TicketSystemAnswer> SendAsync(TicketRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SendAsync(request, cancellationToken);
        }
        catch (TicketSystemException exception) when (exception.StatusCode is { } status
                                                      && ExplainRefusal(request, status, exception.TargetMessage) is { } explanation)
        {
            throw exception.Explained(explanation);
        }
    }

    /// <summary>
    /// <c>--check</c> asks this system's look-up before the bridge starts: Jira, whose search differs between Cloud and
    /// Data Center and is refused when the deployment is configured wrong. Others are not contacted by <c>--check</c>.
    /// </summary>
    public virtual bool CheckedAtStart => false;

    /// <summary>Whether this webhook can ask its ticket system for a situation's ticket (known without a call).</summary>
    public abstract bool CanLookUp(ResolvedWebhook webhook);

    /// <summary>
    /// The look-up, described, with how long its search may miss a new ticket (Jira asks which deployment it is, once).
    /// </summary>
    public abstract ValueTask<LookupCapability> LookupCapabilityAsync(ResolvedWebhook webhook, CancellationToken cancellationToken);

    /// <summary>
    /// Asks the ticket system for the situation's ticket. A failure that waiting may cure (no answer, 429, 5xx) is thrown
    /// as a transient <see cref="TicketSystemException"/>; a refusal or an answer that cannot be read is
    /// <see cref="LookupVerdict.Refused"/>, noted as the destination's configuration problem; only the system's own way
    /// of saying "none" is <see cref="LookupVerdict.NotFound"/>.
    /// </summary>
    public async Task<LookupResult> LookUpAsync(LookupQuery query, CancellationToken cancellationToken)
    {
        LookupResult result;
        try
        {
            result = await FindAsync(query, cancellationToken);
        }
        catch (TicketSystemException exception) when (!exception.IsTransient && !exception.IsConfigurationProblem && !exception.NeverSent)
        {
            // The search's own refusal. A certificate the bridge does not trust, or a call it would not send, says
            // nothing about the search: that failure is the attempt's, dead-lettered with its own message.
            result = LookupResult.RefusedBy(exception.Message);
        }

        if (query.Create is not null && result is { Verdict: LookupVerdict.Found, TicketId: null } && result.Mapped?.GetText("externalNumber") is null)
        {
            // Something matched, but nothing says which ticket: never linked blind, never taken for "none".
            result = LookupResult.RefusedBy($"{query.Step} found a match without a ticket id or number: check the create operation's externalIdProperty and response section");
        }

        if (result.Verdict == LookupVerdict.Refused)
        {
            health.RecordLookupRefused(query.Webhook.DestinationName, query.Webhook.Name, result.Reason!);
        }
        else
        {
            health.RecordLookupWorks(query.Webhook.Name);
        }

        return result;
    }

    /// <summary>The system's own look-up; see <see cref="LookUpAsync"/>.</summary>
    protected abstract Task<LookupResult> FindAsync(LookupQuery query, CancellationToken cancellationToken);

    /// <summary>The ticket's page when the mapping names none: ServiceNow's form, Jira's browse page.</summary>
    public virtual string? DefaultDisplayUrl(ResolvedWebhook webhook, string? ticketId, string? number) => null;

    /// <summary>
    /// A note on the ticket where the system has one (ServiceNow's <c>work_notes</c>, a Jira comment): a DELETED on a
    /// mapping without a DELETED operation, a situation joining a group's ticket. Null where the system has none.
    /// </summary>
    public virtual TicketRequest? Note(ResolvedWebhook webhook, string ticketId, string note) => null;

    /// <summary>A call that changes nothing, for "test connection": it shows reachability, TLS trust and credentials.</summary>
    public abstract TicketRequest HarmlessCall(ResolvedWebhook webhook);

    /// <summary>
    /// The mapping's close operation. <paramref name="send"/> runs it, with other user variables when given; Jira first
    /// finds the workflow transition that closes.
    /// </summary>
    public virtual Task<MappedResponse> CloseAsync(ResolvedSubscription subscription, string ticketId, string renderedPath,
        Func<IReadOnlyDictionary<string, string>?, Task<MappedResponse>> send, CancellationToken cancellationToken) => send(null);

    /// <summary>
    /// Reopens a ticket the bridge resolved, saying why in <paramref name="note"/> (a work note, a comment): a flap of its
    /// situation's check (<c>Reopen:Window</c>). Returns the ticket as the system answered it, to read its number and
    /// status through the mapping's response section, or null when the answer carries none. A repeat (the bridge
    /// stopped before it saved the reopen) must do no harm: a ticket that is open already is only noted.
    /// </summary>
    public virtual Task<JsonElement?> ReopenAsync(ResolvedSubscription subscription, string ticketId, string note, CancellationToken cancellationToken) =>
        throw new DeliveryRefusedException($"webhook {subscription.Webhook.Name} cannot reopen a ticket (only ServiceNow and Jira can): remove Bridge:Subscriptions:{subscription.Name}:Reopen:Window");

    /// <summary>What a refusal means in the system's own terms, or null.</summary>
    protected virtual string? ExplainRefusal(TicketRequest request, int status, string? targetMessage) => null;
}
