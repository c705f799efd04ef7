using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using SfSync.ServiceBusBroker.Queues;

namespace SfSync.ServiceBusBroker.Amqp;

/// <summary>
/// Builds the AMQP message a receiver gets: the sender's bytes with the header and annotations Service Bus owns set —
/// delivery count, sequence number, enqueued time, locked-until, state — and the dead-letter properties. The body and
/// the sender's own sections are copied through untouched.
/// </summary>
internal static class DeliveryEncoder
{
    private static readonly TimeSpan LongestHeaderTtl = TimeSpan.FromMilliseconds(uint.MaxValue);

    public static AmqpMessage Encode(DeliverySnapshot delivery)
    {
        var message = AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([new ArraySegment<byte>(delivery.Encoded)]));

        // The SDK shows header.delivery-count + 1 for a received message, and reads it unconditionally.
        message.Header.DeliveryCount = (uint)delivery.DeliveryCount;
        if (message.Header.Ttl is null && delivery.TimeToLive < LongestHeaderTtl)
        {
            message.Header.Ttl = (uint)delivery.TimeToLive.TotalMilliseconds;
        }

        var annotations = message.MessageAnnotations.Map;
        annotations["x-opt-sequence-number"] = delivery.SequenceNumber;
        annotations["x-opt-enqueued-time"] = delivery.EnqueuedTime.UtcDateTime;
        if (delivery.Lock is { } held)
        {
            annotations["x-opt-locked-until"] = held.LockedUntil.UtcDateTime;
            annotations["x-opt-lock-token"] = held.Token.Value;
        }

        if (delivery.State != MessageState.Active)
        {
            annotations["x-opt-message-state"] = (int)delivery.State;
        }

        if (delivery.DeadLetter is not null || delivery.ModifiedProperties is not null)
        {
            // A stream message does not create sections it was sent without.
            message.ApplicationProperties ??= new ApplicationProperties();
            var properties = message.ApplicationProperties.Map;
            foreach (var (key, value) in delivery.ModifiedProperties ?? new Dictionary<string, object>())
            {
                properties[key] = value;
            }

            if (delivery.DeadLetter is { } deadLetter)
            {
                properties["DeadLetterReason"] = deadLetter.Reason.Value;
                if (deadLetter.Description is not null)
                {
                    properties["DeadLetterErrorDescription"] = deadLetter.Description;
                }
            }
        }

        return message;
    }

    /// <summary>The delivered form as bytes, for <c>peek-message</c> answers.</summary>
    public static ArraySegment<byte> ToBytes(DeliverySnapshot delivery)
    {
        using var message = Encode(delivery);
        var segments = message.GetPayload(int.MaxValue, out _);
        var bytes = new byte[segments.Sum(s => s.Count)];
        var offset = 0;
        foreach (var segment in segments)
        {
            segment.AsSpan().CopyTo(bytes.AsSpan(offset));
            offset += segment.Count;
        }

        return new ArraySegment<byte>(bytes);
    }
}
