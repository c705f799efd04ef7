using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;

namespace SfSync.Tests.ServiceBusBroker;

/// <summary>The $management operations the SDK sends: renew-lock, schedule-message, cancel-scheduled-message, peek-message.</summary>
public class ManagementNodeTests
{
    [Fact]
    public async Task Renewing_a_lock_extends_it_by_the_lock_duration_from_now_and_keeps_the_message()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(queue => queue.LockDuration = TimeSpan.FromSeconds(1), time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await sender.SendMessageAsync(new ServiceBusMessage("x"));
        var received = (await LocalBroker.ReceiveAsync(receiver, 1))[0];

        time.Advance(TimeSpan.FromMilliseconds(800));
        await receiver.RenewMessageLockAsync(received);
        time.Advance(TimeSpan.FromMilliseconds(800));
        await receiver.CompleteMessageAsync(received);

        Assert.Equal(time.GetUtcNow() - TimeSpan.FromMilliseconds(800) + TimeSpan.FromSeconds(1), received.LockedUntil);
        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
    }

    [Fact]
    public async Task Renewing_a_lost_lock_fails_as_MessageLockLost()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(queue => queue.LockDuration = TimeSpan.FromSeconds(1), time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await sender.SendMessageAsync(new ServiceBusMessage("x"));
        var received = (await LocalBroker.ReceiveAsync(receiver, 1))[0];

        time.Advance(TimeSpan.FromSeconds(1));
        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.RenewMessageLockAsync(received));

        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
    }

    [Fact]
    public async Task A_scheduled_message_waits_peekable_and_is_delivered_when_due_with_its_sequence_number()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(time: time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        var due = time.GetUtcNow().AddMinutes(2);

        var sequenceNumber = await sender.ScheduleMessageAsync(new ServiceBusMessage("later") { MessageId = "deferred-batch" }, due);
        var waiting = await receiver.PeekMessageAsync(fromSequenceNumber: 1);
        var early = await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300));
        time.Advance(TimeSpan.FromMinutes(2));
        var delivered = (await LocalBroker.ReceiveAsync(receiver, 1))[0];

        Assert.Equal(1, sequenceNumber);
        Assert.Equal(ServiceBusMessageState.Scheduled, waiting.State);
        Assert.Equal(due, waiting.ScheduledEnqueueTime);
        Assert.Null(early);
        Assert.Equal("deferred-batch", delivered.MessageId);
        Assert.Equal(sequenceNumber, delivered.SequenceNumber);
        Assert.Equal(due, delivered.EnqueuedTime);
        Assert.Equal(ServiceBusMessageState.Active, delivered.State);
    }

    [Fact]
    public async Task A_message_sent_with_a_scheduled_enqueue_time_waits_for_it_too()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(time: time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();

        await sender.SendMessageAsync(new ServiceBusMessage("later") { ScheduledEnqueueTime = time.GetUtcNow().AddSeconds(30) });
        var early = await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300));
        time.Advance(TimeSpan.FromSeconds(30));
        var delivered = (await LocalBroker.ReceiveAsync(receiver, 1))[0];

        Assert.Null(early);
        Assert.Equal("later", delivered.Body.ToString());
    }

    [Fact]
    public async Task A_cancelled_scheduled_message_is_never_delivered()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(time: time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        var cancelled = await sender.ScheduleMessageAsync(new ServiceBusMessage("cancelled"), time.GetUtcNow().AddMinutes(1));
        await sender.ScheduleMessageAsync(new ServiceBusMessage("kept"), time.GetUtcNow().AddMinutes(1));

        await sender.CancelScheduledMessageAsync(cancelled);
        time.Advance(TimeSpan.FromMinutes(1));
        var received = await LocalBroker.ReceiveAsync(receiver, 1);
        await receiver.CompleteMessageAsync(received[0]);

        Assert.Equal("kept", received[0].Body.ToString());
        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
    }

    [Fact]
    public async Task Peek_reads_from_a_sequence_number_on_and_takes_nothing()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await sender.SendMessagesAsync(Enumerable.Range(1, 5).Select(i => new ServiceBusMessage($"{i}") { MessageId = $"m-{i}" }));

        var fromThree = await receiver.PeekMessagesAsync(10, fromSequenceNumber: 3);
        var one = await receiver.PeekMessageAsync(fromSequenceNumber: 1);
        var received = await LocalBroker.ReceiveAsync(receiver, 5);
        var whileLocked = await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1);

        Assert.Equal(["m-3", "m-4", "m-5"], fromThree.Select(m => m.MessageId));
        Assert.Equal([3L, 4L, 5L], fromThree.Select(m => m.SequenceNumber));
        Assert.Equal("m-1", one.MessageId);
        Assert.Equal(0, one.DeliveryCount);
        Assert.Equal(5, received.Count);
        Assert.Equal(5, whileLocked.Count);
    }

    [Fact]
    public async Task Peeking_an_empty_queue_gives_nothing()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var receiver = local.Receiver();

        Assert.Null(await receiver.PeekMessageAsync());
        Assert.Empty(await receiver.PeekMessagesAsync(10));
    }
}
