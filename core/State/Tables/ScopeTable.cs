using Azure.Data.Tables;
using SfSync.Model;
using SfSync.Scope;

namespace SfSync.State.Tables;

/// <summary>The scope fingerprints: one row per entity in a partition of the cursors table, read once per run.</summary>
internal sealed class ScopeTable(StateTables tables) : IScopeStore
{
    private const string Partition = "scope";

    public async Task<string?> GetFingerprintAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        var table = await tables.CursorsAsync(cancellationToken).ConfigureAwait(false);
        var row = await TableQueries.GetRowAsync(table, Partition, entity.ToString(), cancellationToken).ConfigureAwait(false);
        return row?.GetString("Fingerprint");
    }

    public async Task SaveFingerprintAsync(EntityKind entity, string fingerprint, CancellationToken cancellationToken = default)
    {
        // No ETag: two planners that race here store the same fingerprint of the same configuration, and a lost write
        // only makes the next run re-read the entity from the start once more, which is safe.
        var table = await tables.CursorsAsync(cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(Partition, entity.ToString()) { ["Fingerprint"] = fingerprint }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
