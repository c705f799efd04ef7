using Azure.Messaging.ServiceBus;

namespace SfSync.Tests.ServiceBusBroker;

/// <summary>Sends: max-message-size on the link, the batch envelope split into its messages, accepted or refused whole.</summary>
public class PublisherTests
{
    [Fact]
    public async Task The_link_advertises_the_Standard_tier_message_size_that_the_SDK_sizes_batches_by()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();

        using var batch = await sender.CreateMessageBatchAsync();

        Assert.Equal(256 * 1024, batch.MaxSizeInBytes);
    }

    [Fact]
    public async Task A_message_over_the_size_is_refused_before_it_leaves()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();

        var refused = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage(new byte[300 * 1024])));

        Assert.Equal(ServiceBusFailureReason.MessageSizeExceeded, refused.Reason);
    }

    [Fact]
    public async Task A_batch_arrives_as_its_messages_with_their_own_ids_and_properties()
    {
        await using var local = await LocalBroker.StartAsync();
        await using var sender = local.Sender();
        await using var receiver = local.Receiver();
        using var batch = await sender.CreateMessageBatchAsync();
        for (var i = 1; i <= 3; i++)
        {
            Assert.True(batch.TryAddMessage(new ServiceBusMessage($"body-{i}") { MessageId = $"m-{i}", Subject = "Contact", ApplicationProperties = { ["batchId"] = $"b-{i}" } }));
        }

        await sender.SendMessagesAsync(batch);
        var received = await LocalBroker.ReceiveAsync(receiver, 3);

        Assert.Equal(["m-1", "m-2", "m-3"], received.Select(m => m.MessageId).Order());
        Assert.All(received, m => Assert.Equal($"body-{m.MessageId[2..]}", m.Body.ToString()));
        Assert.All(received, m => Assert.Equal($"b-{m.MessageId[2..]}", m.ApplicationProperties["batchId"]));
        Assert.All(received, m => Assert.Equal("Contact", m.Subject));
        Assert.Equal([1L, 2L, 3L], received.Select(m => m.SequenceNumber).Order());
    }

    [Fact]
    public async Task A_batch_that_would_overfill_the_queue_is_refused_whole()
    {
        await using var local = await LocalBroker.StartAsync(queue => queue.MaxSizeInMegabytes = 1);
        await using var sender = local.Sender();
        var stored = 0;
        ServiceBusException? refused = null;
        while (refused is null)
        {
            using var batch = await sender.CreateMessageBatchAsync();
            while (batch.TryAddMessage(new ServiceBusMessage(new byte[10 * 1024]) { MessageId = $"m-{stored + batch.Count}" }))
            {
            }

            try
            {
                await sender.SendMessagesAsync(batch);
                stored += batch.Count;
            }
            catch (ServiceBusException exception)
            {
                refused = exception;
            }
        }

        await using var receiver = local.Receiver();
        var peeked = 0;
        for (var page = await receiver.PeekMessagesAsync(20, fromSequenceNumber: 1); page.Count > 0; page = await receiver.PeekMessagesAsync(20))
        {
            peeked += page.Count;
        }

        Assert.Equal(ServiceBusFailureReason.QuotaExceeded, refused.Reason);
        Assert.Equal(stored, peeked);
        Assert.InRange(stored, 1, 102);
    }
}
