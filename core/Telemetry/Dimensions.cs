using SfSync.Reconciling;

namespace SfSync.Telemetry;

/// <summary>
/// The dimensions every log record, span and metric point carries under the same names, so one KQL filter
/// (<c>customDimensions.RunId</c>) works across traces, requests and customMetrics.
/// </summary>
internal static class Dimensions
{
    public const string RunId = nameof(RunId);
    public const string PlanId = nameof(PlanId);
    public const string BatchId = nameof(BatchId);
    public const string Entity = nameof(Entity);
    public const string Side = nameof(Side);
    public const string Outcome = nameof(Outcome);
    public const string ErrorCode = nameof(ErrorCode);
    public const string InvocationId = nameof(InvocationId);
    public const string Trigger = nameof(Trigger);
    public const string Function = nameof(Function);

    /// <summary>On every log record, empty when they do not apply to it.</summary>
    public static readonly IReadOnlyList<string> Stable = [RunId, PlanId, BatchId, Entity, Side, Outcome, ErrorCode, InvocationId];

    /// <summary>The scope of one batch: what its logs carry besides their own properties.</summary>
    public static Dictionary<string, object?> Of(SyncBatch batch) => new(StringComparer.Ordinal)
    {
        [RunId] = batch.RunId,
        [PlanId] = batch.PlanId,
        [BatchId] = batch.BatchId,
        [Entity] = batch.Entity.ToString(),
    };
}
