using SfSync.Model;

namespace SfSync.Sweeping;

/// <summary>
/// The sweep in progress (or the last one): its run, each entity's two scans and what they counted, and the slice that
/// holds it. Positions and counts are saved together under one ETag after the page's batches are in the outbox, so a
/// crash between pages reads the page again (its batches found in the outbox by their plan id) and counts it once.
/// </summary>
internal sealed record SweepState(
    string RunId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<EntitySweep> Entities,
    int SalesforceCalls,
    int Slices,
    SweepLease? Lease,
    string? ETag = null)
{
    public bool Running => EndedAt is null;

    public bool AllDone => Entities.All(e => e.Done);

    public static SweepState Start(string runId, IReadOnlyList<EntityKind> entities, DateTimeOffset now) =>
        new(runId, now, null, entities.Select(EntitySweep.Start).ToList(), 0, 0, null);

    public SweepState With(EntitySweep entity) =>
        this with { Entities = Entities.Select(e => e.Entity == entity.Entity ? entity : e).ToList() };

    /// <summary>Counts per class over every entity.</summary>
    public IReadOnlyDictionary<DriftClass, long> Totals() => Entities
        .SelectMany(e => e.Counts)
        .GroupBy(p => p.Key)
        .ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
}

/// <summary>One entity's two keyset scans: the last id each has compared, whether it reached the end, and the counts.</summary>
/// <param name="Page">Rounds done; names the plan of the next round, so a round read again after a crash finds its batches.</param>
internal sealed record EntitySweep(
    EntityKind Entity,
    SalesforceId? SalesforceAfter,
    bool SalesforceDone,
    AppId? AppAfter,
    bool AppDone,
    int Page,
    long SalesforceIds,
    long AppIds,
    int Batches,
    IReadOnlyDictionary<DriftClass, long> Counts)
{
    public bool Done => SalesforceDone && AppDone;

    public static EntitySweep Start(EntityKind entity) => new(entity, null, false, null, false, 0, 0, 0, 0, new Dictionary<DriftClass, long>());

    public EntitySweep Count(IEnumerable<DriftFinding> findings)
    {
        var counts = new Dictionary<DriftClass, long>(Counts);
        foreach (var finding in findings)
        {
            counts[finding.Class] = counts.GetValueOrDefault(finding.Class) + 1;
        }

        return this with { Counts = counts };
    }
}

/// <summary>Which slice holds the sweep, and until when (UTC).</summary>
internal sealed record SweepLease(string Holder, DateTimeOffset Until);
