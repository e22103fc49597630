using CloudAlmBridge.Outbox;
using CloudAlmBridge.Vocabulary;
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
        _notifications.Finished(Committed(7));

        var wait = _notifications.WaitAsync(7, ReadStorage(finished: false), Wait, _clock, CancellationToken.None, askStorageFirst: false);

        Assert.True(wait.IsCompletedSuccessfully);
        // The outcome as committed comes with it: the answer needs no read of the delivery.
        Assert.Equal("INC-7", (await wait)?.Link?.TicketNumber);
        Assert.Equal(DeliveryState.Delivered, (await wait)?.Delivery.State);
        Assert.Equal(0, _storageReads);
    }

    [Fact]
    public async Task AJustAcceptedDelivery_IsWokenWhenItFinishesHere_WithoutAStorageRead()
    {
        var wait = _notifications.WaitAsync(8, ReadStorage(finished: false), Wait, _clock, CancellationToken.None, askStorageFirst: false);
        Assert.False(wait.IsCompleted);

        _notifications.Finished(Committed(8));

        Assert.Equal(8, (await wait.WaitAsync(TimeSpan.FromSeconds(10)))?.Delivery.Id);
        Assert.Equal(0, _storageReads);
    }

    [Fact]
    public void AJustAcceptedDelivery_WaitsForItsOwnId_NotForOthersFinished()
    {
        _notifications.Finished(Committed(9));

        var wait = _notifications.WaitAsync(10, ReadStorage(finished: false), Wait, _clock, CancellationToken.None, askStorageFirst: false);

        Assert.False(wait.IsCompleted);
        _notifications.Finished(Committed(10));
    }

    [Fact]
    public void ADuplicate_AsksTheStorageFirst_AndDoesNotTrustAnEarlierFinishOfItsDelivery()
    {
        // Finished once, replayed since: only the storage knows whether it is finished again.
        _notifications.Finished(Committed(11));

        var wait = _notifications.WaitAsync(11, ReadStorage(finished: false), Wait, _clock, CancellationToken.None);

        Assert.Equal(1, _storageReads);
        Assert.False(wait.IsCompleted);
        _notifications.Finished(Committed(11));
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

        // Finished elsewhere: nothing committed here to answer from, the caller reads the storage.
        Assert.Null(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, _storageReads);
    }

    private static FinishedDelivery Committed(long id) => new(
        new DeliveryRecord
        {
            Id = id,
            Subscription = "sub",
            SituationId = $"s{id}",
            EventType = "EVENT-SITUATION.CREATED",
            Message = "{}",
            State = DeliveryState.Delivered,
            Attempts = 1,
            AcceptedAt = DateTimeOffset.UnixEpoch,
            QueuedAt = DateTimeOffset.UnixEpoch,
            NextAttemptAt = DateTimeOffset.UnixEpoch,
        },
        new TicketLink { Subscription = "sub", SituationId = $"s{id}", TicketNumber = $"INC-{id}", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch });

    private Func<Task<bool>> ReadStorage(bool finished) => () =>
    {
        _storageReads++;
        return Task.FromResult(finished);
    };
}
