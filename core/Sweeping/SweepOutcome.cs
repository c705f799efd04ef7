namespace SfSync.Sweeping;

/// <summary>What a start or a slice did, as a value.</summary>
internal enum SweepCase
{
    /// <summary>A new sweep was recorded (its run row is Running) and its first slice ran.</summary>
    Started,

    /// <summary>A sweep is running already: nothing new was started.</summary>
    AlreadyRunning,

    /// <summary>A slice advanced the running sweep and stopped at its bound (calls or time); the next tick continues.</summary>
    Continued,

    /// <summary>The slice compared the last pages: the sweep is done (its run ends once its batches are applied).</summary>
    Finished,

    /// <summary>No sweep is running and none is due: nothing was read (no Salesforce call).</summary>
    Idle,

    /// <summary>Another slice holds the sweep (overlapping ticks, or the HTTP start): this one did nothing.</summary>
    Busy,

    /// <summary>Salesforce API usage is at or above the planner's pause share: nothing was read.</summary>
    Paused,

    /// <summary>A side could not be read: the positions stayed where they were, the next slice reads the same pages.</summary>
    Interrupted,
}

/// <param name="RunId">The sweep's run (its History row), when there is one.</param>
/// <param name="Calls">Salesforce calls this slice spent.</param>
internal sealed record SweepOutcome(SweepCase Case, string? RunId, int Calls = 0, int Batches = 0, string? Message = null);
