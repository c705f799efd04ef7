namespace SfSync.ServiceBusBroker.Queues;

/// <summary>The <c>x-opt-message-state</c> annotation, with the values the SDK's <c>ServiceBusMessageState</c> has.</summary>
internal enum MessageState
{
    /// <summary>Deliverable now (or locked by a receiver).</summary>
    Active = 0,

    /// <summary>Set aside by a receiver; not supported by this broker, listed so the numbers stay the SDK's.</summary>
    Deferred = 1,

    /// <summary>Waiting for its scheduled enqueue time; peekable, not deliverable.</summary>
    Scheduled = 2,
}
