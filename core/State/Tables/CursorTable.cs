using Azure.Data.Tables;
using SfSync.Model;

namespace SfSync.State.Tables;

/// <summary>Cursors: one row per entity in one small partition; the positions are gzipped JSON (the overlap window can be large).</summary>
public sealed class CursorTable(StateTables tables) : ICursorStore
{
    private const string Partition = "cursor";

    public async Task<CursorState?> GetAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        var table = await tables.CursorsAsync(cancellationToken).ConfigureAwait(false);
        var row = await TableQueries.GetRowAsync(table, Partition, entity.ToString(), cancellationToken).ConfigureAwait(false);
        return row is null
            ? null
            : new CursorState(
                entity,
                PositionBlob.Read(row, "Planned") ?? FeedPosition.Start,
                PositionBlob.Read(row, "Committed") ?? FeedPosition.Start,
                row.GetInt64("PlanSequence") ?? 0,
                row.ETag.ToString());
    }

    public async Task<bool> TrySaveAsync(CursorState state, CancellationToken cancellationToken = default)
    {
        var table = await tables.CursorsAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(Partition, state.Entity.ToString()) { ["PlanSequence"] = state.PlanSequence };
        PositionBlob.Write(row, "Planned", state.Planned);
        PositionBlob.Write(row, "Committed", state.Committed);
        return (await TableQueries.TrySaveAsync(table, row, state.ETag, cancellationToken).ConfigureAwait(false)).Saved;
    }
}
