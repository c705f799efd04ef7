namespace SfSync.Queue;

/// <summary>The dead-letter queue of sync-batches, for operators: look without touching, take to replay, give back.</summary>
internal interface IDeadLetterQueue
{
    /// <summary>Counts the messages (up to <paramref name="scanLimit"/>) and returns the newest <paramref name="latest"/>; never removes or locks any.</summary>
    Task<DeadLetterListing> PeekAsync(int latest, int scanLimit, CancellationToken cancellationToken = default);

    /// <summary>Locks up to <paramref name="max"/> messages, oldest first; each must be completed or released.</summary>
    Task<IReadOnlyList<LockedDeadLetter>> LockAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Removes a locked message from the dead-letter queue.</summary>
    Task CompleteAsync(LockedDeadLetter message, CancellationToken cancellationToken = default);

    /// <summary>Gives a locked message back, unchanged, to the dead-letter queue.</summary>
    Task ReleaseAsync(LockedDeadLetter message, CancellationToken cancellationToken = default);
}
