using CloudAlmBridge.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace CloudAlmBridge.Tests.Outbox;

/// <summary>
/// How a Cloud ALM call waits for its delivery: woken by a delivery finished in this process, without a read of the
/// storage when it has just accepted the event; a duplicate asks the storage first. The clock is a fake one that never
/// moves, so a wait that is not woken never ends by itself.
/// </summary>
public sealed class DeliveryNotificationsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new();
    private readonly DeliveryNotifications _notifications = new();
    private int _storageReads;

    [Fact]
    public async Task AJustAcceptedDelivery_FinishedBeforeItsWaiterCame_EndsTheWaitAtOnce_WithoutAStorageRead()
    {
        _notifications.Finished(7);

        var wait = _notifications.WaitAsync(7, ReadStorage(finished: false), Wait, _clock, CancellationToken.None, askStorageFirst: false);

        Assert.True(wait.IsCompletedSuccessfully);
        await wait;
        Assert.Equal(0, _storageReads);
    }

    [Fact]
    public async Task AJustAcceptedDelivery_IsWokenWhenItFinishesHere_WithoutAStorageRead()
    {
        var wait = _notifications.WaitAsync(8, ReadStorage(finished: false), Wait, _clock, CancellationToken.None, askStorageFirst: false);
        Assert.False(wait.IsCompleted);

        _notifications.Finished(8);

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, _storageReads);
    }

    [Fact]
    public void AJustAcceptedDelivery_WaitsForItsOwnId_NotForOthersFinished()
    {
        _notifications.Finished(9);

        var wait = _notifications.WaitAsync(10, ReadStorage(finished: false), Wait, _clock, CancellationToken.None, askStorageFirst: false);

        Assert.False(wait.IsCompleted);
        _notifications.Finished(10);
    }

    [Fact]
    public void ADuplicate_AsksTheStorageFirst_AndDoesNotTrustAnEarlierFinishOfItsDelivery()
    {
        // Finished once, replayed since: only the storage knows whether it is finished again.
        _notifications.Finished(11);

        var wait = _notifications.WaitAsync(11, ReadStorage(finished: false), Wait, _clock, CancellationToken.None);

        Assert.Equal(1, _storageReads);
        Assert.False(wait.IsCompleted);
        _notifications.Finished(11);
    }

    [Fact]
    public async Task ADeliveryFinishedByAnotherInstance_IsSeenAtTheNextPoll()
    {
        var finished = false;
        var wait = _notifications.WaitAsync(12, () =>
        {
            _storageReads++;
            return Task.FromResult(finished);
        }, Wait, _clock, CancellationToken.None, askStorageFirst: false);
        Assert.Equal(0, _storageReads);

        finished = true;
        _clock.Advance(DeliveryNotifications.CrossInstancePoll);

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _storageReads);
    }

    private Func<Task<bool>> ReadStorage(bool finished) => () =>
    {
        _storageReads++;
        return Task.FromResult(finished);
    };
}
