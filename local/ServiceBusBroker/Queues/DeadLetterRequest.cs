namespace SfSync.ServiceBusBroker.Queues;

/// <summary>A receiver's dead-letter call: the reason and description the SDK sends in its Rejected error's info.</summary>
internal sealed record DeadLetterRequest(string? Reason, string? Description);
