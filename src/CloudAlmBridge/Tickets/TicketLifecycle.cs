using System.Text;
using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Mappings;
using CloudAlmBridge.Observability;
using CloudAlmBridge.Storage;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// The ticket lifecycle of contract §3: decides per event and link what to send, sends it through the subscription's
/// mapping, and keeps the situation-to-ticket link. One situation is handled one event at a time.
/// </summary>
internal sealed class TicketLifecycle(
    ITicketStore store,
    TicketSystemClient client,
    SituationLocks locks,
    ActiveConfiguration configuration,
    MappingCatalog mappings,
    JiraTransitions jiraTransitions,
    BridgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<TicketLifecycle> logger)
{
    /// <summary>
    /// Handles one event of one situation: waits for the situation's lock, decides by the link, sends, saves the link.
    /// A failure of the ticket system is an outcome (with its own message), not an exception.
    /// </summary>
    public async Task<LifecycleOutcome> HandleAsync(ResolvedSubscription subscription, string eventType, string situationId,
        JsonElement resource, long deliveryId, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        await using var situationLock = await locks.AcquireAsync(subscription.Name, situationId, cancellationToken);

        var link = await store.FindLinkAsync(subscription.Name, situationId, cancellationToken);
        var mapping = mappings.Find(subscription.MappingName)
            ?? throw new InvalidOperationException($"Mapping '{subscription.MappingName}' of subscription '{subscription.Name}' is not available.");
        var work = new Work(subscription, mapping, situationId, resource, link);
        LifecycleOutcome outcome;
        try
        {
            outcome = await DecideAndRunAsync(work, eventType, cancellationToken);
        }
        catch (TicketSystemException exception)
        {
            outcome = new LifecycleOutcome(work.Link, DeliveryState.Failed, work.Action, work.Created, exception.Message,
                exception.StatusCode, exception.IsTransient, exception.RetryAfter);
        }

        metrics.RecordDelivery(subscription.Name, outcome.DeliveryState.ToString(), timeProvider.GetElapsedTime(started));
        TicketLog.EventHandled(logger, subscription.Name, situationId, eventType, deliveryId, outcome);
        if (outcome.Error is not null)
        {
            TicketLog.DeliveryFailed(logger, subscription.Name, situationId, deliveryId, outcome.Error);
        }

        return outcome;
    }

    private async Task<LifecycleOutcome> DecideAndRunAsync(Work work, string eventType, CancellationToken cancellationToken)
    {
        var link = work.Link;
        switch (eventType)
        {
            case EventTypes.Created when link is null:
            case EventTypes.Updated when link is null:
                // An UPDATED can arrive before or without its CREATED: it opens the ticket (contract §3).
                return await CreateAsync(work, cancellationToken);

            case EventTypes.Created or EventTypes.Updated when link!.IsClosed:
                // A closed ticket is never reopened by a late update, and a situation closed before it had a ticket
                // never gets one: nothing would ever close it.
                return work.Done(DeliveryState.Skipped, "None", link.IsClosedWithoutTicket
                    ? "the situation was closed in SAP Cloud ALM before it had a ticket, so no ticket is opened for it"
                    : "the ticket is closed; a late event never reopens it");

            case EventTypes.Created or EventTypes.Updated:
                // A CREATED for a situation that has its ticket is an update: never a second ticket.
                return await RunOnTicketAsync(work, EventTypes.Updated, "Update", cancellationToken);

            case EventTypes.Closed when link is null:
                if (!string.Equals(configuration.Current.Options.Lifecycle.CloseWithoutTicket, LifecycleOptions.CreateAndClose,
                        StringComparison.OrdinalIgnoreCase))
                {
                    // Remembered as a closed link without a ticket: a CREATED or UPDATED of the situation that arrives
                    // after it (opened and closed at one moment, a late resend) must not open a ticket nothing closes.
                    await SaveAsync(work, null, null, closed: true, cancellationToken);
                    return work.Done(DeliveryState.Skipped, "None",
                        "closed before it had a ticket: remembered, so a later CREATED or UPDATED of the situation opens none");
                }

                var created = await CreateAsync(work, cancellationToken);
                return created.DeliveryState == DeliveryState.Delivered
                    ? await RunOnTicketAsync(work, EventTypes.Closed, "Close", cancellationToken)
                    : created;

            case EventTypes.Closed when link!.IsClosed:
                return work.Done(DeliveryState.Skipped, "None");

            case EventTypes.Closed:
                return await RunOnTicketAsync(work, EventTypes.Closed, "Close", cancellationToken);

            case EventTypes.Deleted when link is null || link.IsClosedWithoutTicket:
                return work.Done(DeliveryState.Skipped, "None");

            case EventTypes.Deleted:
                return work.Mapping.Document.FindOperation(EventTypes.Deleted) is not null
                    ? await RunOnTicketAsync(work, EventTypes.Deleted, "Delete", cancellationToken)
                    : await AddDeletionNoteAsync(work, cancellationToken);

            case EventTypes.Ping when link is null || link.IsClosedWithoutTicket:
                // Nothing to read: the caller answers 404.
                return new LifecycleOutcome(null, DeliveryState.Skipped, "None");

            case EventTypes.Ping:
                return await RunOnTicketAsync(work, EventTypes.Ping, "Ping", cancellationToken);

            default:
                throw new ArgumentOutOfRangeException(nameof(eventType), eventType, "Unknown event type.");
        }
    }

    private async Task<LifecycleOutcome> CreateAsync(Work work, CancellationToken cancellationToken)
    {
        work.Action = "Create";
        var operation = work.Mapping.Document.FindOperation(EventTypes.Created)
            ?? throw new TicketSystemException($"mapping '{work.Mapping.Name}' has no {EventTypes.Created} operation", null, null, transient: false);

        // At most one ticket per situation: the ticket system is asked first whether the situation's ticket exists (a
        // create whose answer was lost, a bridge that crashed before writing the link): ServiceNow by correlation id,
        // Jira by the situation's label, a generic target by the webhook's configured look-up.
        if (await FindExistingAsync(work, operation, LookupBeforeCreate, cancellationToken) is var (existing, existingId))
        {
            work.Action = "Link";
            await SaveAsync(work, existing, existingId, closed: false, cancellationToken);
            return work.Done(DeliveryState.Delivered, work.Action);
        }

        TicketSystemAnswer answer;
        MappedResponse mapped;
        try
        {
            (answer, mapped) = await SendAsync(work, operation, ticketId: null, cancellationToken);
        }
        catch (TicketSystemException exception) when ((exception.StatusCode is null || exception.AnswerUnread) && exception.IsTransient
                                                      && !work.Subscription.Webhook.CanLookUp)
        {
            // No answer at all (timeout, connection reset) or one too large to read: the target may have created the
            // ticket. Without a way to look it up, trying again could open a second one, so a person decides.
            throw new TicketSystemException(
                $"{exception.Message}; outcome unknown: check the ticket system for this situation's ticket, and replay this delivery only if none was created",
                null, exception.TargetMessage, exception, transient: false);
        }

        work.Created = true;
        var ticketId = mapped.TicketId;
        var webhook = work.Subscription.Webhook;
        if (ticketId is null && (webhook.IsServiceNow || webhook.IsJira))
        {
            // A success without a readable id (an answer cut short) leaves the outcome unknown: ask the ticket system.
            // If it does not know the ticket yet, the attempt fails transiently and the next one looks up again first.
            if (await FindExistingAsync(work, operation, LookupAfterCreate, cancellationToken) is not var (found, foundId) || foundId is null)
            {
                throw new TicketSystemException(
                    $"{operation.Method} {webhook.ResourceUrl} answered {answer.StatusCode} without a readable ticket id; its outcome is unknown",
                    null, null);
            }

            (mapped, ticketId) = (found, foundId);
        }
        else if (ticketId is null && webhook.LookupPath is not null
                 && await TryFindAfterCreateAsync(work, operation, cancellationToken) is var (generic, genericId) && genericId is not null)
        {
            // A generic target's 2xx says the ticket exists: its id, if the answer did not carry it, comes from the look-up.
            (mapped, ticketId) = (generic, genericId);
        }

        string? note = null;
        if (ticketId is null)
        {
            // Created (the 2xx says so), so never created again; but later events cannot address the ticket.
            TicketLog.NoTicketId(logger, work.Subscription.Name, work.SituationId, operation.ExternalIdProperty ?? "(none)", answer.StatusCode);
            note = $"created, but the answer ({answer.StatusCode}) had no readable ticket id at '{operation.ExternalIdProperty ?? "(no externalIdProperty)"}': "
                + "later events of this situation cannot address the ticket; check the mapping's externalIdProperty"
                + (webhook.CanLookUp ? string.Empty : $", or configure Bridge:Webhooks:{webhook.Name}:Lookup");
        }

        await SaveAsync(work, mapped, ticketId, closed: false, cancellationToken);
        return work.Done(DeliveryState.Delivered, work.Action, note);
    }

    private async Task<LifecycleOutcome> RunOnTicketAsync(Work work, string eventType, string action, CancellationToken cancellationToken)
    {
        work.Action = action;
        var link = work.Link!;
        var closes = eventType == EventTypes.Closed;
        var operation = work.Mapping.Document.FindOperation(eventType);
        if (operation is null)
        {
            // The mapping chose not to act on this event; a CLOSED still closes the link so later updates stay away.
            if (closes)
            {
                await SaveAsync(work, null, link.TicketId, closed: true, cancellationToken);
            }

            return work.Done(DeliveryState.Skipped, "None");
        }

        if (link.TicketId is null && work.Subscription.Webhook.CanLookUp
            && work.Mapping.Document.FindOperation(EventTypes.Created) is { } create
            && await FindExistingAsync(work, create, LookupOfTicketId, cancellationToken) is var (found, foundId) && foundId is not null)
        {
            // The create's answer had no id; the ticket system knows it now.
            await SaveAsync(work, found, foundId, link.IsClosed, cancellationToken);
            link = work.Link!;
        }

        if (link.TicketId is null)
        {
            throw new TicketSystemException(
                $"the ticket of situation {work.SituationId} has no ticket id (the create answer had none): check the mapping's responseRoot and externalIdProperty",
                null, null, transient: false);
        }

        // Jira closes through a workflow transition: without a configured id, the bridge finds it (JiraTransitions).
        var (_, mapped) = closes && JiraTransitions.Applies(work.Subscription, operation.RenderPath(work.Context(link.TicketId)))
            ? await jiraTransitions.CloseAsync(work.Subscription, link.TicketId,
                variables => SendAsync(work, operation, link.TicketId, cancellationToken, variables), cancellationToken)
            : await SendAsync(work, operation, link.TicketId, cancellationToken);
        await SaveAsync(work, mapped, link.TicketId, closes || link.IsClosed, cancellationToken);
        return work.Done(DeliveryState.Delivered, action);
    }

    /// <summary>DELETED on a mapping without a DELETED operation: a work note where the ticket system has one.</summary>
    private async Task<LifecycleOutcome> AddDeletionNoteAsync(Work work, CancellationToken cancellationToken)
    {
        work.Action = "Note";
        var link = work.Link!;
        var webhook = work.Subscription.Webhook;
        const string Note = "The event situation was deleted in SAP Cloud ALM.";
        TicketRequest request;
        if (webhook.IsServiceNow && link.TicketId is not null)
        {
            request = new TicketRequest(webhook, "PATCH", $"{webhook.ResourceUrl}/{Uri.EscapeDataString(link.TicketId)}",
                JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["work_notes"] = Note }));
        }
        else if (webhook.IsJira && link.TicketId is not null)
        {
            request = new TicketRequest(webhook, "POST", $"{webhook.ResourceUrl}/{Uri.EscapeDataString(link.TicketId)}/comment",
                JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["body"] = Note }));
        }
        else
        {
            return work.Done(DeliveryState.Skipped, "None");
        }

        await client.SendAsync(request, cancellationToken);
        return work.Done(DeliveryState.Delivered, work.Action);
    }

    private async Task<(TicketSystemAnswer Answer, MappedResponse Mapped)> SendAsync(Work work, OperationMapping operation,
        string? ticketId, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? userVariables = null)
    {
        var context = work.Context(ticketId);
        if (userVariables is not null)
        {
            context = context with { UserVariables = userVariables };
        }

        var request = new TicketRequest(
            work.Subscription.Webhook,
            operation.Method,
            TicketUrl.Compose(work.Subscription.Webhook, operation.RenderPath(context)),
            operation.RenderRequest(context));
        var answer = await client.SendAsync(request, cancellationToken);
        return (answer, operation.MapResponse(answer.Body, context));
    }

    /// <summary>
    /// The look-up after a generic 2xx create without an id. The ticket exists whatever the look-up says, so its
    /// failure must not fail the attempt (a retry would create again): the link is saved without the id, and a later
    /// event of the situation asks for it again.
    /// </summary>
    private async Task<(MappedResponse Mapped, string? TicketId)?> TryFindAfterCreateAsync(Work work, OperationMapping create,
        CancellationToken cancellationToken)
    {
        try
        {
            return await FindExistingAsync(work, create, LookupAfterCreate, cancellationToken);
        }
        catch (TicketSystemException exception)
        {
            TicketLog.LookupUnavailable(logger, work.Subscription.Name, work.SituationId, exception.Message);
            return null;
        }
    }

    private const string LookupBeforeCreate = "the look-up before a create";
    private const string LookupAfterCreate = "the look-up after a create whose answer had no ticket id";
    private const string LookupOfTicketId = "the look-up of the ticket id the create answer lacked";

    private Task<(MappedResponse Mapped, string? TicketId)?> FindExistingAsync(Work work, OperationMapping create, string step,
        CancellationToken cancellationToken) =>
        work.Subscription.Webhook.IsServiceNow ? FindByCorrelationAsync(work, create, step, cancellationToken)
        : work.Subscription.Webhook.IsJira ? FindJiraIssueAsync(work, create, step, cancellationToken)
        : work.Subscription.Webhook.LookupPath is not null ? FindByConfiguredLookupAsync(work, create, step, cancellationToken)
        : Task.FromResult<(MappedResponse, string?)?>(null);

    /// <summary>
    /// A generic target's look-up (<c>Bridge:Webhooks:x:Lookup</c>): a GET of the configured path; the first match below
    /// <c>ResultsPointer</c> is read like the create's answer. An empty list, no match or a <c>404</c> means none.
    /// </summary>
    private async Task<(MappedResponse Mapped, string? TicketId)?> FindByConfiguredLookupAsync(Work work, OperationMapping create, string step,
        CancellationToken cancellationToken)
    {
        var webhook = work.Subscription.Webhook;
        var request = new TicketRequest(webhook, "GET", TicketUrl.Compose(webhook, webhook.LookupPath!.Render(work.Context(null))), null, step);
        TicketSystemAnswer answer;
        try
        {
            answer = await client.SendAsync(request, cancellationToken);
        }
        catch (TicketSystemException exception) when (exception.StatusCode == 404)
        {
            return null;
        }

        // Only a 404, an empty list or a null says "no ticket". An answer that cannot be read (no JSON, a pointer that
        // leads nowhere, an HTML page) says nothing: taking it for "none" would create a second ticket.
        var pointer = webhook.Options.Lookup!.ResultsPointer;
        if (!JsonPointer.TryResolve(answer.Body, pointer, out var results))
        {
            throw new TicketSystemException(
                $"{request.Describe()} answered {answer.StatusCode}, but its answer has no JSON at Bridge:Webhooks:{webhook.Name}:Lookup:ResultsPointer "
                    + $"'{pointer}': the bridge cannot tell whether the ticket exists, so it creates none; fix the pointer or the look-up path",
                null, null, transient: false);
        }

        var record = results.ValueKind switch
        {
            JsonValueKind.Array when results.GetArrayLength() > 0 => results[0],
            JsonValueKind.Array or JsonValueKind.Null => default,
            JsonValueKind.Object => results,
            _ => throw new TicketSystemException(
                $"{request.Describe()} answered {results.ValueKind} at '{pointer}', where a list or an object of matches belongs: fix Bridge:Webhooks:{webhook.Name}:Lookup:ResultsPointer",
                null, null, transient: false),
        };
        if (record.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var mapped = create.MapRecord(record, work.Context(null));
        if (mapped.TicketId is null)
        {
            // A match whose id the create's externalIdProperty cannot read: the ticket exists, but it is not linked blind.
            throw new TicketSystemException(
                $"{request.Describe()} found the situation's ticket, but no ticket id at the create's externalIdProperty '{create.ExternalIdProperty ?? "(none)"}'; "
                    + $"point Bridge:Webhooks:{webhook.Name}:Lookup:ResultsPointer at the matches, or fix the mapping",
                null, null, transient: false);
        }

        TicketLog.LinkedExisting(logger, work.Subscription.Name, work.SituationId, mapped.TicketId);
        return (mapped, mapped.TicketId);
    }

    /// <summary>
    /// Jira's search for the label the built-in mapping sets on every issue, <c>calm-situation-&lt;id&gt;</c>. A Jira
    /// that refuses the search (no such endpoint, no browse permission) is asked no more often than that: the create
    /// goes ahead as before, with a warning; a Jira that is only away makes the attempt fail transiently.
    /// </summary>
    private async Task<(MappedResponse Mapped, string? TicketId)?> FindJiraIssueAsync(Work work, OperationMapping create, string step,
        CancellationToken cancellationToken)
    {
        var webhook = work.Subscription.Webhook;
        var jql = Uri.EscapeDataString($"labels = \"calm-situation-{work.SituationId}\"");
        var request = new TicketRequest(webhook, "GET",
            $"{webhook.Destination.Url!.TrimEnd('/')}/rest/api/2/search?jql={jql}&maxResults=1&fields=status,summary", null, step);
        TicketSystemAnswer answer;
        try
        {
            answer = await client.SendAsync(request, cancellationToken);
        }
        catch (TicketSystemException exception) when (!exception.IsTransient)
        {
            TicketLog.LookupUnavailable(logger, work.Subscription.Name, work.SituationId, exception.Message);
            return null;
        }

        if (answer.Body.ValueKind != JsonValueKind.Object
            || !answer.Body.TryGetProperty("issues", out var issues)
            || issues.ValueKind != JsonValueKind.Array
            || issues.GetArrayLength() == 0)
        {
            return null;
        }

        var issue = issues[0];
        var mapped = create.MapRecord(issue, work.Context(null));
        var ticketId = mapped.TicketId ?? (issue.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null);
        TicketLog.LinkedExisting(logger, work.Subscription.Name, work.SituationId, ticketId ?? "(unknown)");
        return (mapped, ticketId);
    }

    private async Task<(MappedResponse Mapped, string? TicketId)?> FindByCorrelationAsync(Work work, OperationMapping create, string step,
        CancellationToken cancellationToken)
    {
        var webhook = work.Subscription.Webhook;
        var query = Uri.EscapeDataString($"correlation_id={work.SituationId}");
        var request = new TicketRequest(webhook, "GET", $"{webhook.ResourceUrl}?sysparm_query={query}&sysparm_limit=1", null, step);
        var answer = await client.SendAsync(request, cancellationToken);
        if (answer.Body.ValueKind != JsonValueKind.Object
            || !answer.Body.TryGetProperty("result", out var result)
            || result.ValueKind != JsonValueKind.Array
            || result.GetArrayLength() == 0)
        {
            return null;
        }

        var record = result[0];
        var mapped = create.MapRecord(record, work.Context(null));
        var ticketId = mapped.TicketId
            ?? (record.TryGetProperty("sys_id", out var sysId) && sysId.ValueKind == JsonValueKind.String ? sysId.GetString() : null);

        TicketLog.LinkedExisting(logger, work.Subscription.Name, work.SituationId, ticketId ?? "(unknown)");
        return (mapped, ticketId);
    }

    private async Task SaveAsync(Work work, MappedResponse? mapped, string? ticketId, bool closed, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var previous = work.Link;
        var link = new TicketLink
        {
            Subscription = work.Subscription.Name,
            SituationId = work.SituationId,
            TicketId = ticketId ?? previous?.TicketId,
            TicketNumber = mapped?.GetText("externalNumber") ?? previous?.TicketNumber,
            TicketStatus = mapped?.GetText("externalStatus") ?? previous?.TicketStatus,
            DisplayUrl = mapped?.GetText("displayUrl") ?? previous?.DisplayUrl
                ?? DefaultDisplayUrl(work.Subscription.Webhook, ticketId ?? previous?.TicketId, mapped?.GetText("externalNumber")),
            IsClosed = closed,
            CreatedAt = previous?.CreatedAt ?? now,
            UpdatedAt = now,
        };
        await store.SaveLinkAsync(link, cancellationToken);
        work.Link = link;
    }

    /// <summary>
    /// The ticket system's own page when the mapping names none: ServiceNow's form
    /// (<c>https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=…</c>), Jira's browse page (<c>…/browse/OPS-24</c>).
    /// </summary>
    private static string? DefaultDisplayUrl(ResolvedWebhook webhook, string? ticketId, string? number)
    {
        var baseUrl = webhook.Destination.Url!.TrimEnd('/');
        if (webhook.IsServiceNow && ticketId is not null)
        {
            var table = webhook.Options.Path.TrimEnd('/').Split('/')[^1];
            return new StringBuilder(baseUrl).Append("/nav_to.do?uri=").Append(table).Append(".do?sys_id=")
                .Append(Uri.EscapeDataString(ticketId)).ToString();
        }

        return webhook.IsJira && number is not null ? $"{baseUrl}/browse/{Uri.EscapeDataString(number)}" : null;
    }

    /// <summary>The state of one event's handling, so a failure can still report what was reached.</summary>
    private sealed class Work(ResolvedSubscription subscription, MappingEntry mapping, string situationId, JsonElement resource, TicketLink? link)
    {
        public ResolvedSubscription Subscription { get; } = subscription;

        public MappingEntry Mapping { get; } = mapping;

        public string SituationId { get; } = situationId;

        public TicketLink? Link { get; set; } = link;

        public string Action { get; set; } = "None";

        public bool Created { get; set; }

        public MappingContext Context(string? ticketId) => new(
            resource,
            Subscription.Options.UserVariables,
            Subscription.Options.CloudAlmUrl,
            ticketId ?? Link?.TicketId);

        public LifecycleOutcome Done(DeliveryState deliveryState, string action, string? note = null) =>
            new(Link, deliveryState, action, Created, Note: note);
    }
}
