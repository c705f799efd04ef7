using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;

namespace SfSync.FunctionsHost;

/// <summary>
/// The trigger's queue for /admin/queue, through the SDK, so it reads the local broker and a real namespace alike:
/// peeks (which lock nothing) of the queue and of its dead-letter queue, and sends of a text body as one message.
/// A peeked message shows its state: scheduled, locked by a receiver (its invocation is running), or active.
/// </summary>
internal sealed class QueueInspector(ServiceBusClient client, string queue) : IAsyncDisposable
{
    /// <summary>Service Bus answers a peek with a limited number of messages; a queue is read page by page.</summary>
    private const int PageSize = 250;

    private readonly ServiceBusReceiver _queue = client.CreateReceiver(queue);
    private readonly ServiceBusReceiver _deadLetters = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
    private readonly ServiceBusSender _sender = client.CreateSender(queue);

    public async Task<JsonObject> DescribeAsync(CancellationToken cancellationToken = default)
    {
        var messages = await PeekAllAsync(_queue, cancellationToken);
        var deadLetters = await PeekAllAsync(_deadLetters, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var waiting = messages.Where(m => m.State != ServiceBusMessageState.Scheduled).ToList();
        var locked = waiting.Where(m => m.LockedUntil > now).ToList();
        return new JsonObject
        {
            ["queue"] = queue,
            ["active"] = waiting.Count - locked.Count,
            ["inFlight"] = locked.Count,
            ["messages"] = new JsonArray(waiting.Select(m => (JsonNode?)new JsonObject
            {
                ["sequenceNumber"] = m.SequenceNumber,
                ["messageId"] = m.MessageId,
                ["state"] = m.LockedUntil > now ? "Locked" : "Active",
                ["deliveryCount"] = m.DeliveryCount,
                ["enqueuedTime"] = m.EnqueuedTime,
                ["lockedUntil"] = m.LockedUntil > now ? m.LockedUntil : null,
                ["body"] = m.Body.ToString(),
            }).ToArray()),
            ["scheduled"] = new JsonArray(messages.Where(m => m.State == ServiceBusMessageState.Scheduled).Select(m => (JsonNode?)new JsonObject
            {
                ["sequenceNumber"] = m.SequenceNumber,
                ["messageId"] = m.MessageId,
                ["scheduledEnqueueTime"] = m.ScheduledEnqueueTime,
                ["body"] = m.Body.ToString(),
            }).ToArray()),
            ["deadLetter"] = new JsonArray(deadLetters.Select(m => (JsonNode?)new JsonObject
            {
                ["sequenceNumber"] = m.SequenceNumber,
                ["messageId"] = m.MessageId,
                ["deliveryCount"] = m.DeliveryCount,
                ["reason"] = m.DeadLetterReason,
                ["description"] = m.DeadLetterErrorDescription,
                ["body"] = m.Body.ToString(),
            }).ToArray()),
        };
    }

    /// <summary>Sends one message with the text as its body, typed as the output binding types its messages.</summary>
    /// <summary>Sends one message; with <paramref name="messageId"/> set, a second send of it within the window is dropped.</summary>
    public Task SendAsync(string body, string? messageId = null, CancellationToken cancellationToken = default)
    {
        var message = new ServiceBusMessage(body) { ContentType = "text/plain" };
        if (messageId is not null)
        {
            message.MessageId = messageId; // the SDK refuses a null id
        }

        return _sender.SendMessageAsync(message, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _queue.DisposeAsync();
        await _deadLetters.DisposeAsync();
        await _sender.DisposeAsync();
    }

    private static async Task<List<ServiceBusReceivedMessage>> PeekAllAsync(ServiceBusReceiver receiver, CancellationToken cancellationToken)
    {
        var all = new List<ServiceBusReceivedMessage>();
        var from = 0L;
        while (true)
        {
            var page = await receiver.PeekMessagesAsync(PageSize, from, cancellationToken);
            all.AddRange(page);
            if (page.Count == 0)
            {
                return all;
            }

            from = page[^1].SequenceNumber + 1;
        }
    }
}
