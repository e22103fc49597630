using System.Globalization;
using System.Text.Json;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.TicketSystems;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Tickets;

/// <summary>
/// The ticket lifecycle's decision (docs/architecture.md, "The lifecycle's decision"; its table for operators in
/// docs/operations.md, "The ticket lifecycle"): from the event, what the bridge knows of the situation's ticket,
/// whether a create's outcome is in doubt, what the look-up said and what the bridge's own records prove of earlier
/// sends, the one step to run next. No I/O: <see cref="TicketLifecycle"/> runs the step and, after a look-up (or a read
/// of the situation's other deliveries), asks again.
/// </summary>
internal static class LifecycleDecision
{
    public static LifecycleStep Decide(in SituationFacts facts, in LifecycleRules rules)
    {
        if (facts.Link == LinkState.Held)
        {
            // Nothing of a held situation is sent until an operator settles it; a PING says that it is held.
            return facts.Event == SituationEvent.Ping ? LifecycleStep.AnswerHeld : LifecycleStep.StayHeld;
        }

        if (facts.Doubt is { } doubt && facts.Link == LinkState.None)
        {
            return Settle(facts, doubt, rules);
        }

        if (facts.GroupMember && facts.Link is LinkState.Open or LinkState.Closed)
        {
            return Member(facts);
        }

        return facts.Link switch
        {
            LinkState.None => WithoutTicket(facts, rules),
            LinkState.Open => facts.Event switch
            {
                // The look-up found the ticket this CREATED would have made: linking it is the whole of the create.
                SituationEvent.Created when facts.Lookup == LookupVerdict.Found => LifecycleStep.Linked,

                // A CREATED for a situation that has its ticket is an update: never a second ticket.
                SituationEvent.Created or SituationEvent.Updated => LifecycleStep.Update,
                SituationEvent.Closed => LifecycleStep.Close,
                SituationEvent.Deleted => rules.HasDeleteOperation ? LifecycleStep.Delete : LifecycleStep.DeletionNote,
                _ => LifecycleStep.Ping,
            },

            // A ticket exists whose id the bridge never read: the look-up may know it; without it nothing can address it.
            LinkState.OpenWithoutId => facts.CanLookUp && facts.Lookup == LookupVerdict.NotAsked
                ? LifecycleStep.LookUp
                : LifecycleStep.MissingTicketId,

            // A closed ticket is never reopened by a late update.
            LinkState.Closed => facts.Event switch
            {
                SituationEvent.Created or SituationEvent.Updated => LifecycleStep.SkipClosed,
                SituationEvent.Closed => LifecycleStep.Nothing,
                SituationEvent.Deleted => rules.HasDeleteOperation ? LifecycleStep.Delete : LifecycleStep.DeletionNote,
                _ => LifecycleStep.Ping,
            },

            // Closed before it had a ticket: none is ever opened, since nothing would close it.
            _ => facts.Event switch
            {
                SituationEvent.Created or SituationEvent.Updated => LifecycleStep.SkipClosedBeforeTicket,
                SituationEvent.Ping => LifecycleStep.NoTicket,
                _ => LifecycleStep.Nothing,
            },
        };
    }

    /// <summary>
    /// A create may have made a ticket (or made one whose id is unknown): the look-up settles it before anything else is
    /// sent. "None" counts only once the settle time has passed; where nothing can settle it, the situation is held (or,
    /// with <c>UnknownOutcome</c> <c>CreateAgain</c>, treated as having no ticket).
    /// </summary>
    private static LifecycleStep Settle(in SituationFacts facts, DoubtKind doubt, in LifecycleRules rules)
    {
        if (facts.Event == SituationEvent.Ping)
        {
            // A PING reads what is known, and no ticket is known yet.
            return LifecycleStep.NoTicket;
        }

        var verdict = facts.CanLookUp ? facts.Lookup : LookupVerdict.Refused;
        return verdict switch
        {
            LookupVerdict.NotAsked => LifecycleStep.LookUp,
            LookupVerdict.NotFound when !facts.SettleTimePassed => LifecycleStep.WaitForSettle,
            LookupVerdict.NotFound when doubt == DoubtKind.MayExist => WithoutTicket(facts, rules),

            // Found, yet no ticket is known: it has no id to address (the look-up links what it finds).
            LookupVerdict.Found => LifecycleStep.MissingTicketId,

            // Not found after a 2xx (the search does not see the ticket it made), refused, or no look-up at all.
            _ when !rules.CreateAgainWhenUnknown => LifecycleStep.Hold,
            _ => doubt == DoubtKind.MayExist ? WithoutTicket(facts, rules) : LifecycleStep.KeepWithoutId,
        };
    }

    /// <summary>No ticket is known, or the look-up proved there is none.</summary>
    private static LifecycleStep WithoutTicket(in SituationFacts facts, in LifecycleRules rules) => facts.Event switch
    {
        // An UPDATED can arrive before or without its CREATED: it opens the ticket.
        SituationEvent.Created or SituationEvent.Updated => Create(facts, rules, LifecycleStep.Create),
        SituationEvent.Closed => rules.CreateAndCloseWithoutTicket
            ? Create(facts, rules, LifecycleStep.CreateThenClose)
            : LifecycleStep.RememberClosedWithoutTicket,
        SituationEvent.Ping => LifecycleStep.NoTicket,
        _ => LifecycleStep.Nothing,
    };

    /// <summary>
    /// At most one ticket per situation: the ticket system is asked first wherever it can be (a create whose answer was
    /// lost, a bridge that crashed before writing the link), unless the bridge's own records prove it needless (see
    /// <see cref="LookupBeforeCreate"/>). A look-up that the ticket system refuses proves nothing: the situation is held
    /// rather than created blind, unless the webhook prefers a possible duplicate.
    /// </summary>
    private static LifecycleStep Create(in SituationFacts facts, in LifecycleRules rules, LifecycleStep create) => facts.Lookup switch
    {
        LookupVerdict.NotAsked when facts.CanLookUp && !facts.NoneConfirmed => LookupBeforeCreate(facts, rules, create),
        LookupVerdict.Refused when !rules.CreateAgainWhenUnknown => LifecycleStep.Hold,

        // A ticket was found, yet none is known: it has no id to address. Never a create beside it.
        LookupVerdict.Found => LifecycleStep.MissingTicketId,

        _ => CreateOrReopen(facts, rules, create),
    };

    /// <summary>
    /// A member of a group shares its ticket: its events never change the ticket's fields. A CREATED or UPDATED adds a
    /// note only when its rating rose (the lifecycle compares); a CLOSED or DELETED marks the member closed, and the
    /// last one closes the ticket (<c>Grouping:Close</c> <c>LastMember</c>). Once closed, nothing of it reaches the ticket.
    /// </summary>
    private static LifecycleStep Member(in SituationFacts facts) => facts.Link == LinkState.Open
        ? facts.Event switch
        {
            SituationEvent.Created or SituationEvent.Updated => LifecycleStep.MemberNote,
            SituationEvent.Closed or SituationEvent.Deleted => LifecycleStep.LeaveGroup,
            _ => LifecycleStep.Ping,
        }
        : facts.Event switch
        {
            SituationEvent.Created or SituationEvent.Updated => LifecycleStep.SkipClosed,
            SituationEvent.Ping => LifecycleStep.Ping,
            _ => LifecycleStep.Nothing,
        };

    /// <summary>
    /// No ticket of its own, for sure (the look-up said none, or nothing can have been sent before): a situation whose
    /// grouping key matches an open group joins its ticket; else a flap of a situation whose ticket the bridge resolved
    /// within the window reopens that ticket; else a create. A CLOSED without ticket never joins or reopens anything:
    /// it would be closed at once.
    /// </summary>
    private static LifecycleStep CreateOrReopen(in SituationFacts facts, in LifecycleRules rules, LifecycleStep create)
    {
        if (create != LifecycleStep.Create)
        {
            return create;
        }

        if (rules.Groups)
        {
            switch (facts.Group)
            {
                case GroupVerdict.NotAsked:
                    return LifecycleStep.FindGroup;
                case GroupVerdict.Found:
                    return LifecycleStep.JoinGroup;
                case GroupVerdict.Opening:
                    return LifecycleStep.WaitForGroup;
            }
        }

        return rules.ReopensWithinWindow
            ? facts.Reopen switch
            {
                ReopenVerdict.NotAsked => LifecycleStep.FindClosedTicket,
                ReopenVerdict.Found => LifecycleStep.Reopen,
                _ => create,
            }
            : create;
    }

    /// <summary>
    /// <c>Bridge:Lifecycle:LookupBeforeCreate</c> <c>Auto</c> skips the look-up only where nothing of the situation can
    /// have been sent before: this is the first claim of a delivery that never ran, the bridge has no record of the
    /// situation (no link, nothing in doubt or held), no other delivery of the situation was ever claimed, and the
    /// situation started within the window (a restored database or a second system that creates tickets leaves no
    /// record here; a recent start bounds how long that can go unnoticed). Every retry, crash, lost lease, replay and
    /// hold keeps the look-up, and so does <c>Always</c>. The other deliveries are read last, only when they decide.
    /// </summary>
    private static LifecycleStep LookupBeforeCreate(in SituationFacts facts, in LifecycleRules rules, LifecycleStep create)
    {
        var unrecorded = facts is { Link: LinkState.None, Doubt: null, NoneConfirmed: false, LinkRecorded: false };
        if (rules.LookUpBeforeEveryCreate || !unrecorded || !facts.FirstClaim || !facts.StartedRecently)
        {
            return LifecycleStep.LookUp;
        }

        return facts.OtherDeliveriesClaimed switch
        {
            null => LifecycleStep.ReadOtherDeliveries,
            false => CreateOrReopen(facts, rules, create),
            true => LifecycleStep.LookUp,
        };
    }

    /// <summary>
    /// The situation started (its <c>resource.startTime</c>) within <paramref name="window"/> of
    /// <paramref name="now"/>, either side, since Cloud ALM's clock and the bridge's differ a little. A start that is
    /// missing or unreadable is not recent: the look-up stays.
    /// </summary>
    public static bool StartedWithin(JsonElement resource, DateTimeOffset now, TimeSpan window) =>
        resource.ValueKind == JsonValueKind.Object
        && resource.TryGetProperty("startTime", out var startTime)
        && startTime.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(startTime.GetString(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start)
        && (now - start).Duration() <= window;

    /// <summary>The link's state, as the decision reads it.</summary>
    public static LinkState StateOf(TicketLink? link) => link switch
    {
        null => LinkState.None,
        { IsHeld: true } => LinkState.Held,
        { IsClosed: true } => link.HasTicket ? LinkState.Closed : LinkState.ClosedWithoutTicket,
        { TicketId: not null } => LinkState.Open,
        { TicketNumber: not null } or { Doubt: DoubtKind.CreatedWithoutId } => LinkState.OpenWithoutId,
        _ => LinkState.None,
    };

    /// <summary>The doubt the decision settles: only while no ticket is known.</summary>
    public static DoubtKind? DoubtOf(TicketLink? link) =>
        link?.Doubt is DoubtKind.MayExist or DoubtKind.ExistsWithoutId && !link.HasTicket && !link.IsClosed ? link.Doubt : null;

    public static SituationEvent EventOf(string eventType) => eventType switch
    {
        EventTypes.Created => SituationEvent.Created,
        EventTypes.Updated => SituationEvent.Updated,
        EventTypes.Closed => SituationEvent.Closed,
        EventTypes.Deleted => SituationEvent.Deleted,
        EventTypes.Ping => SituationEvent.Ping,
        _ => throw new ArgumentOutOfRangeException(nameof(eventType), eventType, "Unknown event type."),
    };
}

/// <summary>A change message's event, as the lifecycle reads it.</summary>
internal enum SituationEvent
{
    Created,
    Updated,
    Closed,
    Deleted,
    Ping,
}

/// <summary>What the bridge knows of a situation's ticket.</summary>
internal enum LinkState
{
    /// <summary>No ticket is known (a create may be in doubt: see <see cref="SituationFacts.Doubt"/>).</summary>
    None,

    /// <summary>A ticket with its id.</summary>
    Open,

    /// <summary>A ticket exists, but its id was never read.</summary>
    OpenWithoutId,

    /// <summary>The ticket was closed by a CLOSED.</summary>
    Closed,

    /// <summary>CLOSED came before any ticket (or an operator discarded the situation).</summary>
    ClosedWithoutTicket,

    /// <summary>Held until an operator settles it.</summary>
    Held,
}

/// <summary>Everything the decision reads about one event of one situation.</summary>
/// <param name="Event">The event being handled.</param>
/// <param name="Link">What is known of the ticket.</param>
/// <param name="Doubt">A create whose outcome is not known (only with <see cref="LinkState.None"/>).</param>
/// <param name="CanLookUp">The webhook's ticket system can be asked for the situation's ticket.</param>
/// <param name="Lookup">What the look-up said in this attempt.</param>
/// <param name="SettleTimePassed">The look-up's "none" counts: its settle time has passed since the create in doubt.</param>
/// <param name="NoneConfirmed">An operator settled the held situation with "no ticket was made": the create needs no look-up.</param>
/// <param name="Reopen">
/// Whether a ticket of the situation's match key was closed within the reopen window (<see cref="ReopenVerdict.None"/>
/// also when the situation has no key).
/// </param>
/// <param name="LinkRecorded">The bridge has a stored record of the situation (a link row), whatever it says.</param>
/// <param name="FirstClaim">This attempt runs the delivery's first claim: never attempted, given back, taken over, replayed or settled.</param>
/// <param name="StartedRecently">The situation started within <c>Bridge:Lifecycle:LookupSkipWindow</c> of now.</param>
/// <param name="OtherDeliveriesClaimed">Another delivery of the situation was ever claimed; null until read.</param>
/// <param name="Group">What the search for an open group of the situation's grouping key found (None without grouping or key).</param>
/// <param name="GroupMember">The situation belongs to a group (opened it or joined it): its events go to the group's ticket as notes.</param>
/// <remarks>The defaults prove nothing, so a fact left out keeps the look-up before a create.</remarks>
internal readonly record struct SituationFacts(
    SituationEvent Event,
    LinkState Link,
    DoubtKind? Doubt,
    bool CanLookUp,
    LookupVerdict Lookup = LookupVerdict.NotAsked,
    bool SettleTimePassed = true,
    bool NoneConfirmed = false,
    ReopenVerdict Reopen = ReopenVerdict.NotAsked,
    bool LinkRecorded = false,
    bool FirstClaim = false,
    bool StartedRecently = false,
    bool? OtherDeliveriesClaimed = null,
    GroupVerdict Group = GroupVerdict.NotAsked,
    bool GroupMember = false);

/// <summary>What the search for an open group of the situation's grouping key found.</summary>
internal enum GroupVerdict
{
    /// <summary>Not searched in this attempt.</summary>
    NotAsked,

    /// <summary>
    /// No open group within the window (or the situation has no key): this situation opens one, or takes over one whose
    /// opener made no ticket. It gets a ticket of its own (a create, or a reopen).
    /// </summary>
    None,

    /// <summary>An open group within the window whose ticket is known: the situation joins it.</summary>
    Found,

    /// <summary>An open group whose opener's create is in doubt or held: the situation waits for the group's ticket.</summary>
    Opening,
}

/// <summary>What the search for a recently closed ticket of the situation's match key found.</summary>
internal enum ReopenVerdict
{
    /// <summary>Not searched in this attempt.</summary>
    NotAsked,

    /// <summary>None within the window, or the situation has no match key.</summary>
    None,

    /// <summary>A ticket the bridge closed within the window, not reopened since.</summary>
    Found,
}

/// <summary>The configuration the decision follows.</summary>
/// <param name="CreateAndCloseWithoutTicket"><c>Bridge:Lifecycle:CloseWithoutTicket</c> is <c>CreateAndClose</c>.</param>
/// <param name="CreateAgainWhenUnknown">The webhook's <c>UnknownOutcome</c> is <c>CreateAgain</c>.</param>
/// <param name="HasDeleteOperation">The mapping has an operation for DELETED.</param>
/// <param name="ReopensWithinWindow">The subscription has a <c>Reopen:Window</c>.</param>
/// <param name="LookUpBeforeEveryCreate"><c>Bridge:Lifecycle:LookupBeforeCreate</c> is <c>Always</c>.</param>
/// <param name="Groups">The subscription has a <c>Grouping:Key</c> and <c>Grouping:Window</c>.</param>
internal readonly record struct LifecycleRules(bool CreateAndCloseWithoutTicket, bool CreateAgainWhenUnknown, bool HasDeleteOperation,
    bool ReopensWithinWindow = false, bool LookUpBeforeEveryCreate = false, bool Groups = false);

/// <summary>The step the lifecycle runs next.</summary>
internal enum LifecycleStep
{
    /// <summary>Ask the ticket system for the situation's ticket, then decide again with its answer.</summary>
    LookUp,

    /// <summary>
    /// Read whether another delivery of the situation was ever claimed, then decide again: the last fact that can skip
    /// the look-up before a create (<c>LookupBeforeCreate</c> <c>Auto</c>), read only when it decides.
    /// </summary>
    ReadOtherDeliveries,

    /// <summary>Create the ticket and link it.</summary>
    Create,

    /// <summary>Create the ticket, link it and close it (<c>CloseWithoutTicket</c> <c>CreateAndClose</c>).</summary>
    CreateThenClose,

    /// <summary>The look-up found the ticket and it is linked: nothing else to send.</summary>
    Linked,

    /// <summary>
    /// Before a create, with a reopen window: lock the situation's match key and search for a ticket of that key the
    /// bridge closed within the window, then decide again.
    /// </summary>
    FindClosedTicket,

    /// <summary>Reopen the ticket found (ServiceNow: In Progress with a work note; Jira: a transition and a comment) and link it.</summary>
    Reopen,

    /// <summary>
    /// Before a create, with grouping: lock the situation's grouping key and search for an open group of it within the
    /// window (opening one ahead of the create when there is none), then decide again.
    /// </summary>
    FindGroup,

    /// <summary>Join the group found: a note on its ticket naming the situation, and the situation linked to that ticket.</summary>
    JoinGroup,

    /// <summary>The group's opener has not settled its create yet: the attempt ends, and the situation joins once its ticket is known.</summary>
    WaitForGroup,

    /// <summary>A group member's CREATED or UPDATED: a note on the group's ticket when its rating rose, else nothing.</summary>
    MemberNote,

    /// <summary>A group member's CLOSED or DELETED: the member is closed; the last one closes the group's ticket (<c>LastMember</c>).</summary>
    LeaveGroup,

    /// <summary>The mapping's UPDATED operation on the ticket.</summary>
    Update,

    /// <summary>The mapping's CLOSED operation (Jira: through its close transition).</summary>
    Close,

    /// <summary>The mapping's DELETED operation.</summary>
    Delete,

    /// <summary>DELETED without a DELETED operation: a note on the ticket where its system has notes.</summary>
    DeletionNote,

    /// <summary>The mapping's PING operation: read the ticket and refresh its number and status.</summary>
    Ping,

    /// <summary>A CLOSED without ticket under <c>Skip</c>: remembered, so no later event opens a ticket.</summary>
    RememberClosedWithoutTicket,

    /// <summary>A CREATED or UPDATED after the close: never reopens the ticket.</summary>
    SkipClosed,

    /// <summary>A CREATED or UPDATED after a close without ticket: opens none.</summary>
    SkipClosedBeforeTicket,

    /// <summary>Nothing to send.</summary>
    Nothing,

    /// <summary>A PING without a ticket to read.</summary>
    NoTicket,

    /// <summary>A PING of a held situation: answered with its state.</summary>
    AnswerHeld,

    /// <summary>
    /// An event of a held situation: it stays queued, unsent. Not reached through the dispatcher, whose claim skips held
    /// situations; should it be, the attempt counts as a failed one and the delivery waits behind the hold.
    /// </summary>
    StayHeld,

    /// <summary>An eventually consistent look-up found nothing within its settle time: ask again once it has passed.</summary>
    WaitForSettle,

    /// <summary>Nothing can settle whether a create made a ticket: hold the situation for an operator.</summary>
    Hold,

    /// <summary>
    /// <c>CreateAgain</c>, after a 2xx whose ticket id nothing can find: keep the ticket without its id (creating again
    /// would certainly duplicate it).
    /// </summary>
    KeepWithoutId,

    /// <summary>The ticket's id is unknown, so the event cannot address it.</summary>
    MissingTicketId,
}
