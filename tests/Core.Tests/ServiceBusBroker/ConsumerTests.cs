using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;

namespace SfSync.Tests.ServiceBusBroker;

/// <summary>
/// Receiving: peek-lock with 16-byte GUID lock tokens, lock expiry and redelivery, complete, abandon, dead-letter (by the
/// receiver and after max deliveries), the dead-letter sub-queue, receive-and-delete, and the processor the host uses.
/// Lock expiry is driven by a fake clock: nothing here waits for a lock to run out.
/// </summary>
public class ConsumerTests
{
    [Fact]
    public async Task A_peek_lock_delivery_carries_a_GUID_lock_token_and_complete_removes_it()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await sender.SendMessageAsync(new ServiceBusMessage("x"));

        var received = (await LocalBroker.ReceiveAsync(receiver, 1))[0];
        await receiver.CompleteMessageAsync(received);

        Assert.NotEqual(Guid.Empty, Guid.Parse(received.LockToken));
        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
    }

    [Fact]
    public async Task An_expired_lock_redelivers_with_the_delivery_count_up_and_the_old_lock_is_lost()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(queue => queue.LockDuration = TimeSpan.FromSeconds(1), time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await sender.SendMessageAsync(new ServiceBusMessage("x") { MessageId = "m" });
        var first = (await LocalBroker.ReceiveAsync(receiver, 1))[0];

        time.Advance(TimeSpan.FromSeconds(1));
        var second = (await LocalBroker.ReceiveAsync(receiver, 1))[0];
        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(first));
        await receiver.CompleteMessageAsync(second);

        Assert.Equal(1, first.DeliveryCount);
        Assert.Equal(2, second.DeliveryCount);
        Assert.Equal("m", second.MessageId);
        Assert.NotEqual(first.LockToken, second.LockToken);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(1), second.LockedUntil);
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
    }

    [Fact]
    public async Task An_abandoned_message_comes_back_at_once_with_the_delivery_count_up()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await sender.SendMessageAsync(new ServiceBusMessage("x"));

        var first = (await LocalBroker.ReceiveAsync(receiver, 1))[0];
        await receiver.AbandonMessageAsync(first, new Dictionary<string, object> { ["lastError"] = "side down" });
        var second = (await LocalBroker.ReceiveAsync(receiver, 1))[0];

        Assert.Equal(2, second.DeliveryCount);
        Assert.Equal("side down", second.ApplicationProperties["lastError"]);
    }

    [Fact]
    public async Task A_dead_lettered_message_is_in_the_dead_letter_queue_with_the_reason_and_description_given()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await using var deadLetters = local.Receiver(subQueue: SubQueue.DeadLetter);
        await sender.SendMessageAsync(new ServiceBusMessage("poison") { MessageId = "p" });

        var received = (await LocalBroker.ReceiveAsync(receiver, 1))[0];
        await receiver.DeadLetterMessageAsync(received, "Unparseable", "The body is not a batch.");
        var peeked = await deadLetters.PeekMessageAsync(fromSequenceNumber: 1);
        var dead = (await LocalBroker.ReceiveAsync(deadLetters, 1))[0];
        await deadLetters.CompleteMessageAsync(dead);

        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
        Assert.Equal("p", peeked.MessageId);
        Assert.Equal("Unparseable", peeked.DeadLetterReason);
        Assert.Equal("p", dead.MessageId);
        Assert.Equal("poison", dead.Body.ToString());
        Assert.Equal("Unparseable", dead.DeadLetterReason);
        Assert.Equal("The body is not a batch.", dead.DeadLetterErrorDescription);
        Assert.Null(await deadLetters.PeekMessageAsync(fromSequenceNumber: 1));
    }

    [Fact]
    public async Task After_max_deliveries_a_message_is_dead_lettered_as_MaxDeliveryCountExceeded()
    {
        var time = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(queue => { queue.MaxDeliveryCount = 3; queue.LockDuration = TimeSpan.FromSeconds(1); }, time);
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await using var deadLetters = local.Receiver(subQueue: SubQueue.DeadLetter);
        await sender.SendMessageAsync(new ServiceBusMessage("x") { MessageId = "m" });

        // Two abandons and one lapsed lock: every kind of failed delivery counts.
        await receiver.AbandonMessageAsync((await LocalBroker.ReceiveAsync(receiver, 1))[0]);
        await receiver.AbandonMessageAsync((await LocalBroker.ReceiveAsync(receiver, 1))[0]);
        var third = (await LocalBroker.ReceiveAsync(receiver, 1))[0];
        time.Advance(TimeSpan.FromSeconds(1));
        var dead = (await LocalBroker.ReceiveAsync(deadLetters, 1))[0];

        Assert.Equal(3, third.DeliveryCount);
        Assert.Equal("m", dead.MessageId);
        Assert.Equal("MaxDeliveryCountExceeded", dead.DeadLetterReason);
        Assert.Equal("Message could not be consumed after 3 delivery attempts.", dead.DeadLetterErrorDescription);
        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
    }

    [Fact]
    public async Task A_delivery_the_client_releases_for_want_of_a_waiting_receive_is_not_counted()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();

        // The timed-out receive leaves its credit on the link; the message goes to it and the client releases it.
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(200)));
        await sender.SendMessageAsync(new ServiceBusMessage("x"));
        var received = (await LocalBroker.ReceiveAsync(receiver, 1))[0];

        Assert.Equal(1, received.DeliveryCount);
    }

    [Fact]
    public async Task A_lock_settled_from_another_receiver_goes_through_management_update_disposition()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await using var other = local.Receiver();
        await sender.SendMessageAsync(new ServiceBusMessage("x"));
        var received = (await LocalBroker.ReceiveAsync(receiver, 1))[0];

        await other.DeadLetterMessageAsync(received, "Replayed elsewhere", "settled by lock token");
        await using var deadLetters = local.Receiver(subQueue: SubQueue.DeadLetter);
        var dead = await deadLetters.PeekMessageAsync(fromSequenceNumber: 1);

        Assert.Equal("Replayed elsewhere", dead.DeadLetterReason);
        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
    }

    [Fact]
    public async Task Defer_is_refused_as_not_supported_and_the_message_stays_locked()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        await sender.SendMessageAsync(new ServiceBusMessage("x"));
        var received = (await LocalBroker.ReceiveAsync(receiver, 1))[0];

        await Assert.ThrowsAsync<NotSupportedException>(() => receiver.DeferMessageAsync(received));
        await receiver.CompleteMessageAsync(received);
    }

    [Fact]
    public async Task Receive_and_delete_takes_the_message_with_it()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await using var receiver = local.Receiver(ServiceBusReceiveMode.ReceiveAndDelete);
        await sender.SendMessagesAsync([new ServiceBusMessage("a"), new ServiceBusMessage("b")]);

        var received = await LocalBroker.ReceiveAsync(receiver, 2);

        Assert.Equal(["a", "b"], received.Select(m => m.Body.ToString()).Order());
        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
    }

    [Fact]
    public async Task The_processor_with_four_concurrent_calls_and_auto_complete_takes_every_message_once()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var processor = local.Client.CreateProcessor(LocalBroker.QueueName, new ServiceBusProcessorOptions { MaxConcurrentCalls = 4, AutoCompleteMessages = true });
        processor.ProcessMessageAsync += args =>
        {
            seen.AddOrUpdate(args.Message.MessageId, 1, (_, n) => n + 1);
            if (seen.Count == 40)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += args =>
        {
            all.TrySetException(args.Exception);
            return Task.CompletedTask;
        };
        using var batch = await sender.CreateMessageBatchAsync();
        for (var i = 0; i < 40; i++)
        {
            Assert.True(batch.TryAddMessage(new ServiceBusMessage($"{i}") { MessageId = $"m-{i}" }));
        }

        await sender.SendMessagesAsync(batch);
        await processor.StartProcessingAsync();
        await all.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await processor.StopProcessingAsync();
        await using var receiver = local.Receiver();

        Assert.All(seen.Values, n => Assert.Equal(1, n));
        Assert.Empty(await receiver.PeekMessagesAsync(10, fromSequenceNumber: 1));
    }
}
