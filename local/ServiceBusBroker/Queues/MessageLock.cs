namespace SfSync.ServiceBusBroker.Queues;

/// <summary>A peek-lock on one message: who holds it is not recorded, as in Service Bus any receiver may settle by token.</summary>
internal sealed record MessageLock(LockToken Token, DateTimeOffset LockedUntil);
