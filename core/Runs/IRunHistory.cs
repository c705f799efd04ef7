namespace SfSync.Runs;

/// <summary>Run history; the store expires rows older than its retention.</summary>
internal interface IRunHistory
{
    Task<SyncRun?> GetAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Saves under the run's ETag (insert when null); false when another writer won.</summary>
    Task<bool> TrySaveAsync(SyncRun run, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<SyncRun>> ListAsync(int max, CancellationToken cancellationToken = default);
}
