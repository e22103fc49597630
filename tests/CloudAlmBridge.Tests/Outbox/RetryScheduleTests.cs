using CloudAlmBridge.Configuration;
using CloudAlmBridge.Outbox;

namespace CloudAlmBridge.Tests.Outbox;

/// <summary>docs/api.md §3: exponential backoff with jitter, Retry-After honoured, MaxAttempts and MaxRetryAge.</summary>
public sealed class RetryScheduleTests
{
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
}
