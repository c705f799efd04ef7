using System.Text.Json;
using Azure.Data.Tables;
using SfSync.Model;
using SfSync.State.Tables;

namespace SfSync.Sweeping;

/// <summary>The sweep's state in Table Storage: one row (<c>Sweep</c>/<c>current</c>) in the <c>{prefix}Sweeps</c> table,
/// replaced under its ETag by every page; the per-entity positions and counts are one JSON property (well under 64 KB).</summary>
internal sealed class SweepTable(StateTables tables) : ISweepStore
{
    private const string Partition = "Sweep";
    private const string Row = "current";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<SweepState?> GetAsync(CancellationToken cancellationToken = default)
    {
        var table = await tables.SweepsAsync(cancellationToken).ConfigureAwait(false);
        var row = await TableQueries.GetRowAsync(table, Partition, Row, cancellationToken).ConfigureAwait(false);
        return row is null ? null : FromRow(row);
    }

    public async Task<SweepState?> TrySaveAsync(SweepState state, CancellationToken cancellationToken = default)
    {
        var table = await tables.SweepsAsync(cancellationToken).ConfigureAwait(false);
        var (saved, etag) = await TableQueries.TrySaveAsync(table, ToRow(state), state.ETag, cancellationToken).ConfigureAwait(false);
        return saved ? state with { ETag = etag.ToString() } : null;
    }

    private static TableEntity ToRow(SweepState state) => new(Partition, Row)
    {
        ["RunId"] = state.RunId,
        ["StartedAt"] = state.StartedAt,
        ["EndedAt"] = state.EndedAt,
        ["SalesforceCalls"] = state.SalesforceCalls,
        ["Slices"] = state.Slices,
        ["LeaseHolder"] = state.Lease?.Holder,
        ["LeaseUntil"] = state.Lease?.Until,
        ["Entities"] = JsonSerializer.Serialize(state.Entities.Select(EntityDto.From).ToList(), Json),
    };

    private static SweepState FromRow(TableEntity row) => new(
        row.GetString("RunId"),
        row.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("EndedAt"),
        (JsonSerializer.Deserialize<List<EntityDto>>(row.GetString("Entities") ?? "[]", Json) ?? []).Select(e => e.ToSweep()).ToList(),
        row.GetInt32("SalesforceCalls") ?? 0,
        row.GetInt32("Slices") ?? 0,
        row.GetString("LeaseHolder") is { } holder && row.GetDateTimeOffset("LeaseUntil") is { } until ? new SweepLease(holder, until) : null,
        row.ETag.ToString());

    private sealed record EntityDto(string Entity, string? SalesforceAfter, bool SalesforceDone, string? AppAfter, bool AppDone, int Page, long SalesforceIds, long AppIds, int Batches, Dictionary<string, long> Counts)
    {
        public static EntityDto From(EntitySweep e) => new(
            e.Entity.ToString(), e.SalesforceAfter?.Value, e.SalesforceDone, e.AppAfter?.Value, e.AppDone, e.Page, e.SalesforceIds, e.AppIds, e.Batches,
            e.Counts.ToDictionary(p => p.Key.ToString(), p => p.Value));

        public EntitySweep ToSweep() => new(
            Enum.Parse<EntityKind>(Entity),
            SalesforceAfter is null ? null : SalesforceId.Parse(SalesforceAfter),
            SalesforceDone,
            AppAfter is null ? null : AppId.Parse(AppAfter),
            AppDone,
            Page,
            SalesforceIds,
            AppIds,
            Batches,
            Counts.Where(p => Enum.IsDefined(typeof(DriftClass), p.Key)).ToDictionary(p => Enum.Parse<DriftClass>(p.Key), p => p.Value));
    }
}
