using System.Text.Json;
using CloudAlmBridge.Tickets;
using CloudAlmBridge.TicketSystems;
using CloudAlmBridge.Vocabulary;
using Microsoft.Extensions.Time.Testing;

namespace CloudAlmBridge.Tests.Tickets;

/// <summary>
/// The lifecycle's decision as a table, without a host: event × what is known of the ticket × a create in doubt × what
/// the look-up said → the step. One row per line: <c>event link doubt look-up verdict [flags] → step</c>, where the
/// look-up is <c>lookup</c> (the webhook has one) or <c>none</c>, and the flags are <c>unsettled</c> (the settle time
/// has not passed), <c>confirmed</c> (an operator said no ticket was made), <c>createAndClose</c>, <c>createAgain</c>,
/// <c>deleteOp</c> (the mapping has a DELETED operation), <c>group</c> (the subscription has a <c>Grouping:Key</c>), what
/// the search for an open group of its key found (<c>groupFound</c>, <c>groupOpening</c>, <c>groupNone</c>), <c>member</c>
/// (the situation belongs to a group), <c>reopen</c> (the subscription has a <c>Reopen:Window</c>) and
/// what the search for a ticket of the match key closed within it found: <c>closedFound</c> or <c>noneClosed</c>; for
/// the look-up before a create under <c>Auto</c>, <c>first</c> (the delivery's first claim), <c>recent</c> (the
/// situation started within the window), <c>alone</c> or <c>others</c> (no other delivery of the situation was ever
/// claimed, or one was; neither: not read yet), <c>recorded</c> (a link row exists) and <c>always</c>
/// (<c>LookupBeforeCreate</c> <c>Always</c>). Every cell of the documented table (docs/operations.md, "The ticket
/// lifecycle": event × no link, a create in doubt, open, closed, closed without a ticket, held) has its rows, and every
/// event has a row in every <see cref="LinkState"/>.
/// </summary>
public sealed class LifecycleDecisionTests
{
    private static readonly string[] Rows =
    [
        // No ticket, nothing in doubt: the look-up first wherever there is one, then the create.
        "Created None - lookup NotAsked → LookUp",
        "Updated None - lookup NotAsked → LookUp",
        "Created None - none NotAsked → Create",
        "Updated None - none NotAsked → Create",
        "Created None - lookup NotFound → Create",
        "Created None - lookup NotFound unsettled → Create",
        "Created None - lookup NotFound createAgain → Create",

        // Found, yet no ticket known (a match without an id): never a create beside it.
        "Created None - lookup Found → MissingTicketId",
        "Created None MayExist lookup Found → MissingTicketId",

        // A look-up the ticket system refuses proves nothing: held, unless the webhook prefers a possible duplicate.
        "Created None - lookup Refused → Hold",
        "Updated None - lookup Refused → Hold",
        "Created None - lookup Refused createAgain → Create",

        // An operator said no ticket was made: the create goes ahead without asking again.
        "Created None - lookup NotAsked confirmed → Create",
        "Closed None - lookup NotAsked confirmed createAndClose → CreateThenClose",

        // CLOSED without a ticket: remembered (Skip), or created and closed (CreateAndClose) after the look-up.
        "Closed None - lookup NotAsked → RememberClosedWithoutTicket",
        "Closed None - none NotAsked → RememberClosedWithoutTicket",
        "Closed None - lookup NotAsked createAndClose → LookUp",
        "Closed None - lookup NotFound createAndClose → CreateThenClose",
        "Closed None - lookup Refused createAndClose → Hold",
        "Closed None - none NotAsked createAndClose → CreateThenClose",
        "Deleted None - lookup NotAsked → Nothing",
        "Ping None - lookup NotAsked → NoTicket",

        // Reopen:Window (reopen): once the situation surely has no ticket of its own, a ticket of its match key the
        // bridge closed within the window (closedFound) is reopened instead of a create; none (noneClosed): a create.
        "Created None - lookup NotAsked reopen → LookUp",
        "Created None - lookup NotFound reopen → FindClosedTicket",
        "Updated None - lookup NotFound reopen → FindClosedTicket",
        "Created None - none NotAsked reopen → FindClosedTicket",
        "Created None - lookup NotAsked confirmed reopen → FindClosedTicket",
        "Created None - lookup NotFound reopen closedFound → Reopen",
        "Updated None - lookup NotFound reopen closedFound → Reopen",
        "Created None - lookup NotFound reopen noneClosed → Create",
        "Created None - lookup NotFound closedFound → Create",
        "Created None - lookup Found reopen → MissingTicketId",
        "Created None - lookup Refused reopen → Hold",
        "Created None - lookup Refused createAgain reopen closedFound → Reopen",
        "Created None MayExist lookup NotFound reopen → FindClosedTicket",
        "Created None MayExist lookup NotFound unsettled reopen → WaitForSettle",
        "Closed None - lookup NotFound createAndClose reopen → CreateThenClose",
        "Closed None - lookup NotAsked reopen closedFound → RememberClosedWithoutTicket",
        "Created Open - lookup NotAsked reopen closedFound → Update",
        "Created Closed - lookup NotAsked reopen closedFound → SkipClosed",
        "Updated ClosedWithoutTicket - lookup NotAsked reopen closedFound → SkipClosedBeforeTicket",

        // Grouping (group): once the situation surely has no ticket of its own, an open group of its key within the
        // window is searched first: found (groupFound) it joins, its opener's create in doubt (groupOpening) it waits,
        // none (groupNone) it opens one: a reopen, else a create. A CLOSED without ticket joins nothing.
        "Created None - lookup NotAsked group → LookUp",
        "Created None - lookup NotFound group → FindGroup",
        "Updated None - lookup NotFound group → FindGroup",
        "Created None - none NotAsked group → FindGroup",
        "Created None - lookup NotFound group groupFound → JoinGroup",
        "Created None - lookup NotFound group groupOpening → WaitForGroup",
        "Created None - lookup NotFound group groupNone → Create",
        "Created None - lookup NotFound group groupNone reopen → FindClosedTicket",
        "Created None - lookup NotFound group groupNone reopen closedFound → Reopen",
        "Created None - lookup NotFound group reopen closedFound → FindGroup",
        "Created None - lookup Refused group → Hold",
        "Created None MayExist lookup NotFound group → FindGroup",
        "Closed None - lookup NotFound createAndClose group → CreateThenClose",
        "Closed None - lookup NotAsked group groupFound → RememberClosedWithoutTicket",

        // A member of a group (member, opener or joined): its events reach the shared ticket only as notes, and its
        // close leaves the group (the last one closes the ticket); once closed, nothing of it reaches the ticket.
        "Created Open - lookup NotAsked group member → MemberNote",
        "Updated Open - lookup NotAsked group member → MemberNote",
        "Closed Open - lookup NotAsked group member → LeaveGroup",
        "Deleted Open - lookup NotAsked group member deleteOp → LeaveGroup",
        "Ping Open - lookup NotAsked group member → Ping",
        "Updated Closed - lookup NotAsked group member → SkipClosed",
        "Closed Closed - lookup NotAsked group member → Nothing",
        "Deleted Closed - lookup NotAsked group member deleteOp → Nothing",
        "Ping Closed - lookup NotAsked group member → Ping",
        "Updated Held - lookup NotAsked group member → StayHeld",
        "Created None MayExist lookup NotAsked group member → LookUp",

        // The look-up found the ticket: it is linked; the event then does its own part.
        "Created Open - lookup Found → Linked",
        "Updated Open - lookup Found → Update",
        "Closed Open - lookup Found → Close",
        "Deleted Open - lookup Found → DeletionNote",

        // A ticket with its id.
        "Created Open - lookup NotAsked → Update",
        "Updated Open - none NotAsked → Update",
        "Closed Open - lookup NotAsked → Close",
        "Deleted Open - lookup NotAsked → DeletionNote",
        "Deleted Open - lookup NotAsked deleteOp → Delete",
        "Ping Open - lookup NotAsked → Ping",

        // A ticket whose id was never read: the look-up may know it.
        "Updated OpenWithoutId - lookup NotAsked → LookUp",
        "Updated OpenWithoutId - lookup NotFound → MissingTicketId",
        "Updated OpenWithoutId - none NotAsked → MissingTicketId",
        "Ping OpenWithoutId - lookup NotAsked → LookUp",
        "Created OpenWithoutId - lookup NotAsked → LookUp",
        "Closed OpenWithoutId - lookup NotAsked → LookUp",
        "Closed OpenWithoutId - none NotAsked → MissingTicketId",
        "Deleted OpenWithoutId - lookup NotAsked → LookUp",
        "Deleted OpenWithoutId - none NotAsked → MissingTicketId",

        // Closed: never reopened.
        "Created Closed - lookup NotAsked → SkipClosed",
        "Updated Closed - lookup NotAsked → SkipClosed",
        "Closed Closed - lookup NotAsked → Nothing",
        "Deleted Closed - lookup NotAsked → DeletionNote",
        "Deleted Closed - lookup NotAsked deleteOp → Delete",
        "Ping Closed - lookup NotAsked → Ping",
        "Created ClosedWithoutTicket - lookup NotAsked → SkipClosedBeforeTicket",
        "Updated ClosedWithoutTicket - lookup NotAsked → SkipClosedBeforeTicket",
        "Closed ClosedWithoutTicket - lookup NotAsked → Nothing",
        "Deleted ClosedWithoutTicket - lookup NotAsked → Nothing",
        "Ping ClosedWithoutTicket - lookup NotAsked → NoTicket",

        // A create may have made a ticket: the look-up settles it before anything else is sent.
        "Created None MayExist lookup NotAsked → LookUp",
        "Updated None MayExist lookup NotAsked → LookUp",
        "Closed None MayExist lookup NotAsked → LookUp",
        "Deleted None MayExist lookup NotAsked → LookUp",
        "Ping None MayExist lookup NotAsked → NoTicket",

        // An eventually consistent "none" counts only after the settle time.
        "Created None MayExist lookup NotFound unsettled → WaitForSettle",
        "Updated None MayExist lookup NotFound unsettled → WaitForSettle",
        "Closed None MayExist lookup NotFound unsettled → WaitForSettle",
        "Created None MayExist lookup NotFound → Create",
        "Updated None MayExist lookup NotFound → Create",
        "Closed None MayExist lookup NotFound → RememberClosedWithoutTicket",
        "Closed None MayExist lookup NotFound createAndClose → CreateThenClose",
        "Deleted None MayExist lookup NotFound → Nothing",

        // Nothing can settle it: held, or created again by choice.
        "Created None MayExist none NotAsked → Hold",
        "Updated None MayExist none NotAsked → Hold",
        "Closed None MayExist none NotAsked → Hold",
        "Created None MayExist lookup Refused → Hold",
        "Deleted None MayExist none NotAsked → Hold",
        "Deleted None MayExist lookup Refused → Hold",
        "Created None MayExist none NotAsked createAgain → Create",
        "Created None MayExist lookup Refused createAgain → Create",
        "Closed None MayExist none NotAsked createAgain → RememberClosedWithoutTicket",

        // A 2xx without a readable id: the ticket exists; only the look-up can say which one.
        "Created None ExistsWithoutId lookup NotAsked → LookUp",
        "Ping None ExistsWithoutId lookup NotAsked → NoTicket",
        "Created None ExistsWithoutId lookup NotFound unsettled → WaitForSettle",
        "Created None ExistsWithoutId lookup NotFound → Hold",
        "Created None ExistsWithoutId none NotAsked → Hold",
        "Created None ExistsWithoutId lookup Refused → Hold",
        "Created None ExistsWithoutId none NotAsked createAgain → KeepWithoutId",
        "Updated None ExistsWithoutId lookup NotFound createAgain → KeepWithoutId",

        // LookupBeforeCreate Auto: the look-up is skipped only where the bridge's own records prove that nothing of the
        // situation can have been sent: its delivery's first claim, no record of it, no other delivery of it ever
        // claimed (read last, only when it decides), and a recent start.
        "Created None - lookup NotAsked first recent → ReadOtherDeliveries",
        "Updated None - lookup NotAsked first recent → ReadOtherDeliveries",
        "Closed None - lookup NotAsked first recent createAndClose → ReadOtherDeliveries",
        "Created None - lookup NotAsked first recent alone → Create",

        // A look-up skipped under Auto still leaves room for a reopen: the search for a closed ticket of the key is the
        // bridge's own, so a flap of a fresh situation reopens within the window as after a look-up that found none.
        "Created None - lookup NotAsked first recent alone reopen → FindClosedTicket",
        "Created None - lookup NotAsked first recent alone reopen closedFound → Reopen",
        "Created None - lookup NotAsked first recent alone reopen noneClosed → Create",
        "Updated None - lookup NotAsked first recent alone → Create",
        "Closed None - lookup NotAsked first recent alone createAndClose → CreateThenClose",
        "Closed None - lookup NotAsked first recent → RememberClosedWithoutTicket",
        "Deleted None - lookup NotAsked first recent → Nothing",
        "Ping None - lookup NotAsked first recent → NoTicket",

        // Anything less keeps it: another delivery of the situation ran (an UPDATED or a CLOSED that came first), this one
        // ran before (a retry, a crash, a lost lease, a replay, a settlement), an old situation (a restored database, a
        // second system that creates tickets), a record of the situation, Always.
        "Created None - lookup NotAsked first recent others → LookUp",
        "Updated None - lookup NotAsked first recent others → LookUp",
        "Closed None - lookup NotAsked first recent others createAndClose → LookUp",
        "Created None - lookup NotAsked recent alone → LookUp",
        "Created None - lookup NotAsked first alone → LookUp",
        "Created None - lookup NotAsked first recent alone recorded → LookUp",
        "Created None - lookup NotAsked first recent alone always → LookUp",
        "Created None - lookup NotAsked first recent always → LookUp",

        // A create in doubt, a hold or a ticket: the skip never applies.
        "Created None MayExist lookup NotAsked first recent alone → LookUp",
        "Created None ExistsWithoutId lookup NotAsked first recent alone → LookUp",
        "Created OpenWithoutId - lookup NotAsked first recent alone → LookUp",
        "Created Held - lookup NotAsked first recent alone → StayHeld",
        "Created Open - lookup NotAsked first recent alone → Update",

        // Nothing to skip without a look-up; an answered one is followed.
        "Created None - none NotAsked first recent → Create",
        "Created None - lookup NotFound first recent → Create",
        "Created None - lookup Found first recent alone → MissingTicketId",

        // Held: nothing is sent; a PING says so.
        "Created Held - lookup NotAsked → StayHeld",
        "Updated Held MayExist none NotAsked → StayHeld",
        "Closed Held - lookup NotAsked → StayHeld",
        "Deleted Held - none NotAsked → StayHeld",
        "Ping Held MayExist lookup NotAsked → AnswerHeld",
    ];

    public static TheoryData<string> Table => new(Rows);

    [Theory]
    [MemberData(nameof(Table))]
    public void Decide_FollowsTheTable(string row)
    {
        var (facts, rules, expected) = Parse(row);

        Assert.Equal(expected, LifecycleDecision.Decide(facts, rules));
    }

    [Fact]
    public void TheTable_CoversEveryEventAndEveryLinkState()
    {
        var rows = Rows.Select(Parse).ToList();

        Assert.All(Enum.GetValues<SituationEvent>(), e => Assert.Contains(rows, r => r.Facts.Event == e));
        Assert.All(Enum.GetValues<LinkState>(), l => Assert.Contains(rows, r => r.Facts.Link == l));
        Assert.All(Enum.GetValues<LifecycleStep>(), s => Assert.Contains(rows, r => r.Expected == s));
    }

    [Fact]
    public void TheTable_HasARow_ForEveryEventInEveryLinkState()
    {
        var cells = Rows.Select(Parse).Select(r => (r.Facts.Event, r.Facts.Link)).ToHashSet();

        Assert.All(Enum.GetValues<SituationEvent>().SelectMany(e => Enum.GetValues<LinkState>().Select(l => (e, l))),
            cell => Assert.Contains(cell, cells));
    }

    [Fact]
    public void ALookUp_IsAskedAtMostOnce_ThenEveryVerdictLeadsToAStepThatSendsOrEnds()
    {
        // Whatever the situation, deciding again with any verdict never asks for a second look-up.
        foreach (var situationEvent in Enum.GetValues<SituationEvent>())
        {
            foreach (var link in Enum.GetValues<LinkState>())
            {
                foreach (DoubtKind? doubt in new DoubtKind?[] { null, DoubtKind.MayExist, DoubtKind.ExistsWithoutId })
                {
                    foreach (var verdict in new[] { LookupVerdict.NotFound, LookupVerdict.Refused })
                    {
                        foreach (var settled in new[] { true, false })
                        {
                            var facts = new SituationFacts(situationEvent, link, doubt, CanLookUp: true, verdict, settled);
                            Assert.NotEqual(LifecycleStep.LookUp, LifecycleDecision.Decide(facts, new LifecycleRules(false, false, false)));
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Always_DecidesAsIfNothingWereProven_TheLookUpBeforeEveryCreate()
    {
        // Always is the bridge before Auto: whatever the records prove, the decision is the one without them.
        foreach (var facts in EveryCombination())
        {
            foreach (var createAndClose in new[] { true, false })
            {
                var always = new LifecycleRules(createAndClose, false, false, LookUpBeforeEveryCreate: true);
                var unproven = facts with { FirstClaim = false, StartedRecently = false, OtherDeliveriesClaimed = null };

                Assert.Equal(LifecycleDecision.Decide(unproven, always with { LookUpBeforeEveryCreate = false }), LifecycleDecision.Decide(facts, always));
            }
        }
    }

    [Fact]
    public void Auto_SkipsTheLookUp_OnlyWhenEveryFactProvesNothingWasSent_AndReadsTheOtherDeliveriesAtMostOnce()
    {
        var auto = new LifecycleRules(CreateAndCloseWithoutTicket: true, CreateAgainWhenUnknown: false, HasDeleteOperation: false);
        foreach (var facts in EveryCombination())
        {
            var step = LifecycleDecision.Decide(facts, auto);
            var skipped = step is LifecycleStep.Create or LifecycleStep.CreateThenClose
                          && facts is { CanLookUp: true, Lookup: LookupVerdict.NotAsked, NoneConfirmed: false };
            var proven = facts is
            {
                Link: LinkState.None, Doubt: null, LinkRecorded: false, FirstClaim: true, StartedRecently: true, OtherDeliveriesClaimed: false,
            };

            Assert.True(!skipped || proven, $"{facts} skipped the look-up");
            Assert.True(step != LifecycleStep.ReadOtherDeliveries || facts.OtherDeliveriesClaimed is null, $"{facts} read the other deliveries again");
        }
    }

    /// <summary>StartedWithin reads the situation's own start against the clock, with a 10-minute window.</summary>
    [Theory]
    [InlineData("\"startTime\": \"2026-12-07T03:50:00Z\"", 0, true)]
    [InlineData("\"startTime\": \"2026-12-07T03:50:00Z\"", 599, true)]
    [InlineData("\"startTime\": \"2026-12-07T03:50:00Z\"", 600, true)]
    [InlineData("\"startTime\": \"2026-12-07T03:50:00Z\"", 601, false)]
    [InlineData("\"startTime\": \"2026-12-07T03:50:00Z\"", -300, true)]
    [InlineData("\"startTime\": \"2026-12-07T03:50:00Z\"", -601, false)]
    [InlineData("\"startTime\": \"2026-12-07T05:55:00+02:00\"", 60, true)]
    [InlineData("\"startTime\": \"2026-12-07T03:50:00.123456Z\"", 60, true)]
    [InlineData("\"startTime\": \"yesterday\"", 0, false)]
    [InlineData("\"startTime\": 1796615400", 0, false)]
    [InlineData("\"startTime\": null", 0, false)]
    [InlineData("\"timestamp\": \"2026-12-07T03:50:00Z\"", 0, false)]
    public void StartedWithin_ReadsTheSituationsStartTime_AgainstTheClock(string property, int secondsLater, bool expected)
    {
        // Its clock at the given distance from the situation's start (before it, for a clock behind Cloud ALM's).
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 3, 50, 0, TimeSpan.Zero).AddSeconds(secondsLater));
        using var resource = JsonDocument.Parse($$"""{ "id": "s1", {{property}} }""");

        Assert.Equal(expected, LifecycleDecision.StartedWithin(resource.RootElement, time.GetUtcNow(), TimeSpan.FromMinutes(10)));
    }

    /// <summary>Every event, link state, doubt, look-up verdict and record of earlier sends, with and without each fact.</summary>
    private static IEnumerable<SituationFacts> EveryCombination()
    {
        bool[] both = [true, false];
        return from situationEvent in Enum.GetValues<SituationEvent>()
               from link in Enum.GetValues<LinkState>()
               from doubt in new DoubtKind?[] { null, DoubtKind.MayExist, DoubtKind.ExistsWithoutId }
               from verdict in Enum.GetValues<LookupVerdict>()
               from canLookUp in both
               from confirmed in both
               from recorded in both
               from first in both
               from recent in both
               from others in new bool?[] { null, true, false }
               select new SituationFacts(situationEvent, link, doubt, canLookUp, verdict, NoneConfirmed: confirmed, LinkRecorded: recorded,
                   FirstClaim: first, StartedRecently: recent, OtherDeliveriesClaimed: others);
    }

    [Theory]
    [InlineData(null, false, false, false, "None")]
    [InlineData("T-1", false, false, false, "Open")]
    [InlineData(null, true, false, false, "ClosedWithoutTicket")]
    [InlineData("T-1", true, false, false, "Closed")]
    [InlineData(null, false, true, false, "Held")]
    [InlineData("T-1", false, false, true, "Open")]
    [InlineData(null, false, false, true, "OpenWithoutId")]
    public void StateOf_ReadsTheStoredSituation(string? ticketId, bool closed, bool held, bool createdWithoutId, string expected)
    {
        var now = DateTimeOffset.UnixEpoch;
        var link = new TicketLink
        {
            Subscription = "s",
            SituationId = "x",
            TicketId = ticketId,
            IsClosed = closed,
            HeldAt = held ? now : null,
            Doubt = createdWithoutId ? DoubtKind.CreatedWithoutId : null,
            CreatedAt = now,
            UpdatedAt = now,
        };

        Assert.Equal(Enum.Parse<LinkState>(expected), LifecycleDecision.StateOf(link));
        Assert.Equal(LinkState.None, LifecycleDecision.StateOf(null));
    }

    private static (SituationFacts Facts, LifecycleRules Rules, LifecycleStep Expected) Parse(string row)
    {
        var halves = row.Split('→', StringSplitOptions.TrimEntries);
        var words = halves[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var flags = words.Skip(5).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(new HashSet<string>(
            ["unsettled", "confirmed", "createAndClose", "createAgain", "deleteOp", "reopen", "closedFound", "noneClosed",
                "first", "recent", "alone", "others", "recorded", "always", "group", "groupFound", "groupOpening", "groupNone", "member"],
            StringComparer.Ordinal), flags);
        var facts = new SituationFacts(
            Enum.Parse<SituationEvent>(words[0]),
            Enum.Parse<LinkState>(words[1]),
            words[2] == "-" ? null : Enum.Parse<DoubtKind>(words[2]),
            words[3] switch { "lookup" => true, "none" => false, _ => throw new FormatException(row) },
            Enum.Parse<LookupVerdict>(words[4]),
            SettleTimePassed: !flags.Contains("unsettled"),
            NoneConfirmed: flags.Contains("confirmed"),
            Reopen: flags.Contains("closedFound") ? ReopenVerdict.Found : flags.Contains("noneClosed") ? ReopenVerdict.None : ReopenVerdict.NotAsked,
            LinkRecorded: flags.Contains("recorded"),
            FirstClaim: flags.Contains("first"),
            StartedRecently: flags.Contains("recent"),
            OtherDeliveriesClaimed: flags.Contains("others") ? true : flags.Contains("alone") ? false : null,
            Group: flags.Contains("groupFound") ? GroupVerdict.Found
                : flags.Contains("groupOpening") ? GroupVerdict.Opening
                : flags.Contains("groupNone") ? GroupVerdict.None
                : GroupVerdict.NotAsked,
            GroupMember: flags.Contains("member"));
        var rules = new LifecycleRules(flags.Contains("createAndClose"), flags.Contains("createAgain"), flags.Contains("deleteOp"),
            flags.Contains("reopen"), flags.Contains("always"), flags.Contains("group"));
        return (facts, rules, Enum.Parse<LifecycleStep>(halves[1]));
    }
}
