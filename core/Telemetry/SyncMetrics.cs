using System.Diagnostics;
using System.Diagnostics.Metrics;
using SfSync.Model;
using SfSync.Reconciling;
using SfSync.Salesforce;

namespace SfSync.Telemetry;

/// <summary>
/// The metrics operators chart and alert on (Application Insights <c>customMetrics</c>, names as below, dimensions as
/// <see cref="Dimensions"/>). docs/operations.md lists them; infra/workbook queries and alerts use exactly these names.
/// </summary>
internal static class SyncMetrics
{
    public const string Records = "sync.records";
    public const string Conflicts = "sync.conflicts";
    public const string BlanksFilled = "sync.blanks_filled";
    public const string BatchDuration = "sync.batch.duration";
    public const string Deferrals = "sync.deferrals";
    public const string Runs = "sync.runs";
    public const string SalesforceApiCalls = "sync.salesforce.api_calls";
    public const string SalesforceApiUsageShare = "sync.salesforce.api_usage_share";
    public const string DeadLetterDepth = "sync.deadletter.depth";
    public const string PlannerLag = "sync.planner.lag";

    /// <summary>Every metric name, for the test that checks the workbook's queries against what is emitted.</summary>
    public static readonly IReadOnlyList<string> All = [Records, Conflicts, BlanksFilled, BatchDuration, Deferrals, Runs, SalesforceApiCalls, SalesforceApiUsageShare, DeadLetterDepth, PlannerLag];

    private static readonly Counter<long> RecordCounter = SyncTelemetry.Meter.CreateCounter<long>(Records, "{record}", "Records reconciled, per entity, side and outcome (ErrorCode on failed and skipped ones).");
    private static readonly Counter<long> ConflictCounter = SyncTelemetry.Meter.CreateCounter<long>(Conflicts, "{field}", "Fields both sides changed, resolved for Salesforce.");
    private static readonly Counter<long> BlankCounter = SyncTelemetry.Meter.CreateCounter<long>(BlanksFilled, "{field}", "Blank fields filled from the other side.");
    private static readonly Histogram<double> DurationHistogram = SyncTelemetry.Meter.CreateHistogram<double>(BatchDuration, "ms", "Time to apply one batch, per entity and outcome (Applied, AlreadyApplied, Deferred).");
    private static readonly Counter<long> DeferralCounter = SyncTelemetry.Meter.CreateCounter<long>(Deferrals, "{batch}", "Batches deferred because a side was unavailable, per entity and side.");
    private static readonly Counter<long> RunCounter = SyncTelemetry.Meter.CreateCounter<long>(Runs, "{run}", "Runs planned, per trigger and outcome (Planned, Idle, Paused, NotSent, Failed).");
    private static readonly Counter<long> ApiCallCounter = SyncTelemetry.Meter.CreateCounter<long>(SalesforceApiCalls, "{call}", "Salesforce REST calls made (each counts against the org's daily limit).");
    private static readonly Gauge<double> UsageGauge = SyncTelemetry.Meter.CreateGauge<double>(SalesforceApiUsageShare, "1", "The org's daily API usage as a share of its limit, as Salesforce last reported it.");
    private static readonly Gauge<long> DeadLetterGauge = SyncTelemetry.Meter.CreateGauge<long>(DeadLetterDepth, "{message}", "Messages in the sync-batches dead-letter queue.");
    private static readonly Gauge<double> LagGauge = SyncTelemetry.Meter.CreateGauge<double>(PlannerLag, "s", "Now minus the oldest change planned but not yet applied, per entity (0 when nothing is open).");

    public static void Batch(SyncBatch batch, BatchApplyResult result, TimeSpan elapsed)
    {
        var entity = batch.Entity.ToString();
        DurationHistogram.Record(elapsed.TotalMilliseconds, new(Dimensions.Entity, entity), new(Dimensions.Outcome, result.Status.ToString()));
        foreach (var outcome in result.Outcomes)
        {
            Record(entity, Side.Salesforce, outcome.Salesforce);
            Record(entity, Side.App, outcome.App);
        }

        if (result.Summary.Conflicts > 0)
        {
            ConflictCounter.Add(result.Summary.Conflicts, new KeyValuePair<string, object?>(Dimensions.Entity, entity));
        }

        if (result.Summary.BlanksFilled > 0)
        {
            BlankCounter.Add(result.Summary.BlanksFilled, new KeyValuePair<string, object?>(Dimensions.Entity, entity));
        }
    }

    public static void Deferred(EntityKind entity, Side side) =>
        DeferralCounter.Add(1, new(Dimensions.Entity, entity.ToString()), new(Dimensions.Side, side.ToString()));

    public static void Run(string trigger, string outcome) =>
        RunCounter.Add(1, new(Dimensions.Trigger, trigger), new(Dimensions.Outcome, outcome));

    public static void SalesforceCall() => ApiCallCounter.Add(1);

    public static void ApiUsage(ApiUsage usage) => UsageGauge.Record(usage.Share);

    public static void DeadLetters(long depth) => DeadLetterGauge.Record(depth);

    public static void Lag(EntityKind entity, TimeSpan lag) =>
        LagGauge.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>(Dimensions.Entity, entity.ToString()));

    private static void Record(string entity, Side side, SideOutcome outcome)
    {
        var tags = new TagList
        {
            { Dimensions.Entity, entity },
            { Dimensions.Side, side.ToString() },
            { Dimensions.Outcome, outcome.Kind.ToString() },
            { Dimensions.ErrorCode, outcome.Code?.Value ?? "" },
        };
        RecordCounter.Add(1, tags);
    }
}
