using Azure.Messaging.ServiceBus;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Queue;
using SfSync.Queue.ServiceBus;
using SfSync.Reconciling;
using SfSync.Tests.ServiceBusBroker;

namespace SfSync.Tests.Queue;

/// <summary>The Service Bus adapter of the queue port against the local broker, through the real SDK.</summary>
public sealed class ServiceBusBatchQueueTests
{
    [Fact]
    public async Task Batches_go_out_in_atomic_sends_split_by_size_with_their_ids_and_the_properties_operators_see()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        var queue = new ServiceBusBatchQueue(sender);
        var batches = Enumerable.Range(0, 40).Select(i => Batch($"b{i:D2}", keys: 200)).ToList(); // ~15 KB each: several envelopes

        await queue.SendAsync(batches);

        await using var receiver = local.Receiver(ServiceBusReceiveMode.ReceiveAndDelete);
        var received = await LocalBroker.ReceiveAsync(receiver, 40);
        Assert.Equal(batches.Select(b => $"{b.BatchId}.3").Order(), received.Select(m => m.MessageId).Order());
        var first = received.Single(m => m.MessageId == "b00.3");
        Assert.Equal("Contact", first.Subject);
        Assert.Equal(("run-1", "plan-1", "b00", "Contact", 3), ((string)first.ApplicationProperties["runId"], (string)first.ApplicationProperties["planId"], (string)first.ApplicationProperties["batchId"], (string)first.ApplicationProperties["entity"], (int)first.ApplicationProperties["attempt"]));
        Assert.True(SyncBatchMessage.TryParse(first.Body.ToString(), out var parsed, out _));
        Assert.Equal(200, parsed!.Keys.Count);
    }

    [Fact]
    public async Task A_second_send_of_the_same_attempt_is_dropped_by_duplicate_detection_but_a_new_attempt_is_not()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        var queue = new ServiceBusBatchQueue(sender);

        await queue.SendAsync([Batch("b1")]);
        await queue.SendAsync([Batch("b1")]); // a retry of the same send
        await queue.SendAsync([Batch("b1") with { Attempt = 4 }]); // a deliberate re-send

        await using var receiver = local.Receiver();
        var peeked = await receiver.PeekMessagesAsync(10);
        Assert.Equal(["b1.3", "b1.4"], peeked.Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_scheduled_batch_is_on_the_queue_at_once_but_visible_only_from_its_time()
    {
        var clock = LocalBroker.Clock();
        await using var local = await LocalBroker.StartAsync(time: clock);
        await using var sender = local.Sender();
        var queue = new ServiceBusBatchQueue(sender);

        await queue.ScheduleAsync(Batch("later"), clock.GetUtcNow().AddMinutes(2));

        await using var receiver = local.Receiver();
        var peeked = Assert.Single(await receiver.PeekMessagesAsync(10));
        Assert.Equal((ServiceBusMessageState.Scheduled, clock.GetUtcNow().AddMinutes(2)), (peeked.State, peeked.ScheduledEnqueueTime));
        Assert.Empty(await receiver.ReceiveMessagesAsync(1, TimeSpan.FromMilliseconds(300)));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("later.3", Assert.Single(await LocalBroker.ReceiveAsync(receiver, 1)).MessageId);
    }

    [Fact]
    public async Task A_send_the_queue_refuses_is_a_queue_unavailable_error_saying_how_many_went_out()
    {
        // A queue of 1 MB takes the first envelopes of about 2 MB of batches, then refuses the rest.
        await using var local = await LocalBroker.StartAsync(queue => queue.MaxSizeInMegabytes = 1);
        await using var sender = local.Sender();
        var queue = new ServiceBusBatchQueue(sender);
        var batches = Enumerable.Range(0, 140).Select(i => Batch($"b{i:D3}", keys: 200)).ToList();

        var refused = await Assert.ThrowsAsync<QueueUnavailableException>(() => queue.SendAsync(batches));

        await using var receiver = local.Receiver();
        var taken = (await receiver.PeekMessagesAsync(250)).Count;
        Assert.InRange(taken, 1, 139);
        Assert.StartsWith($"{taken} of 140 batches were sent", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dead_letter_queue_is_peeked_newest_first_without_being_touched_then_locked_released_and_completed()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await new ServiceBusBatchQueue(sender).SendAsync([Batch("b1"), Batch("b2"), Batch("b3")]);
        await using (var receiver = local.Receiver())
        {
            foreach (var message in await LocalBroker.ReceiveAsync(receiver, 3))
            {
                await receiver.DeadLetterMessageAsync(message, "MaxDeliveryCountExceeded", $"failed {message.MessageId}");
            }
        }

        await using var deadLetterReceiver = local.Receiver(subQueue: SubQueue.DeadLetter);
        var deadLetters = new ServiceBusDeadLetterQueue(deadLetterReceiver);
        var listing = await deadLetters.PeekAsync(latest: 2, scanLimit: 100);
        Assert.Equal((3, false), (listing.Depth, listing.DepthIsLowerBound));
        Assert.Equal(2, listing.Latest.Count);
        Assert.True(listing.Latest[0].SequenceNumber > listing.Latest[1].SequenceNumber);
        var newest = listing.Latest[0];
        Assert.Equal(("run-1", "plan-1", EntityKind.Contact, 3, "MaxDeliveryCountExceeded"), (newest.RunId, newest.PlanId, newest.Entity, newest.Attempt, newest.Reason));
        Assert.Equal($"failed {newest.MessageId}", newest.Description);
        Assert.Equal((2, true), ((await deadLetters.PeekAsync(0, scanLimit: 2)).Depth, (await deadLetters.PeekAsync(0, scanLimit: 2)).DepthIsLowerBound));

        var locked = await deadLetters.LockAsync(10);
        Assert.Equal(3, locked.Count);
        await deadLetters.CompleteAsync(locked[0]);
        await deadLetters.ReleaseAsync(locked[1]);
        await deadLetters.ReleaseAsync(locked[2]);
        Assert.Equal(2, (await deadLetters.PeekAsync(10, 100)).Depth);
        Assert.Equal(2, (await deadLetters.LockAsync(10)).Count); // released ones can be taken again at once
    }

    private static SyncBatch Batch(string id, int keys = 1) => new(
        id,
        "plan-1",
        "run-1",
        EntityKind.Contact,
        Enumerable.Range(0, keys).Select(i => RecordKey.ForApp(AppId.Parse($"contact-{id}-{i:D5}-with-a-longer-id-for-size"))).ToList(),
        Full: false,
        Attempt: 3);
}
