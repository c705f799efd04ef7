using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// A <c>ServiceBusMessageBatch</c> of two or more messages travels as one transfer in message format 0x80013700 whose
/// body is one Data section per message, each a whole encoded message. A single-message batch is sent plain.
/// </summary>
internal static class BatchEnvelope
{
    public const uint MessageFormat = 0x80013700;

    public static IReadOnlyList<byte[]> Split(AmqpMessage received, byte[] bytes)
    {
        if (received.MessageFormat != MessageFormat)
        {
            return [bytes];
        }

        using var envelope = AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([new ArraySegment<byte>(bytes)]));
        return envelope.DataBody
            .Select(data => data.Value switch
            {
                ArraySegment<byte> segment => segment.ToArray(),
                byte[] array => array,
                _ => throw new AmqpException(AmqpErrorCode.DecodeError, "A batch section is not binary."),
            })
            .ToList();
    }
}
