using SfSync.Reconciling;

namespace SfSync.Runs;

internal enum RunTrigger
{
    Timer,
    Http,
    Resync,
    Record,

    /// <summary>A queue message that could not be processed; the row keeps its reason.</summary>
    Message,

    /// <summary>A drift sweep (docs/drift-sweep.md): its row counts the disagreements per class and its Salesforce calls.</summary>
    Sweep,
}

internal enum RunStatus
{
    /// <summary>Planned; batches are being applied.</summary>
    Running,

    /// <summary>Every batch applied and no record failed.</summary>
    Succeeded,

    /// <summary>Every batch applied, some records failed (see errors and record status).</summary>
    CompletedWithErrors,

    /// <summary>Planning stopped on purpose, e.g. API usage above the configured share; the message says why.</summary>
    Paused,

    /// <summary>Planning itself failed (a side unavailable); nothing was skipped, the next run reads from the same cursor.</summary>
    Failed,
}

/// <summary>One row of the History grid.</summary>
internal sealed record SyncRun(
    string RunId,
    RunTrigger Trigger,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    RunStatus Status,
    int BatchesPlanned,
    int BatchesDone,
    BatchSummary Totals,
    string? Message,
    string? ETag = null);
