using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Reconciling;
using SfSync.Runs;
using SfSync.State;
using SfSync.Sweeping;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Sweeping;

/// <summary>
/// A process that dies between a page's outbox write and its position write — the one gap in a round — loses nothing and
/// counts nothing twice: the restarted sweep reads the page again, finds the plan it stored under the round's name, sends
/// its batches and counts the page once.
/// </summary>
public sealed class DriftSweepCrashTests
{
    private const int Records = 23;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
    private readonly FakeSyncState _state = new();
    private readonly CrashingSweepStore _store = new();
    private readonly FakeBatchQueue _queue;
    private readonly FakeSalesforce _salesforce;
    private readonly IdSource _ids;

    public DriftSweepCrashTests()
    {
        _queue = new FakeBatchQueue(_time);
        _salesforce = new FakeSalesforce(_time);
        _ids = new IdSource(Enumerable.Range(1, Records).Select(i => SalesforceId.Parse($"001Hs0000000{i:D3}AAA")).ToList(), _time.GetUtcNow().AddDays(-3));
    }

    [Fact]
    public async Task A_crash_between_the_outbox_write_and_the_position_write_loses_no_key_and_counts_none_twice()
    {
        // Saves: start, lease of slice 1, then one per round; the third round's position write dies.
        _store.CrashOnSave = 5;
        await Assert.ThrowsAsync<IOException>(() => Sweep().StartAsync([EntityKind.Account]));
        var beforeRestart = _state.Batches.Count;

        _time.Advance(new SweepOptions().LeaseDuration); // the dead slice's lease runs out
        var restarted = Sweep();
        SweepOutcome outcome;
        do
        {
            outcome = await restarted.TickAsync();
        }
        while (outcome.Case == SweepCase.Continued);

        var current = (await _store.GetAsync())!;
        var planned = _state.Batches.Where(b => b.PlanId.StartsWith(DriftSweep.PlanPrefix, StringComparison.Ordinal)).SelectMany(b => b.Keys).ToList();
        var sent = _queue.Log.Select(m => m.Batch).DistinctBy(b => b.BatchId).SelectMany(b => b.Keys).ToList();
        Assert.Equal(SweepCase.Finished, outcome.Case);
        Assert.Equal(3, beforeRestart); // three rounds' plans were stored before the crash, two of them counted
        Assert.Equal(Records, current.Entities.Single().Counts[DriftClass.UnlinkedInSalesforce]);
        Assert.Equal(Records, current.Entities.Single().SalesforceIds);
        Assert.Equal(Records, planned.Count);
        Assert.Equal(Records, planned.Distinct().Count());
        Assert.Equal(planned.Select(k => k.ToString()).Order(), sent.Select(k => k.ToString()).Order());
        var run = (await _state.GetAsync(current.RunId))!;
        Assert.Equal((RunTrigger.Sweep, 1 + 5), (run.Trigger, run.BatchesPlanned)); // the scan, and one batch per page of 5
    }

    private DriftSweep Sweep()
    {
        var options = Options.Create(new SweepOptions { PageSize = 5, SettleTime = TimeSpan.FromHours(1) });
        return new DriftSweep(_ids, new NoAppIds(), new LinkRanges(_state), _store, _state, _queue, new RunLedger(_state, _time), _state, _salesforce,
            options, Options.Create(new SyncOptions()), Options.Create(new PlanningOptions()), _time, NullLogger<DriftSweep>.Instance);
    }

    /// <summary>Salesforce ids in keyset pages, one call per read.</summary>
    private sealed class IdSource(List<SalesforceId> ids, DateTimeOffset stamp) : ISalesforceIdPages
    {
        public Task<SalesforceIdRead> ReadIdPagesAsync(IReadOnlyList<SalesforceIdQuery> queries, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SalesforceIdRead(queries.Select(q =>
            {
                var rows = ids.Where(id => q.After is not { } after || string.CompareOrdinal(id.Value, after.Value) > 0)
                    .OrderBy(id => id.Value, StringComparer.Ordinal).Take(q.Limit).Select(id => new SalesforceIdRow(id, stamp, false)).ToList();
                return new SalesforceIdPage(q.Entity, rows, rows.Count >= q.Limit);
            }).ToList(), 1));
    }

    private sealed class NoAppIds : IAppIdListing
    {
        public Task<AppIdPage> ListIdsAsync(EntityKind entity, AppId? after, int limit, CancellationToken cancellationToken = default) => Task.FromResult(new AppIdPage([], false));
    }

    private sealed class LinkRanges(FakeSyncState state) : ILinkRanges
    {
        public Task<IReadOnlyList<Link>> BySalesforceRangeAsync(EntityKind entity, SalesforceId? after, SalesforceId? upTo, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Link>>(state.Links.Where(l => l.Entity == entity && l.SalesforceId is { } id
                && (after is null || string.CompareOrdinal(id.Value, after.Value.Value) > 0) && (upTo is null || string.CompareOrdinal(id.Value, upTo.Value.Value) <= 0)).ToList());

        public Task<IReadOnlyList<Link>> ByAppRangeAsync(EntityKind entity, AppId? after, AppId? upTo, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Link>>([]);
    }

    /// <summary>The sweep's row in memory under an ETag; the Nth save throws, as a process dying at that write would.</summary>
    private sealed class CrashingSweepStore : ISweepStore
    {
        private SweepState? _row;
        private int _saves;

        public int CrashOnSave { get; set; } = int.MaxValue;

        public Task<SweepState?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_row);

        public Task<SweepState?> TrySaveAsync(SweepState state, CancellationToken cancellationToken = default)
        {
            if (++_saves == CrashOnSave)
            {
                throw new IOException("The process died.");
            }

            if (state.ETag != _row?.ETag)
            {
                return Task.FromResult<SweepState?>(null);
            }

            _row = state with { ETag = Guid.NewGuid().ToString("N") };
            return Task.FromResult<SweepState?>(_row);
        }
    }
}
