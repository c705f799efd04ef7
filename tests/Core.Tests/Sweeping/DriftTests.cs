using SfSync.Model;
using SfSync.State;
using SfSync.Sweeping;

namespace SfSync.Tests.Sweeping;

/// <summary>One row per <see cref="DriftClass"/> (named by string: the enum stays internal): the id on its side and the link as the sweep reads them.</summary>
public class DriftTests
{
    private static readonly DateTimeOffset ReadAt = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SweepOptions Options = new(); // SettleTime 1 h, OwnWriteAllowance 5 min
    private static readonly SalesforceId Sf = SalesforceId.Parse("001Hs000000000AAAA");
    private static readonly AppId App = AppId.Parse("42");
    private static readonly DateTimeOffset Synced = ReadAt.AddDays(-2);

    public static TheoryData<string, string> Cases => new()
    {
        { "sf: linked, stamp = link stamp", nameof(DriftClass.InStep) },
        { "sf: linked, stamp 30 min ago (after settle point)", nameof(DriftClass.Settling) },
        { "sf: absent, link is a DeletedInSalesforce tombstone", nameof(DriftClass.Expected) },
        { "app: sync_disabled", nameof(DriftClass.OptedOut) },
        { "sf: live, no link", nameof(DriftClass.UnlinkedInSalesforce) },
        { "app: live, no link", nameof(DriftClass.UnlinkedInApp) },
        { "sf: absent (purged), active link", nameof(DriftClass.GoneFromSalesforce) },
        { "app: absent, active link", nameof(DriftClass.GoneFromApp) },
        { "sf: stamp a day after the sync", nameof(DriftClass.ChangedInSalesforce) },
        { "app: version above the link's", nameof(DriftClass.ChangedInApp) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_case_is_classified(string situation, string expected) => Assert.Equal(Enum.Parse<DriftClass>(expected), Classify(situation));

    [Fact]
    public void Every_class_has_exactly_one_row() =>
        Assert.Equal(Enum.GetValues<DriftClass>().Order(), Cases.Select(c => Enum.Parse<DriftClass>((string)c[1])).Order());

    [Fact]
    public void Our_own_write_landing_after_the_sync_is_not_drift_and_a_stamp_outside_the_allowance_is()
    {
        var link = Linked() with { SalesforceStamp = Synced.AddDays(-1) };
        Assert.Equal(DriftClass.InStep, Drift.OfSalesforce(new SalesforceIdRow(Sf, Synced.AddSeconds(3), false), link, ReadAt, Options));
        Assert.Equal(DriftClass.InStep, Drift.OfSalesforce(new SalesforceIdRow(Sf, Synced.AddSeconds(-20), false), link, ReadAt, Options)); // org clock behind
        Assert.Equal(DriftClass.ChangedInSalesforce, Drift.OfSalesforce(new SalesforceIdRow(Sf, Synced.AddMinutes(6), false), link, ReadAt, Options));
        // A transaction stamped before the synced version that committed after it: another stamp, so changed.
        Assert.Equal(DriftClass.ChangedInSalesforce, Drift.OfSalesforce(new SalesforceIdRow(Sf, Synced.AddDays(-3), false), link, ReadAt, Options));
    }

    [Fact]
    public void A_scan_gives_every_id_and_every_link_of_the_range_one_finding()
    {
        var other = SalesforceId.Parse("001Hs000000000BAAA");
        var rows = new[] { new SalesforceIdRow(Sf, Synced, false), new SalesforceIdRow(other, Synced, false) };
        var gone = Linked() with { SalesforceId = SalesforceId.Parse("001Hs000000000CAAA"), AppId = AppId.Parse("43") };
        var findings = DriftScan.Salesforce(rows, [Linked(), gone], ReadAt, Options);

        Assert.Equal([DriftClass.InStep, DriftClass.UnlinkedInSalesforce, DriftClass.GoneFromSalesforce], findings.Select(f => f.Class));
        Assert.Equal([RecordKey.ForSalesforce(other), new RecordKey(gone.SalesforceId, gone.AppId)], DriftScan.KeysToReconcile(findings));
    }

    private static Link Linked() => new(EntityKind.Account, Sf, App, LinkState.Active, new Dictionary<string, string?>(), null, Synced, 10, Synced, Synced);

    private static DriftClass Classify(string situation) => situation switch
    {
        "sf: linked, stamp = link stamp" => Drift.OfSalesforce(new SalesforceIdRow(Sf, Synced, false), Linked(), ReadAt, Options),
        "sf: linked, stamp 30 min ago (after settle point)" => Drift.OfSalesforce(new SalesforceIdRow(Sf, ReadAt.AddMinutes(-30), false), Linked(), ReadAt, Options),
        "sf: absent, link is a DeletedInSalesforce tombstone" => Drift.OfSalesforce(null, Linked() with { State = LinkState.DeletedInSalesforce }, ReadAt, Options),
        "app: sync_disabled" => Drift.OfApp(new AppIdRow(App, 10, Synced, SyncDisabled: true), null, ReadAt, Options),
        "sf: live, no link" => Drift.OfSalesforce(new SalesforceIdRow(Sf, Synced, false), null, ReadAt, Options),
        "app: live, no link" => Drift.OfApp(new AppIdRow(App, 10, Synced, false), null, ReadAt, Options),
        "sf: absent (purged), active link" => Drift.OfSalesforce(null, Linked(), ReadAt, Options),
        "app: absent, active link" => Drift.OfApp(null, Linked(), ReadAt, Options),
        "sf: stamp a day after the sync" => Drift.OfSalesforce(new SalesforceIdRow(Sf, Synced.AddDays(1), false), Linked(), ReadAt, Options),
        "app: version above the link's" => Drift.OfApp(new AppIdRow(App, 11, Synced.AddDays(1), false), Linked(), ReadAt, Options),
        _ => throw new ArgumentOutOfRangeException(nameof(situation)),
    };
}
