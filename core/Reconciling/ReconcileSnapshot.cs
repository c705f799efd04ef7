using SfSync.Mapping;
using SfSync.Model;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>Everything one reconcile round read, immutable: the decisions are a pure function of it.</summary>
/// <param name="ReadAt">When the round read (UTC); stamps the links it writes.</param>
/// <param name="Lease">What the round's claims hold their links with until it stores them.</param>
internal sealed record ReconcileSnapshot(
    EntityKind Entity,
    EntityMap Map,
    bool Full,
    DateTimeOffset ReadAt,
    IReadOnlyList<RecordView> Records,
    ParentContext Parents,
    LinkLease Lease);
