using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.Sweeping;

/// <summary>
/// The local run for the drift sweep's tests: its timer set to once a year (the tests drive every slice through the
/// handler's SweepTimer invocation), pages of 5 ids and one Salesforce call per slice, so a sweep of the seeded data takes
/// many slices; no settle time and no lookback, so the records a test changes a moment before are the sweep's to find.
/// </summary>
public sealed class SweepRunFixture : LocalRunFixture
{
    public const int PageSize = 5;

    protected override IDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["SweepSchedule"] = "0 0 0 1 1 *",
        ["Sync__Planning__SalesforceLookback"] = "00:00:00",
        ["Sync__Sweep__SettleTime"] = "00:00:00",
        ["Sync__Sweep__PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sync__Sweep__MaxSalesforceCallsPerSlice"] = "1",
    };
}

[CollectionDefinition(Name)]
public sealed class SweepRunCollection : ICollectionFixture<SweepRunFixture>
{
    public const string Name = "SweepRun";
}
