using CloudAlmBridge.Maintenance;
using Cronos;

namespace CloudAlmBridge.Tests.Maintenance;

/// <summary>
/// When a configured window runs (pure: the time asked about is given), and what a window's end does with a situation
/// (a table of <see cref="MaintenanceEnd.Decide"/>).
/// </summary>
public sealed class MaintenanceScheduleTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static ConfiguredWindow SaturdayNights => new()
    {
        Name = "s4-upgrade",
        Schedule = CronExpression.Parse("0 22 * * SAT"),
        ScheduleText = "0 22 * * SAT",
        Duration = TimeSpan.FromHours(4),
        TimeZone = Berlin,
        Subscriptions = [],
        Services = [],
        AtEnd = AtEndPolicy.Drop,
    };

    [Theory]
    // Saturday 12 December 2026, 22:00 in Berlin is 21:00 UTC (winter time); the occurrence lasts until 01:00 UTC.
    [InlineData("2026-12-12T20:59:59Z", false)]
    [InlineData("2026-12-12T21:00:00Z", true)]
    [InlineData("2026-12-13T00:59:59Z", true)]
    [InlineData("2026-12-13T01:00:00Z", false)]
    // Summer time: Saturday 13 June 2026, 22:00 in Berlin is 20:00 UTC.
    [InlineData("2026-06-13T20:30:00Z", true)]
    [InlineData("2026-06-13T19:59:00Z", false)]
    public void ARecurringWindow_RunsFromEachScheduledStart_InItsTimeZone_ForItsDuration(string now, bool active)
    {
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);

        var occurrence = SaturdayNights.OccurrenceAt(at);

        Assert.Equal(active, occurrence is not null);
        if (occurrence is not null)
        {
            Assert.Equal(occurrence.Start + TimeSpan.FromHours(4), occurrence.End);
            Assert.True(occurrence.IsActiveAt(at));
        }
    }

    [Fact]
    public void TheNextOccurrence_IsTheNextScheduledStart_AndAOneOffWindowComesOnlyBeforeItsStart()
    {
        var next = SaturdayNights.NextAfter(DateTimeOffset.Parse("2026-12-07T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeOffset.Parse("2026-12-12T21:00:00Z", System.Globalization.CultureInfo.InvariantCulture), next!.Start);

        var once = SaturdayNights with
        {
            Schedule = null,
            FixedStart = DateTimeOffset.Parse("2026-12-12T22:00:00+01:00", System.Globalization.CultureInfo.InvariantCulture),
            FixedEnd = DateTimeOffset.Parse("2026-12-13T02:00:00+01:00", System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.NotNull(once.NextAfter(once.FixedStart!.Value.AddMinutes(-1)));
        Assert.Null(once.NextAfter(once.FixedStart!.Value));
        Assert.NotNull(once.OccurrenceAt(once.FixedStart!.Value));
        Assert.Null(once.OccurrenceAt(once.FixedEnd!.Value));
    }

    [Fact]
    public void AWindow_CoversItsSubscriptionsAndServices_AnEmptyListCoveringAll()
    {
        var window = SaturdayNights.OccurrenceAt(DateTimeOffset.Parse("2026-12-12T21:30:00Z", System.Globalization.CultureInfo.InvariantCulture))!
            with
        { Subscriptions = ["calm-to-snow"], Services = ["svc-1"] };

        Assert.True(window.Covers("CALM-TO-SNOW", "svc-1"));
        Assert.False(window.Covers("calm-to-jira", "svc-1"));
        Assert.False(window.Covers("calm-to-snow", "svc-2"));
        Assert.False(window.Covers("calm-to-snow", null));
        Assert.True((window with { Services = [] }).Covers("calm-to-snow", null));
    }

    public static TheoryData<AtEndPolicy, bool, string[], bool, EndDecision, string> Decisions => new()
    {
        // A ticket made before the window: delivered under either policy (a close of an existing ticket is never lost).
        { AtEndPolicy.Drop, true, ["EVENT-SITUATION.CLOSED"], false, EndDecision.Deliver, "has a ticket" },
        { AtEndPolicy.Deliver, true, ["EVENT-SITUATION.UPDATED", "EVENT-SITUATION.CLOSED"], false, EndDecision.Deliver, "has a ticket" },
        // Opened and closed (or deleted) within the window, no ticket: no trace under either policy.
        { AtEndPolicy.Deliver, false, ["EVENT-SITUATION.CREATED", "EVENT-SITUATION.CLOSED"], false, EndDecision.Drop, "opened and closed" },
        { AtEndPolicy.Drop, false, ["EVENT-SITUATION.CREATED", "EVENT-SITUATION.DELETED"], false, EndDecision.Drop, "opened and closed" },
        // Still open, no ticket: the policy decides; under Drop, one that waited before the window began is not the window's.
        { AtEndPolicy.Deliver, false, ["EVENT-SITUATION.CREATED", "EVENT-SITUATION.UPDATED"], false, EndDecision.Deliver, "still open" },
        { AtEndPolicy.Drop, false, ["EVENT-SITUATION.CREATED", "EVENT-SITUATION.UPDATED"], false, EndDecision.Drop, "AtEnd Drop" },
        { AtEndPolicy.Drop, false, ["EVENT-SITUATION.CREATED"], true, EndDecision.Deliver, "before the window began" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void AtTheWindowsEnd_ASituationIsDeliveredOrDropped(AtEndPolicy policy, bool hasTicket, string[] held, bool waitingBefore,
        EndDecision expected, string why)
    {
        var (decision, reason) = MaintenanceEnd.Decide(policy, hasTicket, held, waitingBefore);

        Assert.Equal(expected, decision);
        Assert.Contains(why, reason, StringComparison.Ordinal);
    }
}
