using Microsoft.Azure.Amqp;
using SfSync.ServiceBusBroker.Queues;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>Reads the fields a queue acts on out of one encoded AMQP message, leaving the bytes as they are.</summary>
internal static class MessageReader
{
    public const string ScheduledEnqueueTime = "x-opt-scheduled-enqueue-time";

    public static IncomingMessage Read(byte[] encoded)
    {
        using var message = AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([new ArraySegment<byte>(encoded)]));
        var messageId = message.Properties?.MessageId?.ToString();
        TimeSpan? ttl = message.Header.Ttl is { } milliseconds ? TimeSpan.FromMilliseconds(milliseconds) : null;
        DateTimeOffset? scheduled = message.MessageAnnotations.Map[ScheduledEnqueueTime] is DateTime at
            ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))
            : null;
        return new IncomingMessage(encoded, messageId, ttl, scheduled);
    }

    /// <summary>
    /// The exact bytes of a message received on a link. <see cref="AmqpMessage.ToStream"/>, not <c>GetPayload()</c>:
    /// on a received message that has not been deserialized, the latter re-encodes the body alone and loses the
    /// header and properties (MessageId among them).
    /// </summary>
    public static byte[] BytesOf(AmqpMessage received)
    {
        var stream = received.ToStream();
        stream.Position = 0;
        using var copy = new MemoryStream(checked((int)stream.Length));
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
