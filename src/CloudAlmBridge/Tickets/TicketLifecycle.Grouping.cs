using CloudAlmBridge.Delivery;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// Grouping (<c>Bridge:Subscriptions:{name}:Grouping</c>): situations of one grouping key within the window of the
/// group's opening share the ticket of the situation that opened it. Every decision about a group (join, open, close)
/// holds the key's lock inside the situation's, so instances sharing a database see one group per key at a time; the
/// opener keeps the key locked until its ticket is saved, so a member never sees a group without one unless the
/// opener's create is in doubt (then the member waits for it, as the opener's own promise settles it).
/// </summary>
internal sealed partial class TicketLifecycle
{
    /// <summary>
    /// Locks the grouping key and finds the open group of it within the window. Without one, this situation opens a
    /// group ahead of its create (so a member arriving on another instance meanwhile waits for it rather than creating
    /// beside it); a group whose opener made no ticket (its create was refused) is taken over.
    /// </summary>
    private async Task<GroupVerdict> FindGroupAsync(Work work, CancellationToken cancellationToken)
    {
        var key = work.MatchKey!;
        work.MatchKeyLock ??= await locks.AcquireMatchKeyAsync(work.SituationLock, work.Subscription.Name, key, cancellationToken);
        var now = timeProvider.GetUtcNow();
        var group = await groups.FindOpenAsync(work.Subscription.Name, key, now - work.Grouping.Window!.Value, cancellationToken);
        if (group is null)
        {
            work.OpensGroup = await groups.OpenAsync(work.Subscription.Name, key, work.SituationId, now, cancellationToken);
            work.InsertedGroup = true;
            return GroupVerdict.None;
        }

        var opener = group.Opener;
        if (group.OpenedBy != work.SituationId && opener is { TicketId: not null })
        {
            work.Group = group;
            return GroupVerdict.Found;
        }

        if (group.OpenedBy != work.SituationId && opener is not null && (opener.IsHeld || opener.Doubt is not null || opener.TicketNumber is not null))
        {
            // The opener's create may have made the ticket: its own look-up or an operator settles that first.
            work.Group = group;
            return GroupVerdict.Opening;
        }

        // This situation's own group (an earlier attempt opened it), or one whose opener has no ticket and none in doubt.
        if (group.OpenedBy != work.SituationId)
        {
            await groups.TakeOverAsync(group.Id, work.SituationId, cancellationToken);
        }

        work.OpensGroup = group with { OpenedBy = work.SituationId };
        return GroupVerdict.None;
    }

    /// <summary>
    /// Joins the group: the note on its ticket first, then the link (a bridge that stops between the two notes again
    /// on the next attempt, which is better than a member the ticket never mentions). The member's link carries the
    /// group ticket's id, number and page, so Cloud ALM's answer and a PING name the ticket that exists.
    /// </summary>
    private async Task<LifecycleOutcome> JoinGroupAsync(Work work, CancellationToken cancellationToken)
    {
        work.Action = LifecycleAction.Group;
        var group = work.Group!;
        var opener = group.Opener!;
        var rating = work.Text("rating");
        await SendNoteAsync(work, opener.TicketId!,
            $"{Situation(work, rating)} joined this ticket's group (grouping key \"{group.Key}\", opened by situation {group.OpenedBy}).",
            cancellationToken);
        var link = Current(work) with
        {
            TicketId = opener.TicketId,
            TicketNumber = opener.TicketNumber,
            TicketStatus = opener.TicketStatus,
            DisplayUrl = opener.DisplayUrl,
            IsClosed = false,
            ClosedAt = null,
            Doubt = null,
            DoubtSince = null,
            GroupId = group.Id,
            GroupedWith = group.OpenedBy,
            Rating = rating,
        };
        await SaveAsync(work, link, cancellationToken);
        await work.ReleaseMatchKeyAsync();
        metrics.EventGrouped(work.Subscription.Name);
        return work.Done(AttemptOutcome.Delivered, LifecycleAction.Group,
            $"joined group {group.Id} (key \"{group.Key}\", Grouping:Window {work.Grouping.Window}): a note on ticket "
            + $"{opener.TicketNumber ?? opener.TicketId} of situation {group.OpenedBy}, no new ticket");
    }

    /// <summary>
    /// The group's opener has not settled its create: this attempt ends, and the outbox's retry schedule asks again
    /// (the opener's own retry settles it meanwhile).
    /// </summary>
    private static LifecycleOutcome WaitForGroup(Work work)
    {
        var group = work.Group!;
        var why = group.Opener?.IsHeld == true ? "is held until an operator settles it" : "has a create whose outcome is not known yet";
        return new LifecycleOutcome(work.Link, AttemptOutcome.Failed, LifecycleAction.None,
            Error: $"the situation belongs to group {group.Id} (key \"{group.Key}\"), whose opener, situation {group.OpenedBy}, {why}: "
                + "it joins the group's ticket once that is known, and never creates one beside it",
            Transient: true);
    }

    /// <summary>
    /// The situation that opened the group gets its note too, so the ticket names every member alike. The ticket exists
    /// by now: a failed note is said in the delivery's record and not retried (a retry would never create again).
    /// </summary>
    private async Task OpenerNoteAsync(Work work, CancellationToken cancellationToken)
    {
        if (work.OpensGroup is not { } group || work.Link is not { TicketId: { } ticketId })
        {
            return;
        }

        try
        {
            await SendNoteAsync(work, ticketId,
                $"{Situation(work, work.Text("rating"))} opened this ticket's group (grouping key \"{group.Key}\"): situations of the same key "
                + $"within {work.Grouping.Window} are added here instead of getting tickets of their own.", cancellationToken);
        }
        catch (TicketSystemException exception)
        {
            work.Note = $"{(work.Note is null ? string.Empty : $"{work.Note}; ")}the group's first note was not added: {exception.Message}";
        }
    }

    /// <summary>A member's CREATED or UPDATED: a note when its rating rose since the last one noted, else nothing.</summary>
    private async Task<LifecycleOutcome> MemberNoteAsync(Work work, CancellationToken cancellationToken)
    {
        var link = work.Link!;
        var rating = work.Text("rating");
        if (Ratings.Rank(rating) <= Ratings.Rank(link.Rating))
        {
            return work.Done(AttemptOutcome.Skipped, LifecycleAction.None,
                $"a member of group {link.GroupId}: its events add a note to the group's ticket only when its rating rises "
                + $"(noted {link.Rating ?? "none"}, now {rating ?? "none"})");
        }

        work.Action = LifecycleAction.Note;
        await SendNoteAsync(work, link.TicketId!,
            $"{Situation(work, rating)}: its rating rose from {link.Rating ?? "none"} to {rating}.", cancellationToken);
        await SaveAsync(work, link with { Rating = rating, UpdatedAt = timeProvider.GetUtcNow() }, cancellationToken);
        return work.Done(AttemptOutcome.Delivered, LifecycleAction.Note, $"rating rose from {link.Rating ?? "none"} to {rating}: noted on the group's ticket");
    }

    /// <summary>
    /// A member's CLOSED or DELETED: the member is closed. With <c>LastMember</c>, the last open member closes the
    /// group's ticket with the mapping's close operation, as a situation closes its own; earlier ones add nothing to the
    /// ticket (the group's page lists which are still open). The key's lock makes "last" true on every instance.
    /// </summary>
    private async Task<LifecycleOutcome> LeaveGroupAsync(Work work, CancellationToken cancellationToken)
    {
        var link = work.Link!;
        var group = await groups.FindAsync(link.GroupId!.Value, cancellationToken);
        if (group is not null)
        {
            work.MatchKeyLock ??= await locks.AcquireMatchKeyAsync(work.SituationLock, work.Subscription.Name, group.Key, cancellationToken);
        }

        var stillOpen = group is null ? 0 : await groups.CountOpenMembersAsync(group.Id, work.SituationId, cancellationToken);
        if (work.Grouping.ClosesWithLastMember && stillOpen == 0 && group is { IsClosed: false })
        {
            var closed = await RunOnTicketAsync(work, EventTypes.Closed, LifecycleAction.Close, cancellationToken);
            await groups.CloseAsync(group.Id, timeProvider.GetUtcNow(), cancellationToken);
            return closed with { Note = $"the last open member of group {group.Id} (of {group.Members}): the group's ticket is closed" };
        }

        await SaveAsync(work, link with { IsClosed = true, UpdatedAt = timeProvider.GetUtcNow() }, cancellationToken);
        return work.Done(AttemptOutcome.Skipped, LifecycleAction.None, work.Grouping.ClosesWithLastMember
            ? $"a member of group {link.GroupId} closed; {stillOpen} still open, and the group's ticket closes with the last"
            : $"a member of group {link.GroupId} closed; the group's ticket stays open (Grouping:Close Never): a person closes it");
    }

    /// <summary>
    /// A group opened ahead of a create that made nothing (refused, never sent) is forgotten, unless a member joined it
    /// meanwhile; one whose create may have made a ticket stays, and its members wait for it.
    /// </summary>
    private async Task ForgetGroupIfNothingMadeAsync(Work work)
    {
        if (work.OpensGroup is { } group && work.InsertedGroup
            && work.Link is not ({ HasTicket: true } or { Doubt: not null } or { IsHeld: true }))
        {
            await groups.RemoveIfEmptyAsync(group.Id, CancellationToken.None);
        }
    }

    private async Task SendNoteAsync(Work work, string ticketId, string text, CancellationToken cancellationToken)
    {
        await FlushAsync(work, cancellationToken);
        var request = work.System.Note(work.Webhook, ticketId, text)
            ?? throw new DeliveryRefusedException($"webhook {work.Webhook.Name} has no notes, so a group's ticket cannot name its members");
        await work.System.SendAsync(request with { Step = "the group's note" }, cancellationToken);
    }

    /// <summary><c>SAP Cloud ALM situation 4e1d… "Ping failed" (ERROR, https://…)</c>: what a person needs to find it.</summary>
    private static string Situation(Work work, string? rating)
    {
        var subject = work.Text("subject") is { Length: > 0 } text ? $" \"{text}\"" : string.Empty;
        var link = work.Text("link") ?? work.Text("url") ?? work.Text("situationUrl");
        var details = string.Join(", ", new[] { rating, link }.Where(d => !string.IsNullOrEmpty(d)));
        return $"SAP Cloud ALM situation {work.SituationId}{subject}{(details.Length == 0 ? string.Empty : $" ({details})")}";
    }
}

/// <summary>Cloud ALM's ratings in rising order; an unknown one ranks lowest, so it never counts as a rise.</summary>
internal static class Ratings
{
    public static int Rank(string? rating) => rating?.ToUpperInvariant() switch
    {
        "INFO" => 1,
        "WARNING" => 2,
        "ERROR" => 3,
        "FATAL" => 4,
        _ => 0,
    };
}
