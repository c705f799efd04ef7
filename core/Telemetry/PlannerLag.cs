using SfSync.Model;
using SfSync.State;

namespace SfSync.Telemetry;

/// <summary>
/// How far behind the sync is, per entity: now minus the creation of the oldest plan still open in the outbox (its
/// changes are not all applied yet); zero when every plan is closed.
/// </summary>
internal static class PlannerLag
{
    public static TimeSpan Of(IReadOnlyList<Plan> openPlans, DateTimeOffset now) =>
        openPlans.Count == 0 ? TimeSpan.Zero : now - openPlans.Min(p => p.CreatedAt);

    public static async Task MeasureAsync(IPlanOutbox outbox, IReadOnlyList<EntityKind> entities, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var entity in entities)
        {
            SyncMetrics.Lag(entity, Of(await outbox.GetOpenPlansAsync(entity, cancellationToken).ConfigureAwait(false), now));
        }
    }
}
