using Azure.Data.Tables;
using SfSync.Model;

namespace SfSync.State.Tables;

/// <summary>
/// Cursors: one row per entity in one small partition. The positions are gzipped JSON (the overlap window can be
/// large): Planned in full, Committed as its differences from Planned — nothing when they are equal, which is the
/// state of an idle engine — so the row carries the overlap memory about once.
/// </summary>
internal sealed class CursorTable(StateTables tables) : ICursorStore
{
    private const string Partition = "cursor";

    /// <summary>
    /// What the two positions may take of the 1 MiB entity, leaving room for the keys and other properties. Planned
    /// alone fits (<see cref="FeedPosition.MaxRecent"/> is sized for it); Committed's differences fit unless the whole
    /// window turned over while a plan was open.
    /// </summary>
    private const long MaxPositionBytes = 960 * 1024;

    public async Task<CursorState?> GetAsync(EntityKind entity, CancellationToken cancellationToken = default)
    {
        var table = await tables.CursorsAsync(cancellationToken).ConfigureAwait(false);
        var row = await TableQueries.GetRowAsync(table, Partition, entity.ToString(), cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var planned = PositionBlob.Read(row, "Planned") ?? FeedPosition.Start;
        return new CursorState(
            entity,
            planned,
            PositionBlob.Read(row, "Committed", basis: planned) ?? FeedPosition.Start,
            row.GetInt64("PlanSequence") ?? 0,
            row.ETag.ToString(),
            row.GetString("PlannedBy"));
    }

    public async Task<bool> TrySaveAsync(CursorState state, CancellationToken cancellationToken = default)
    {
        var table = await tables.CursorsAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(Partition, state.Entity.ToString()) { ["PlanSequence"] = state.PlanSequence, ["PlannedBy"] = state.PlannedBy };
        PositionBlob.Write(row, "Planned", state.Planned);

        // Committed only serves as the rewind target when the outbox lost a plan; without its memory a rewind plans
        // its lookback window again, which is safe. It gets its memory back when the open plans commit.
        PositionBlob.WriteRelative(row, "Committed", state.Committed, basis: state.Planned, maxMemoryBytes: MaxPositionBytes - PositionBlob.Bytes(row, "Planned"));

        return (await TableQueries.TrySaveAsync(table, row, state.ETag, cancellationToken).ConfigureAwait(false)).Saved;
    }
}
