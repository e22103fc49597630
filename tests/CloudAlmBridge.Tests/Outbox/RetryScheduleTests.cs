using CloudAlmBridge.Configuration;
using CloudAlmBridge.Outbox;
using CloudAlmBridge.Vocabulary;
using Microsoft.Extensions.Time.Testing;

namespace CloudAlmBridge.Tests.Outbox;

/// <summary>
/// docs/api.md §3: exponential backoff with jitter, Retry-After honoured, MaxAttempts and MaxRetryAge. The decision is
/// pure, so it is tested here as a table, without a host; the host tests (DurableDeliveryTests, ThrottlingTests) show
/// that the dispatcher records it.
/// </summary>
public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Queued = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private static readonly DeliveryOptions Options = new()
    {
        RetryBaseDelay = TimeSpan.FromSeconds(10),
        RetryMaxDelay = TimeSpan.FromMinutes(5),
        MaxAttempts = 5,
        MaxRetryAge = TimeSpan.FromHours(1),
    };

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(5, 160)]
    [InlineData(6, 270)]
    [InlineData(40, 270)]
    public void Delay_DoublesPerFailedAttempt_UpToTheMaximum(int failedAttempts, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetrySchedule.Delay(failedAttempts, null, Options, jitterSample: 0.5));

    [Theory]
    [InlineData(0.0, 8)]
    [InlineData(1.0, 12)]
    public void Jitter_StaysWithinTwentyPercent(double sample, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetrySchedule.Delay(1, null, Options, sample));

    [Theory]
    [InlineData(5, 1.0, 192)]
    [InlineData(6, 1.0, 300)]
    [InlineData(40, 1.0, 300)]
    [InlineData(40, 0.0, 240)]
    [InlineData(40, 0.5, 270)]
    public void Jitter_NeverTakesAWaitPastRetryMaxDelay_AndStillSpreadsAtIt(int failedAttempts, double sample, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetrySchedule.Delay(failedAttempts, null, Options, sample));

    [Fact]
    public void RetryAfter_LengthensTheWait_AndNeverShortensIt()
    {
        // Shorter than the backoff (0, a date in the past, 3 s at the fourth attempt): the backoff stands.
        Assert.Equal(TimeSpan.FromSeconds(80), RetrySchedule.Delay(4, TimeSpan.FromSeconds(3), Options, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(10), RetrySchedule.Delay(1, TimeSpan.Zero, Options, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(90), RetrySchedule.Delay(1, TimeSpan.FromSeconds(90), Options, 0.5));
        Assert.Equal(TimeSpan.FromHours(2), RetrySchedule.Delay(1, TimeSpan.FromHours(2), Options, 0.5));
    }

    [Fact]
    public void RetryAfter_PastWhatIsLeftOfMaxRetryAge_GivesUp()
    {
        var queued = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

        Assert.False(RetrySchedule.WaitPastRetryAge(TimeSpan.FromMinutes(30), queued, queued.AddMinutes(20), Options));
        Assert.True(RetrySchedule.WaitPastRetryAge(TimeSpan.FromMinutes(45), queued, queued.AddMinutes(20), Options));
        Assert.True(RetrySchedule.WaitPastRetryAge(TimeSpan.FromSeconds(1e9), queued, queued, Options));
        Assert.False(RetrySchedule.WaitPastRetryAge(null, queued, queued.AddMinutes(59), Options));
    }

    [Fact]
    public void GivesUp_AfterMaxAttempts_OrPastMaxRetryAge()
    {
        var queued = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

        Assert.False(RetrySchedule.GivesUp(4, queued, queued.AddMinutes(10), Options));
        Assert.True(RetrySchedule.GivesUp(5, queued, queued.AddMinutes(10), Options));
        Assert.True(RetrySchedule.GivesUp(2, queued, queued.AddMinutes(61), Options));
    }

    /// <summary>
    /// What follows one attempt. A row: the attempt's outcome, transient, its Retry-After (seconds), the delivery's
    /// attempts with this one, the minutes since it was queued, the jitter sample → the state, the next attempt's
    /// distance from now (seconds), and the reason recorded after the attempt's own error.
    /// </summary>
    [Theory]
    // Delivered or skipped: finished, whatever the schedule says.
    [InlineData("Delivered", false, null, 1, 0, 0.5, "Delivered", null, null)]
    [InlineData("Skipped", false, null, 1, 0, 0.5, "Skipped", null, null)]
    [InlineData("Delivered", false, null, 5, 61, 0.5, "Delivered", null, null)]
    // A failure another attempt cannot mend: dead-lettered at once, a Retry-After notwithstanding.
    [InlineData("Failed", false, null, 1, 0, 0.5, "DeadLettered", null, null)]
    [InlineData("Failed", false, 30.0, 1, 0, 0.5, "DeadLettered", null, null)]
    // Transient: the backoff from RetryBaseDelay, doubled per attempt, ±20 % jitter.
    [InlineData("Failed", true, null, 1, 0, 0.5, "Retrying", 10.0, null)]
    [InlineData("Failed", true, null, 3, 5, 0.0, "Retrying", 32.0, null)]
    [InlineData("Failed", true, null, 4, 5, 1.0, "Retrying", 96.0, null)]
    // Retry-After lengthens the wait, never shortens it.
    [InlineData("Failed", true, 3.0, 4, 5, 0.5, "Retrying", 80.0, null)]
    [InlineData("Failed", true, 0.0, 1, 0, 0.5, "Retrying", 10.0, null)]
    [InlineData("Failed", true, 1800.0, 1, 20, 0.5, "Retrying", 1800.0, null)]
    // A Retry-After reaching exactly to MaxRetryAge still comes in time; one past what is left of it dead-letters at once, saying why.
    [InlineData("Failed", true, 2400.0, 1, 20, 0.5, "Retrying", 2400.0, null)]
    [InlineData("Failed", true, 2700.0, 1, 20, 0.5, "DeadLettered", null,
        "the next attempt would come after 00:45:00 (the ticket system's Retry-After, or a look-up's settle time), past Bridge:Delivery:MaxRetryAge (01:00:00)")]
    [InlineData("Failed", true, 1e9, 1, 0, 0.5, "DeadLettered", null,
        "the next attempt would come after 11574.01:46:40 (the ticket system's Retry-After, or a look-up's settle time), past Bridge:Delivery:MaxRetryAge (01:00:00)")]
    // MaxAttempts reached: no further attempt.
    [InlineData("Failed", true, null, 4, 5, 0.5, "Retrying", 80.0, null)]
    [InlineData("Failed", true, null, 5, 5, 0.5, "DeadLettered", null, null)]
    // The next attempt would start past MaxRetryAge: none.
    [InlineData("Failed", true, null, 4, 58, 0.5, "Retrying", 80.0, null)]
    [InlineData("Failed", true, null, 4, 59, 0.5, "DeadLettered", null, null)]
    public void Next_FollowsTheTable(string outcome, bool transient, double? retryAfterSeconds, int failedAttempts, double minutesSinceQueued,
        double jitterSample, string expectedState, double? nextInSeconds, string? expectedReason)
    {
        var time = new FakeTimeProvider(Queued);
        var queuedAt = time.GetUtcNow();
        time.Advance(TimeSpan.FromMinutes(minutesSinceQueued));
        var retryAfter = retryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;

        var decision = RetrySchedule.Next(Enum.Parse<AttemptOutcome>(outcome), transient, retryAfter, failedAttempts, queuedAt, time.GetUtcNow(),
            Options, jitterSample);

        Assert.Equal(Enum.Parse<DeliveryState>(expectedState), decision.State);
        Assert.Equal(nextInSeconds is { } next ? time.GetUtcNow() + TimeSpan.FromSeconds(next) : null, decision.NextAttemptAt);
        Assert.Equal(expectedReason, decision.Reason);
    }

    [Fact]
    public void Next_ThroughAnOutage_RetriesOnItsSchedule_UntilMaxAttempts()
    {
        var time = new FakeTimeProvider(Queued);
        var waits = new List<TimeSpan>();

        // Every attempt fails transiently, and each runs when it is due.
        var attempt = 1;
        var decision = RetrySchedule.Next(AttemptOutcome.Failed, true, null, attempt, Queued, time.GetUtcNow(), Options, 0.5);
        while (decision.State == DeliveryState.Retrying)
        {
            waits.Add(decision.NextAttemptAt!.Value - time.GetUtcNow());
            time.SetUtcNow(decision.NextAttemptAt.Value);
            decision = RetrySchedule.Next(AttemptOutcome.Failed, true, null, ++attempt, Queued, time.GetUtcNow(), Options, 0.5);
        }

        Assert.Equal([10, 20, 40, 80], waits.Select(w => w.TotalSeconds));
        Assert.Equal((DeliveryState.DeadLettered, 5, null, null), (decision.State, attempt, decision.NextAttemptAt, decision.Reason));
    }

    [Fact]
    public void Next_ThroughALongOutage_RetriesAtTheCap_UntilMaxRetryAge()
    {
        var options = new DeliveryOptions
        {
            RetryBaseDelay = Options.RetryBaseDelay,
            RetryMaxDelay = Options.RetryMaxDelay,
            MaxAttempts = 100,
            MaxRetryAge = Options.MaxRetryAge,
        };
        var time = new FakeTimeProvider(Queued);
        var waits = new List<TimeSpan>();

        // Each attempt takes a second before it fails; the next one runs when it is due.
        var attempt = 0;
        RetryDecision decision;
        do
        {
            time.Advance(TimeSpan.FromSeconds(1));
            decision = RetrySchedule.Next(AttemptOutcome.Failed, true, null, ++attempt, Queued, time.GetUtcNow(), options, 0.5);
            if (decision.NextAttemptAt is { } next)
            {
                waits.Add(next - time.GetUtcNow());
                time.SetUtcNow(next);
            }
        }
        while (decision.State == DeliveryState.Retrying);

        // 10, 20, 40, 80, 160 s, then 270 s (the cap of 5 min at the jitter's middle) while the next attempt starts
        // within the hour: the 18th attempt ends 3568 s after the queueing, and its next would start at 3838 s.
        Assert.Equal([10, 20, 40, 80, 160, .. Enumerable.Repeat(270.0, 12)], waits.Select(w => w.TotalSeconds));
        Assert.Equal((DeliveryState.DeadLettered, 18), (decision.State, attempt));
        Assert.Equal(TimeSpan.FromSeconds(3568), time.GetUtcNow() - Queued);
    }
}
