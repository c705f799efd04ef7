using SfSync.Reconciling;

namespace SfSync.Queue;

/// <summary>
/// The sync-batches queue as the engine sends to it. The outbox is the source of truth: a batch is recorded there
/// before it is sent, so a send that fails loses nothing (the planner sends a batch again once it has stalled).
/// </summary>
internal interface IBatchQueue
{
    /// <summary>Sends the batches in as few atomic sends as their size allows; each send is all or nothing.</summary>
    /// <exception cref="QueueUnavailableException">The queue refused or could not be reached through the client's retries.</exception>
    Task SendAsync(IReadOnlyList<SyncBatch> batches, CancellationToken cancellationToken = default);

    /// <summary>Sends a batch that becomes visible on the queue at <paramref name="at"/> (back-off, follow-ups).</summary>
    /// <exception cref="QueueUnavailableException">The queue refused or could not be reached through the client's retries.</exception>
    Task ScheduleAsync(SyncBatch batch, DateTimeOffset at, CancellationToken cancellationToken = default);
}
