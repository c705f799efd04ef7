using SfSync.Reconciling;

namespace SfSync.Queue;

/// <summary>
/// The Service Bus MessageId of a batch: the batch id and its send attempt. Duplicate detection drops a second send of
/// the same attempt (a client retry after a lost acknowledgement, two planners re-sending at once); every deliberate
/// re-send — stalled, deferred, replayed from the dead-letter queue — is a new attempt and so a new id.
/// </summary>
internal static class BatchMessageId
{
    public static string For(SyncBatch batch) => $"{batch.BatchId}.{batch.Attempt}";
}
