using System.Text.Json;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Mappings;
using CloudAlmBridge.Observability;
using CloudAlmBridge.Storage;
using CloudAlmBridge.TicketSystems;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// The ticket lifecycle (docs/architecture.md, "The ticket lifecycle"): takes the situation's lock, reads what is known of its
/// ticket, asks <see cref="LifecycleDecision"/> for the step, runs it through the webhook's ticket system and the
/// subscription's mapping, and saves the link. One situation is handled one event at a time.
/// </summary>
internal sealed partial class TicketLifecycle(
    ITicketStore store,
    ITicketGroupStore groups,
    IDeliveryStore deliveries,
    TicketSystemRegistry systems,
    SituationLocks locks,
    ActiveConfiguration configuration,
    MappingCatalog mappings,
    BridgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<TicketLifecycle> logger)
{
    private const string DeletionNote = "The event situation was deleted in SAP Cloud ALM.";

    /// <summary>
    /// Handles one event of one situation: waits for the situation's lock, decides, sends, saves the link. A failure of
    /// the ticket system is an outcome (with its own message), not an exception. <paramref name="delivery"/> is the
    /// claimed delivery being run (null for a PING, which is not stored): its record says whether it ran before.
    /// <paramref name="commit"/>, when given, records the outcome with the link the event left unsaved (null when
    /// every change was saved already), in one write, inside the situation's lock: the dispatcher's completion. Without
    /// it, the link is saved here.
    /// </summary>
    public async Task<LifecycleOutcome> HandleAsync(ResolvedSubscription subscription, string eventType, string situationId,
        JsonElement resource, DeliveryRecord? delivery, CancellationToken cancellationToken,
        Func<LifecycleOutcome, TicketLink?, Task>? commit = null)
    {
        var started = timeProvider.GetTimestamp();
        var deliveryId = delivery?.Id ?? 0;
        await using var situationLock = await locks.AcquireAsync(subscription.Name, situationId, cancellationToken);

        var link = await store.FindLinkAsync(subscription.Name, situationId, cancellationToken);
        var mapping = mappings.Find(subscription.MappingName)
            ?? throw new InvalidOperationException($"Mapping '{subscription.MappingName}' of subscription '{subscription.Name}' is not available.");
        var matchKey = LifecycleDecision.EventOf(eventType) == SituationEvent.Ping ? null : MatchKeys.Of(subscription, resource);
        var work = new Work(subscription, mapping, situationId, resource, link, systems.For(subscription.Webhook), deliveryId, situationLock, matchKey)
        {
            FirstClaim = delivery?.IsFirstClaim ?? false,
        };
        LifecycleOutcome outcome;
        try
        {
            try
            {
                outcome = await RunAsync(work, LifecycleDecision.EventOf(eventType), cancellationToken);
            }
            catch (TicketSystemException exception)
            {
                outcome = work.Failed(exception);
            }
            catch (DeliveryRefusedException exception)
            {
                outcome = work.Refused(exception);
            }

            // Still inside the locks: the next event of the situation, or of its key, reads the link as this one left it.
            if (commit is not null)
            {
                await commit(outcome, work.Unsaved);
            }
            else if (work.Unsaved is { } unsaved)
            {
                await store.SaveLinkAsync(unsaved, CancellationToken.None);
            }

            work.Unsaved = null;
        }
        catch (Exception) when (work.Unsaved is not null)
        {
            // The commit failed (the storage went away), or something unexpected did after the ticket system acted: the
            // link is written on its own if it can be, so the next attempt knows the ticket; the failure goes on up.
            await SaveUnsavedQuietlyAsync(work);
            throw;
        }
        finally
        {
            // Inside the situation's lock (and the key's), released before it.
            await ForgetGroupIfNothingMadeAsync(work);
            await work.ReleaseMatchKeyAsync();
        }

        // A PING is answered from the route and stored as no delivery: the outbox counts deliveries (bridge_deliveries_total).
        if (LifecycleDecision.EventOf(eventType) != SituationEvent.Ping)
        {
            metrics.DeliveryTook(subscription.Name, timeProvider.GetElapsedTime(started));
        }
        TicketLog.EventHandled(logger, subscription.Name, situationId, eventType, deliveryId, outcome);
        if (outcome.Error is not null && outcome.Action != LifecycleAction.Hold)
        {
            TicketLog.DeliveryFailed(logger, subscription.Name, situationId, deliveryId, outcome.Error);
        }

        return outcome;
    }

    /// <summary>Decides and runs steps until one ends the event; a look-up, or a create whose outcome is in doubt, asks again.</summary>
    private async Task<LifecycleOutcome> RunAsync(Work work, SituationEvent situationEvent, CancellationToken cancellationToken)
    {
        var options = configuration.Current.Options.Lifecycle;
        var rules = new LifecycleRules(
            string.Equals(options.CloseWithoutTicket, LifecycleOptions.CreateAndClose, StringComparison.OrdinalIgnoreCase),
            work.Webhook.CreatesAgainWhenUnknown,
            work.Mapping.Document.FindOperation(EventTypes.Deleted) is not null,
            work.Subscription.Options.Reopen.Window is not null,
            string.Equals(options.LookupBeforeCreate, LifecycleOptions.Always, StringComparison.OrdinalIgnoreCase),
            work.Grouping.IsOn);
        var facts = new SituationFacts(situationEvent, LifecycleDecision.StateOf(work.Link), LifecycleDecision.DoubtOf(work.Link),
            work.System.CanLookUp(work.Webhook), NoneConfirmed: work.Link?.Doubt == DoubtKind.NoneConfirmed,
            Reopen: work.MatchKey is null ? ReopenVerdict.None : ReopenVerdict.NotAsked,
            LinkRecorded: work.Link is not null,
            FirstClaim: work.FirstClaim,
            StartedRecently: LifecycleDecision.StartedWithin(work.Resource, timeProvider.GetUtcNow(), options.LookupSkipWindow),
            Group: work.MatchKey is null ? GroupVerdict.None : GroupVerdict.NotAsked,
            GroupMember: work.Link?.IsGroupMember ?? false);
        while (true)
        {
            var step = LifecycleDecision.Decide(facts, rules);
            switch (step)
            {
                case LifecycleStep.LookUp:
                    facts = await LookUpAsync(work, facts, await work.CapabilityAsync(cancellationToken), cancellationToken);
                    continue;

                case LifecycleStep.ReadOtherDeliveries:
                    facts = facts with
                    {
                        OtherDeliveriesClaimed = await deliveries.AnyOtherClaimedAsync(work.Subscription.Name, work.SituationId, work.DeliveryId,
                            cancellationToken),
                    };
                    continue;

                case LifecycleStep.Create or LifecycleStep.CreateThenClose:
                    if (facts is { Lookup: LookupVerdict.NotAsked, OtherDeliveriesClaimed: false })
                    {
                        // Only the skip reads the other deliveries and goes on to a create without a verdict.
                        TicketLog.LookupSkipped(logger, work.Subscription.Name, work.SituationId, work.DeliveryId, options.LookupSkipWindow);
                    }

                    if (await CreateAsync(work, await work.CapabilityAsync(cancellationToken), cancellationToken) is { } doubt)
                    {
                        // The create's outcome is in doubt: the look-up settles it now, or the situation is held.
                        facts = facts with { Link = LinkState.None, Doubt = doubt, Lookup = LookupVerdict.NotAsked, SettleTimePassed = true };
                        continue;
                    }

                    if (step == LifecycleStep.CreateThenClose && work.Link is { TicketId: not null })
                    {
                        return await RunOnTicketAsync(work, EventTypes.Closed, LifecycleAction.Close, cancellationToken);
                    }

                    await OpenerNoteAsync(work, cancellationToken);
                    return work.Done(AttemptOutcome.Delivered, LifecycleAction.Create, work.Note);

                case LifecycleStep.Linked:
                    await OpenerNoteAsync(work, cancellationToken);
                    return work.Done(AttemptOutcome.Delivered, LifecycleAction.Link, work.Note);
                case LifecycleStep.FindGroup:
                    facts = facts with { Group = await FindGroupAsync(work, cancellationToken) };
                    continue;
                case LifecycleStep.JoinGroup:
                    return await JoinGroupAsync(work, cancellationToken);
                case LifecycleStep.WaitForGroup:
                    return WaitForGroup(work);
                case LifecycleStep.MemberNote:
                    return await MemberNoteAsync(work, cancellationToken);
                case LifecycleStep.LeaveGroup:
                    return await LeaveGroupAsync(work, cancellationToken);
                case LifecycleStep.FindClosedTicket:
                    facts = facts with { Reopen = await FindClosedTicketAsync(work, cancellationToken) };
                    continue;
                case LifecycleStep.Reopen:
                    return await ReopenAsync(work, cancellationToken);
                case LifecycleStep.Update:
                    return await RunOnTicketAsync(work, EventTypes.Updated, LifecycleAction.Update, cancellationToken);
                case LifecycleStep.Close:
                    return await RunOnTicketAsync(work, EventTypes.Closed, LifecycleAction.Close, cancellationToken);
                case LifecycleStep.Delete:
                    return await RunOnTicketAsync(work, EventTypes.Deleted, LifecycleAction.Delete, cancellationToken);
                case LifecycleStep.DeletionNote:
                    return await AddDeletionNoteAsync(work, cancellationToken);
                case LifecycleStep.Ping:
                    return await RunOnTicketAsync(work, EventTypes.Ping, LifecycleAction.Ping, cancellationToken);

                case LifecycleStep.RememberClosedWithoutTicket:
                    // Remembered as a closed link without a ticket: a CREATED or UPDATED of the situation that arrives
                    // after it (opened and closed at one moment, a late resend) must not open a ticket nothing closes.
                    SaveAtEnd(work, Current(work) with { IsClosed = true, Doubt = null, DoubtSince = null });
                    return work.Done(AttemptOutcome.Skipped, LifecycleAction.None,
                        "closed before it had a ticket: remembered, so a later CREATED or UPDATED of the situation opens none");

                case LifecycleStep.SkipClosed:
                    return work.Done(AttemptOutcome.Skipped, LifecycleAction.None, "the ticket is closed; a late event never reopens it");
                case LifecycleStep.SkipClosedBeforeTicket:
                    return work.Done(AttemptOutcome.Skipped, LifecycleAction.None, work.Link?.HoldNote is { } discarded
                        ? $"the situation's events were discarded ({discarded}), so no ticket is opened for it"
                        : "the situation was closed in SAP Cloud ALM before it had a ticket, so no ticket is opened for it");
                case LifecycleStep.Nothing:
                    return work.Done(AttemptOutcome.Skipped, LifecycleAction.None);
                case LifecycleStep.NoTicket:
                    // Nothing to read: the caller answers 404.
                    return new LifecycleOutcome(null, AttemptOutcome.Skipped, LifecycleAction.None);
                case LifecycleStep.AnswerHeld:
                    return new LifecycleOutcome(work.Link, AttemptOutcome.Skipped, LifecycleAction.None);
                case LifecycleStep.StayHeld:
                    // Not reached through the dispatcher (a held situation's deliveries are not claimed): the event waits.
                    return new LifecycleOutcome(work.Link, AttemptOutcome.Failed, LifecycleAction.None,
                        Error: "the situation is held: its events wait, unsent, until an operator settles it", Transient: true);

                case LifecycleStep.WaitForSettle:
                    return WaitForSettle(work, await work.CapabilityAsync(cancellationToken));
                case LifecycleStep.Hold:
                    return await HoldAsync(work, facts, cancellationToken);

                case LifecycleStep.KeepWithoutId:
                    // UnknownOutcome CreateAgain after a 2xx whose id nothing finds: creating again would certainly
                    // duplicate the ticket, so it is kept, unaddressable, as the bridge always kept such tickets.
                    await SaveAsync(work, Current(work) with { Doubt = DoubtKind.CreatedWithoutId }, cancellationToken);
                    if (work.Created)
                    {
                        return work.Done(AttemptOutcome.Delivered, LifecycleAction.Create, work.Note);
                    }

                    facts = facts with { Link = LinkState.OpenWithoutId, Doubt = null };
                    continue;

                case LifecycleStep.MissingTicketId:
                    throw new DeliveryRefusedException(
                        $"the ticket of situation {work.SituationId} has no ticket id (the create answer had none): check the mapping's responseRoot and externalIdProperty");

                default:
                    throw new InvalidOperationException($"The lifecycle has no way to run step {step}.");
            }
        }
    }

    /// <summary>Asks the ticket system for the situation's ticket and links what it finds.</summary>
    private async Task<SituationFacts> LookUpAsync(Work work, SituationFacts facts, LookupCapability capability, CancellationToken cancellationToken)
    {
        var purpose = facts.Doubt is not null ? "the look-up of a create whose outcome is unknown"
            : facts.Link == LinkState.OpenWithoutId ? "the look-up of the ticket id the create answer lacked"
            : "the look-up before a create";
        var create = work.Mapping.Document.FindOperation(EventTypes.Created);
        if (create is null && facts.Link == LinkState.None)
        {
            // The look-up guards a create the mapping cannot make: that is the error to report.
            throw new DeliveryRefusedException($"mapping '{work.Mapping.Name}' has no {EventTypes.Created} operation");
        }

        await FlushAsync(work, cancellationToken);
        var query = new LookupQuery(work.Webhook, work.SituationId, create, work.Context(null), purpose);
        var result = await work.System.LookUpAsync(query, cancellationToken);
        switch (result.Verdict)
        {
            case LookupVerdict.Found:
                TicketLog.LinkedExisting(logger, work.Subscription.Name, work.SituationId, result.TicketId ?? "(unknown)");
                if (facts.Doubt is not null)
                {
                    // The delivery's record says how the doubt was settled.
                    work.Note = $"{(work.Note is null ? string.Empty : $"{work.Note}; ")}the look-up found ticket {result.TicketId ?? "(without an id)"}";
                }

                await SaveAsync(work, Linked(work, result.Mapped, result.TicketId, work.Link?.IsClosed ?? false), cancellationToken);
                return facts with { Link = LifecycleDecision.StateOf(work.Link), Doubt = null, Lookup = LookupVerdict.Found };

            case LookupVerdict.NotFound:
                // "None" from an eventually consistent search proves something only a settle time after the create.
                var since = work.Link?.DoubtSince;
                return facts with
                {
                    Lookup = LookupVerdict.NotFound,
                    SettleTimePassed = facts.Doubt is null || since is null || since.Value + capability.SettleTime <= timeProvider.GetUtcNow(),
                };

            default:
                TicketLog.LookupRefused(logger, work.Subscription.Name, work.SituationId, purpose, work.Webhook.DestinationName, result.Reason!);
                work.LookupRefusal = result.Reason;
                return facts with { Lookup = LookupVerdict.Refused };
        }
    }

    /// <summary>
    /// Sends the create and links its ticket. Returns null when that is done (linked, or created for good without an
    /// id), or the doubt it left when its outcome is not known: a ticket may exist, or exists without a readable id.
    /// </summary>
    private async Task<DoubtKind?> CreateAsync(Work work, LookupCapability capability, CancellationToken cancellationToken)
    {
        work.Action = LifecycleAction.Create;
        var operation = work.Mapping.Document.FindOperation(EventTypes.Created)
            ?? throw new DeliveryRefusedException($"mapping '{work.Mapping.Name}' has no {EventTypes.Created} operation");

        // Where the bridge could not tell afterwards that this create was sent (no look-up, or one that may miss a new
        // ticket for a while), it writes that down first, once the call has its slot and right before it is sent: if
        // the bridge stops before the answer is saved, the next attempt knows that a ticket may exist. A create that
        // waited for its slot and was cancelled there was never sent, and leaves nothing behind.
        var previous = work.Link;
        var writeAhead = capability.CanLookUp ? capability.SettleTime > TimeSpan.Zero : !work.Webhook.CreatesAgainWhenUnknown;
        var written = false;
        Func<CancellationToken, Task>? onSending = null;
        if (writeAhead)
        {
            onSending = async token =>
            {
                await SaveAsync(work, Current(work) with { Doubt = DoubtKind.MayExist, DoubtSince = timeProvider.GetUtcNow() }, token);
                written = true;
            };
        }

        TicketSystemAnswer answer;
        MappedResponse mapped;
        try
        {
            (answer, mapped) = await SendAsync(work, operation, null, null, cancellationToken, onSending);
        }
        catch (TicketSystemException exception) when (exception.MayHaveActed || exception.StatusCode == 504)
        {
            // No answer (a timeout, a connection reset), one too large to read, or a gateway that gave up waiting for
            // it: the ticket system may have made the ticket. The settle time counts from now, the last moment it
            // could have: the call itself may have taken its whole AttemptTimeout.
            await SaveAsync(work, Current(work) with { Doubt = DoubtKind.MayExist, DoubtSince = timeProvider.GetUtcNow() }, cancellationToken);
            if (capability.CanLookUp || work.Webhook.CreatesAgainWhenUnknown)
            {
                // The next attempt settles it: the look-up first (after its settle time), or a create again by choice.
                TicketLog.CreateInDoubt(logger, work.Subscription.Name, work.SituationId, exception.Message,
                    capability.CanLookUp ? "the next attempt asks the look-up first" : "the next attempt creates again (UnknownOutcome CreateAgain)");
                throw TicketSystemException.InDoubt(
                    $"{exception.Message}; outcome unknown: the next attempt "
                    + (capability.CanLookUp ? "asks the ticket system for the situation's ticket before anything else" : "creates again (UnknownOutcome CreateAgain)"),
                    exception);
            }

            work.HoldReason = $"{exception.Message}; outcome unknown, and webhook {work.Webhook.Name} has no look-up to find out";
            return DoubtKind.MayExist;
        }
        catch (Exception exception) when (exception is TicketSystemException || (exception is OperationCanceledException && !written))
        {
            // Answered (refused, failed), never sent, or cancelled before it was sent: nothing was made.
            if (written)
            {
                await RestoreAsync(work, previous);
            }

            throw;
        }

        work.Created = true;
        if (mapped.TicketId is { } ticketId)
        {
            // Saved with the delivery's completion, or before anything else is sent: a crash before either leaves the
            // delivery claimed once more, and a second claim always asks the look-up first.
            SaveAtEnd(work, Linked(work, mapped, ticketId, closed: false));
            return null;
        }

        var url = TicketUrl.Compose(work.Webhook, operation.RenderPath(work.Context(null)));
        if (!operation.ReadsTicketId)
        {
            // A target whose mapping reads no id (it keeps nothing the bridge could address): created, never created
            // again, and later events of the situation cannot address it.
            TicketLog.NoTicketId(logger, work.Subscription.Name, work.SituationId, "(none)", answer.StatusCode);
            work.Note = $"created, but the mapping reads no ticket id from the answer ({answer.StatusCode}): later events of this situation cannot address the ticket";
            await SaveAsync(work, Linked(work, mapped, null, closed: false) with { Doubt = DoubtKind.CreatedWithoutId, DoubtSince = timeProvider.GetUtcNow() },
                cancellationToken);
            return null;
        }

        // A success whose id cannot be read (an answer cut short): the ticket exists, and the look-up says which it is.
        var pointer = operation.ExternalIdProperty ?? "externalId";
        work.Note = $"created, but the answer ({answer.StatusCode}) had no readable ticket id at '{pointer}'";
        TicketLog.CreateInDoubt(logger, work.Subscription.Name, work.SituationId, $"{operation.Method} {url} answered {answer.StatusCode} without a readable ticket id at '{pointer}'",
            capability.CanLookUp ? "the look-up says which ticket it made" : "the situation is held");
        work.HoldReason = $"{operation.Method} {url} answered {answer.StatusCode}, so the ticket exists, but the answer had no readable ticket id "
            + $"at '{pointer}' and "
            + (capability.CanLookUp ? "the look-up did not find it" : $"webhook {work.Webhook.Name} has no look-up (Bridge:Webhooks:{work.Webhook.Name}:Lookup)");
        await SaveAsync(work, Current(work) with { Doubt = DoubtKind.ExistsWithoutId, DoubtSince = timeProvider.GetUtcNow() }, cancellationToken);
        return DoubtKind.ExistsWithoutId;
    }

    /// <summary>
    /// Locks the situation's match key (held until the reopen is saved, so two situations of one key never both reopen
    /// its ticket, on any instance) and searches for a ticket of that key the bridge closed within the window.
    /// </summary>
    private async Task<ReopenVerdict> FindClosedTicketAsync(Work work, CancellationToken cancellationToken)
    {
        var key = work.MatchKey!;
        work.MatchKeyLock ??= await locks.AcquireMatchKeyAsync(work.SituationLock, work.Subscription.Name, key, cancellationToken);
        var since = timeProvider.GetUtcNow() - work.Subscription.Options.Reopen.Window!.Value;
        work.ReopenCandidate = await store.FindReopenableAsync(work.Subscription.Name, key, since, cancellationToken);
        if (work.ReopenCandidate is null)
        {
            // Nothing to reopen: a create needs no lock on the key (a closed ticket of the key appearing meanwhile is
            // another situation's, closed after this one arrived), unless it opens a group: members wait for its ticket.
            if (work.OpensGroup is null)
            {
                await work.ReleaseMatchKeyAsync();
            }

            return ReopenVerdict.None;
        }

        return ReopenVerdict.Found;
    }

    /// <summary>
    /// Reopens the ticket found instead of creating one, and links it to this situation: its later events update it, its
    /// CLOSED resolves it again. The ticket's number, id and page are the reopened ticket's, so Cloud ALM's answer names
    /// a ticket that exists. A bridge that stops between the reopen and its save reopens again on the next attempt,
    /// which the ticket systems take as a note on a ticket open already.
    /// </summary>
    private async Task<LifecycleOutcome> ReopenAsync(Work work, CancellationToken cancellationToken)
    {
        work.Action = LifecycleAction.Reopen;
        var from = work.ReopenCandidate!;
        var ticketId = from.TicketId!;
        var now = timeProvider.GetUtcNow();
        var answer = await work.System.ReopenAsync(work.Subscription, ticketId, ReopenNote(work, from, now), cancellationToken);

        // The ticket as the system answered, read like an update's answer; a system that answers without it (Jira) is
        // read with the mapping's PING, so the status stored and answered is the reopened one, never the resolved one.
        MappedResponse? mapped = null;
        if (answer is { } body && work.Mapping.Document.FindOperation(EventTypes.Updated) is { } update)
        {
            mapped = update.MapResponse(body, work.Context(ticketId));
        }

        if (mapped?.GetText("externalStatus") is null && work.Mapping.Document.FindOperation(EventTypes.Ping) is { } ping)
        {
            mapped = (await SendAsync(work, ping, ticketId, null, cancellationToken)).Mapped;
        }

        var number = mapped?.GetText("externalNumber") ?? from.TicketNumber;
        var link = Current(work) with
        {
            TicketId = ticketId,
            TicketNumber = number,
            TicketStatus = mapped?.GetText("externalStatus"),
            DisplayUrl = mapped?.GetText("displayUrl") ?? from.DisplayUrl ?? work.System.DefaultDisplayUrl(work.Webhook, ticketId, number),
            IsClosed = false,
            ClosedAt = null,
            Doubt = null,
            DoubtSince = null,
            HeldAt = null,
            HoldDeliveryId = null,
            ReopenedFrom = from.SituationId,
        };
        await store.SaveReopenedAsync(link, cancellationToken);
        work.Link = link;
        await work.ReleaseMatchKeyAsync();
        metrics.TicketReopened(work.Subscription.Name);
        return work.Done(AttemptOutcome.Delivered, LifecycleAction.Reopen,
            $"reopened ticket {number ?? ticketId} of situation {from.SituationId}, resolved by the bridge at {from.ClosedAt:O} "
            + $"(Reopen:Window {work.Subscription.Options.Reopen.Window}): the same service and event flapped, so no new ticket was created");
    }

    /// <summary>The work note or comment on the reopened ticket: which situation reopened it, and why.</summary>
    private static string ReopenNote(Work work, TicketLink from, DateTimeOffset now)
    {
        var subject = work.Text("subject") is { Length: > 0 } text ? $" \"{text}\"" : string.Empty;
        var rating = work.Text("rating") is { Length: > 0 } value ? $" ({value})" : string.Empty;
        var after = from.ClosedAt is { } closed ? $" {Math.Max(0, (int)(now - closed).TotalMinutes)} minutes after" : " after";
        return $"Reopened by the bridge: SAP Cloud ALM raised situation {work.SituationId}{subject}{rating} for the same service and event{after} "
            + $"this ticket was resolved for situation {from.SituationId}. This ticket now follows situation {work.SituationId}.";
    }

    /// <summary>Undoes the write-ahead of a create that made nothing: the situation as it was (no row, if it had none).</summary>
    private async Task RestoreAsync(Work work, TicketLink? previous)
    {
        if (previous is null)
        {
            await store.RemoveLinkAsync(work.Subscription.Name, work.SituationId, CancellationToken.None);
        }
        else
        {
            await store.SaveLinkAsync(previous, CancellationToken.None);
        }

        work.Link = previous;
        work.Unsaved = null;
    }

    private async Task<LifecycleOutcome> RunOnTicketAsync(Work work, string eventType, LifecycleAction action, CancellationToken cancellationToken)
    {
        await FlushAsync(work, cancellationToken);
        work.Action = action;
        var link = work.Link!;
        var closes = eventType == EventTypes.Closed;
        var operation = work.Mapping.Document.FindOperation(eventType);
        if (operation is null)
        {
            // The mapping chose not to act on this event; a CLOSED still closes the link so later updates stay away.
            if (closes)
            {
                SaveAtEnd(work, Linked(work, null, link.TicketId, closed: true));
            }

            return work.Done(AttemptOutcome.Skipped, LifecycleAction.None);
        }

        var ticketId = link.TicketId!;
        var mapped = closes
            ? await work.System.CloseAsync(work.Subscription, ticketId, operation.RenderPath(work.Context(ticketId)),
                async variables => (await SendAsync(work, operation, ticketId, variables, cancellationToken)).Mapped, cancellationToken)
            : (await SendAsync(work, operation, ticketId, null, cancellationToken)).Mapped;
        SaveAtEnd(work, Linked(work, mapped, ticketId, closes || link.IsClosed));
        return work.Done(AttemptOutcome.Delivered, action);
    }

    /// <summary>DELETED on a mapping without a DELETED operation: a note where the ticket system has notes.</summary>
    private static async Task<LifecycleOutcome> AddDeletionNoteAsync(Work work, CancellationToken cancellationToken)
    {
        work.Action = LifecycleAction.Note;
        if (work.Link?.TicketId is not { } ticketId || work.System.Note(work.Webhook, ticketId, DeletionNote) is not { } request)
        {
            return work.Done(AttemptOutcome.Skipped, LifecycleAction.None);
        }

        await work.System.SendAsync(request, cancellationToken);
        return work.Done(AttemptOutcome.Delivered, LifecycleAction.Note);
    }

    /// <summary>An eventually consistent search found nothing yet: the attempt ends, and the next comes after the settle time.</summary>
    private LifecycleOutcome WaitForSettle(Work work, LookupCapability capability)
    {
        var since = work.Link!.DoubtSince!.Value;
        var wait = since + capability.SettleTime - timeProvider.GetUtcNow();
        return new LifecycleOutcome(work.Link, AttemptOutcome.Failed, LifecycleAction.None,
            Error: $"the look-up found no ticket yet, but {capability.Description ?? "it"} may miss a ticket for up to {capability.SettleTime} "
                + $"(Bridge:Webhooks:{work.Webhook.Name}:Lookup:SettleTime) after a create whose outcome is unknown, sent at {since:O}: it asks again then",
            Transient: true, RetryAfter: wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    /// <summary>
    /// Nothing can settle whether a create made a ticket, or the look-up that must come before a create is refused: the
    /// situation waits for an operator, the event that found it dead-lettered.
    /// </summary>
    private async Task<LifecycleOutcome> HoldAsync(Work work, SituationFacts facts, CancellationToken cancellationToken)
    {
        var refused = work.LookupRefusal is { } refusal ? $"the ticket system refused the look-up ({refusal})" : null;
        var inDoubt = facts.Doubt is not null || work.HoldReason is not null;
        var reason = work.HoldReason is { } known
            ? refused is null ? known : $"{known}; {refused}"
            : !inDoubt
                ? $"the ticket system refused the look-up that must come before its create ({work.LookupRefusal}); no create was sent"
                : refused
                  ?? (facts.Doubt is DoubtKind.ExistsWithoutId
                      ? "a create was answered 2xx without a readable ticket id, and the look-up does not find the ticket"
                      : facts.CanLookUp
                          ? "a create of this situation may have made a ticket, and the look-up cannot tell"
                          : $"a create of this situation may have made a ticket (it was sent, and its outcome was never recorded), and webhook {work.Webhook.Name} has no look-up to find out");
        await SaveAsync(work, Current(work) with
        {
            HeldAt = timeProvider.GetUtcNow(),
            HoldNote = reason,
            HoldDeliveryId = work.DeliveryId > 0 ? work.DeliveryId : null,
        }, cancellationToken);
        TicketLog.SituationHeld(logger, work.Subscription.Name, work.SituationId, reason);
        return new LifecycleOutcome(work.Link, AttemptOutcome.Failed, LifecycleAction.Hold, work.Created,
            $"{(inDoubt ? "outcome unknown" : "held before its create")}: {reason}. The situation is held: its later events wait, unsent, until an operator settles it "
            + "(console: Held situations; POST /api/v1/held-situations/{subscription}/{situation}/settle)",
            Transient: false, Note: work.Note);
    }

    private async Task<(TicketSystemAnswer Answer, MappedResponse Mapped)> SendAsync(Work work, OperationMapping operation,
        string? ticketId, IReadOnlyDictionary<string, string>? userVariables, CancellationToken cancellationToken,
        Func<CancellationToken, Task>? onSending = null)
    {
        await FlushAsync(work, cancellationToken);
        var context = work.Context(ticketId);
        if (userVariables is not null)
        {
            context = context with { UserVariables = userVariables };
        }

        var request = new TicketRequest(
            work.Webhook,
            operation.Method,
            TicketUrl.Compose(work.Webhook, operation.RenderPath(context)),
            operation.RenderRequest(context))
        { OnSending = onSending };
        var answer = await work.System.SendAsync(request, cancellationToken);
        return (answer, operation.MapResponse(answer.Body, context));
    }

    /// <summary>The link with what the ticket system said of its ticket; nothing is in doubt any more once a ticket is known.</summary>
    private TicketLink Linked(Work work, MappedResponse? mapped, string? ticketId, bool closed)
    {
        var previous = Current(work);
        var id = ticketId ?? previous.TicketId;
        var number = mapped?.GetText("externalNumber") ?? previous.TicketNumber;
        var known = id is not null || number is not null;
        return previous with
        {
            TicketId = id,
            TicketNumber = number,
            TicketStatus = mapped?.GetText("externalStatus") ?? previous.TicketStatus,
            DisplayUrl = mapped?.GetText("displayUrl") ?? previous.DisplayUrl ?? work.System.DefaultDisplayUrl(work.Webhook, id, number),
            IsClosed = closed,
            ClosedAt = closed ? previous.ClosedAt ?? timeProvider.GetUtcNow() : null,
            Doubt = known ? null : previous.Doubt,
            DoubtSince = known ? null : previous.DoubtSince,
            HeldAt = null,
            HoldDeliveryId = null,
            UpdatedAt = timeProvider.GetUtcNow(),
        };
    }

    /// <summary>The situation as known, or a new one.</summary>
    private TicketLink Current(Work work)
    {
        var now = timeProvider.GetUtcNow();
        var known = work.Link ?? new TicketLink { Subscription = work.Subscription.Name, SituationId = work.SituationId, CreatedAt = now, UpdatedAt = now };

        // The key is kept from the first event that carries one: a link of an earlier version gets it with its next event.
        return known with
        {
            UpdatedAt = now,
            MatchKey = known.MatchKey ?? work.MatchKey,
            GroupId = known.GroupId ?? work.OpensGroup?.Id,
            Rating = known.Rating ?? (work.Grouping.IsOn ? work.Text("rating") : null),
        };
    }

    private async Task SaveAsync(Work work, TicketLink link, CancellationToken cancellationToken)
    {
        await store.SaveLinkAsync(link, cancellationToken);
        work.Link = link;
        work.Unsaved = null;
    }

    /// <summary>
    /// The link as the event leaves it, written with the delivery's outcome and attempt in one write (issue 21: a
    /// finished delivery is one write). Only where nothing but the end of the event follows: anything sent to the ticket
    /// system after it writes it first (<see cref="FlushAsync"/>), so what a crash loses is never more than the
    /// attempt's own record, which the next claim's look-up recovers.
    /// </summary>
    private static void SaveAtEnd(Work work, TicketLink link)
    {
        work.Link = link;
        work.Unsaved = link;
    }

    /// <summary>A link left for the end, written when the end failed: if this fails too, the next attempt's look-up finds the ticket.</summary>
    private async Task SaveUnsavedQuietlyAsync(Work work)
    {
        try
        {
            await store.SaveLinkAsync(work.Unsaved!, CancellationToken.None);
            work.Unsaved = null;
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            TicketLog.LinkNotSaved(logger, work.Subscription.Name, work.SituationId, exception.Message);
        }
    }

    /// <summary>
    /// Writes a link left for the end before something else is sent. Not cancelled by the caller's token: the ticket
    /// system has acted on what the link records, and a stopping host must not lose it before it stops sending.
    /// </summary>
    private async Task FlushAsync(Work work, CancellationToken cancellationToken)
    {
        if (work.Unsaved is { } unsaved)
        {
            await store.SaveLinkAsync(unsaved, CancellationToken.None);
            work.Unsaved = null;
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The state of one event's handling, so a failure can still report what was reached.</summary>
    private sealed class Work(ResolvedSubscription subscription, MappingEntry mapping, string situationId, JsonElement resource, TicketLink? link,
        TicketSystem system, long deliveryId, IAsyncDisposable situationLock, string? matchKey)
    {
        /// <summary>The situation's lock, which a match key's lock is taken inside.</summary>
        public IAsyncDisposable SituationLock { get; } = situationLock;

        /// <summary>What the situation is about (<see cref="MatchKeys"/>); null for a PING or a message without the key's attributes.</summary>
        public string? MatchKey { get; } = matchKey;

        /// <summary>The match key's lock, while a reopen is being decided and done.</summary>
        public IAsyncDisposable? MatchKeyLock { get; set; }

        /// <summary>The closed ticket of the same key that this situation reopens.</summary>
        public TicketLink? ReopenCandidate { get; set; }

        /// <summary>The subscription's grouping (off unless it has a key and a window).</summary>
        public GroupingOptions Grouping => Subscription.Options.Grouping;

        /// <summary>The open group this situation joins (or waits for).</summary>
        public TicketGroup? Group { get; set; }

        /// <summary>The group this situation opens (or took over): its ticket will be this situation's.</summary>
        public TicketGroup? OpensGroup { get; set; }

        /// <summary>This attempt inserted <see cref="OpensGroup"/> (rather than taking over one).</summary>
        public bool InsertedGroup { get; set; }

        public async ValueTask ReleaseMatchKeyAsync()
        {
            if (MatchKeyLock is { } held)
            {
                MatchKeyLock = null;
                await held.DisposeAsync();
            }
        }

        /// <summary>A text attribute of the situation, for the notes the bridge writes itself.</summary>
        public string? Text(string name) =>
            Resource.ValueKind == JsonValueKind.Object && Resource.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;

        /// <summary>The change message's event situation.</summary>
        public JsonElement Resource { get; } = resource;

        /// <summary>The delivery runs its first claim (<see cref="DeliveryRecord.IsFirstClaim"/>); never for a PING.</summary>
        public bool FirstClaim { get; init; }

        public ResolvedSubscription Subscription { get; } = subscription;

        public ResolvedWebhook Webhook => Subscription.Webhook;

        public MappingEntry Mapping { get; } = mapping;

        public string SituationId { get; } = situationId;

        public TicketSystem System { get; } = system;

        public long DeliveryId { get; } = deliveryId;

        public TicketLink? Link { get; set; } = link;

        /// <summary>The link as changed by this event and not written yet (<see cref="SaveAtEnd"/>).</summary>
        public TicketLink? Unsaved { get; set; }

        public LifecycleAction Action { get; set; } = LifecycleAction.None;

        public bool Created { get; set; }

        /// <summary>What the delivery's record should say besides its state.</summary>
        public string? Note { get; set; }

        /// <summary>Why the situation is held, when the step that found it knows best.</summary>
        public string? HoldReason { get; set; }

        /// <summary>The ticket system's refusal of the look-up in this attempt.</summary>
        public string? LookupRefusal { get; set; }

        private LookupCapability? _capability;

        /// <summary>The look-up's settle time and description, asked only when a step needs them (Jira: its deployment).</summary>
        public async ValueTask<LookupCapability> CapabilityAsync(CancellationToken cancellationToken) =>
            _capability ??= await System.LookupCapabilityAsync(Webhook, cancellationToken);

        public MappingContext Context(string? ticketId) => new(
            Resource,
            Subscription.Options.UserVariables,
            Subscription.Options.CloudAlmUrl,
            ticketId ?? Link?.TicketId);

        public LifecycleOutcome Done(AttemptOutcome outcome, LifecycleAction action, string? note = null) =>
            new(Link, outcome, action, Created, Note: note);

        /// <summary>An attempt the bridge would not send (its own configuration cannot), saying first what it had reached.</summary>
        public LifecycleOutcome Refused(DeliveryRefusedException exception) =>
            new(Link, AttemptOutcome.Refused, Action, Created, Note is null ? exception.Message : $"{Note}; then {exception.Message}");

        /// <summary>A failed attempt, saying first what it had reached (a ticket created without a readable id).</summary>
        public LifecycleOutcome Failed(TicketSystemException exception) =>
            new(Link, AttemptOutcome.Failed, Action, Created, Note is null ? exception.Message : $"{Note}; then {exception.Message}", exception.StatusCode,
                exception.IsTransient, exception.RetryAfter);
    }
}
