using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;

namespace SfSync.Tests.ServiceBusBroker;

/// <summary>Queue rules driven by the clock: time to live and dead-lettering on expiry, the duplicate detection window.</summary>
public class QueueTests
{
    [Fact]
    public async Task A_message_past_its_time_to_live_is_dead_lettered_as_TTLExpiredException()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(time: time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await using var deadLetters = local.Receiver(subQueue: SubQueue.DeadLetter);
        await sender.SendMessageAsync(new ServiceBusMessage("stale") { MessageId = "old" });
        await sender.SendMessageAsync(new ServiceBusMessage("short") { MessageId = "short", TimeToLive = TimeSpan.FromMinutes(1) });

        time.Advance(TimeSpan.FromMinutes(1));
        var firstExpired = (await LocalBroker.ReceiveAsync(deadLetters, 1))[0];
        time.Advance(TimeSpan.FromDays(1));
        var secondExpired = (await LocalBroker.ReceiveAsync(deadLetters, 1))[0];

        Assert.Equal("short", firstExpired.MessageId);
        Assert.Equal("old", secondExpired.MessageId);
        Assert.Equal("TTLExpiredException", secondExpired.DeadLetterReason);
        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
    }

    [Fact]
    public async Task Without_dead_lettering_on_expiry_an_expired_message_is_dropped()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(queue => queue.DeadLetteringOnMessageExpiration = false, time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await using var deadLetters = local.Receiver(subQueue: SubQueue.DeadLetter);
        await sender.SendMessageAsync(new ServiceBusMessage("x") { TimeToLive = TimeSpan.FromSeconds(30) });

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
        Assert.Empty(await deadLetters.PeekMessagesAsync(10, fromSequenceNumber: 1));
    }

    [Fact]
    public async Task A_message_id_sent_again_within_the_window_is_dropped_and_after_it_is_accepted()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(queue => { queue.RequiresDuplicateDetection = true; queue.DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(10); }, time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver(ServiceBusReceiveMode.ReceiveAndDelete);

        await sender.SendMessageAsync(new ServiceBusMessage("first") { MessageId = "batch-1:1" });
        time.Advance(TimeSpan.FromMinutes(9));
        await sender.SendMessageAsync(new ServiceBusMessage("double send") { MessageId = "batch-1:1" });
        using (var batch = await sender.CreateMessageBatchAsync())
        {
            Assert.True(batch.TryAddMessage(new ServiceBusMessage("in a batch") { MessageId = "batch-1:1" }));
            Assert.True(batch.TryAddMessage(new ServiceBusMessage("new") { MessageId = "batch-2:1" }));
            await sender.SendMessagesAsync(batch);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        await sender.SendMessageAsync(new ServiceBusMessage("after the window") { MessageId = "batch-1:1" });
        var received = await LocalBroker.ReceiveAsync(receiver, 3);

        Assert.Equal(["after the window", "first", "new"], received.Select(m => m.Body.ToString()).Order());
        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
    }

    [Fact]
    public async Task Without_duplicate_detection_the_same_message_id_is_kept_twice()
    {
        await using var local = await LocalBroker.StartAsync(queue => queue.RequiresDuplicateDetection = false);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();

        await sender.SendMessageAsync(new ServiceBusMessage("a") { MessageId = "same" });
        await sender.SendMessageAsync(new ServiceBusMessage("b") { MessageId = "same" });

        Assert.Equal(2, (await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1)).Count);
    }
}
