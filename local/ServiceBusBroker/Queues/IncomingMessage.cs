namespace SfSync.ServiceBusBroker.Queues;

/// <summary>
/// One message as a sender encoded it (a whole AMQP message: header, annotations, properties, body), with the few
/// fields the queue acts on read out of it once.
/// </summary>
/// <param name="Encoded">The exact bytes; delivered again with only the header and annotations the broker owns changed.</param>
/// <param name="MessageId">The key of duplicate detection.</param>
/// <param name="TimeToLive">The message's own header TTL; the queue's default caps it.</param>
/// <param name="ScheduledEnqueueTime">From <c>x-opt-scheduled-enqueue-time</c>: the message waits until then.</param>
internal sealed record IncomingMessage(byte[] Encoded, string? MessageId, TimeSpan? TimeToLive, DateTimeOffset? ScheduledEnqueueTime);
