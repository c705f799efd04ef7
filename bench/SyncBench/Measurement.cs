namespace SfSync.Bench.Sync;

/// <summary>One row of the comparison.</summary>
internal sealed record Measurement(
    string Work,
    double Seconds,
    long Keys,
    long SalesforceWrites,
    long Calls,
    long Floor,
    int Batches,
    long TableReads,
    long TableWrites,
    double HandlerCpuSeconds)
{
    /// <summary>Table writes per table during the work (set for rows that applied no batch).</summary>
    public IReadOnlyDictionary<string, long> WritesByTable { get; init; } = new Dictionary<string, long>();

    public double RecordsPerSecond => Seconds > 0 ? Keys / Seconds : 0;

    public double Ratio => Floor > 0 ? (double)Calls / Floor : 0;

    /// <summary>The floor the API's limits allow: feed pages of 2,000 rows (one call at least), reads of 2,000 records a
    /// call, writes of 1,000 records a call (five Collections of 200 in one Composite request).</summary>
    public static long FloorOf(long feedRows, long keys, long salesforceWrites) =>
        Math.Max(1, Ceiling(feedRows, 2000)) + Ceiling(keys, 2000) + Ceiling(salesforceWrites, 1000);

    private static long Ceiling(long n, long per) => (n + per - 1) / per;
}
