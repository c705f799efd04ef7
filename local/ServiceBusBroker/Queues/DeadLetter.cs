namespace SfSync.ServiceBusBroker.Queues;

/// <summary>Why and when a message was dead-lettered; delivered as the <c>DeadLetterReason</c> and <c>DeadLetterErrorDescription</c> application properties.</summary>
internal sealed record DeadLetter(DeadLetterReason Reason, string? Description, DateTimeOffset At);
