namespace SfSync.Reconciling;

/// <summary>What happened to a record on one side.</summary>
internal enum OutcomeKind
{
    Unchanged,
    Created,
    Updated,
    Deleted,

    /// <summary>Deliberately not synced (sync_disabled, or waiting for its parent).</summary>
    Skipped,
    Failed,
}
