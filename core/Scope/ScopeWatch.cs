using SfSync.Model;

namespace SfSync.Scope;

/// <summary>
/// Notices that an entity's scope changed since it was last planned — a setting edited, a list view's filter edited
/// in Salesforce — by the stored fingerprint, so that the planner reads that entity from the start (a full re-sync of
/// it): every record is reconciled under the new scope, what entered is linked and merged, what left is marked. Never
/// stored counts as every record, so a deployment without scopes never re-syncs for this.
/// </summary>
internal sealed class ScopeWatch(ScopeResolver resolver, IScopeStore store)
{
    /// <summary>The entities whose scope changed, with the fingerprint to store once their full read is planned.</summary>
    public async Task<IReadOnlyDictionary<EntityKind, EntityScope>> ChangedAsync(IEnumerable<EntityKind> entities, CancellationToken cancellationToken = default)
    {
        var changed = new Dictionary<EntityKind, EntityScope>();
        foreach (var entity in entities)
        {
            var scope = await resolver.ForAsync(entity, cancellationToken).ConfigureAwait(false);
            var stored = await store.GetFingerprintAsync(entity, cancellationToken).ConfigureAwait(false) ?? EntityScope.All(entity).Fingerprint;
            if (!string.Equals(stored, scope.Fingerprint, StringComparison.Ordinal))
            {
                changed[entity] = scope;
            }
        }

        return changed;
    }

    public async Task AcknowledgeAsync(IReadOnlyDictionary<EntityKind, EntityScope> changed, CancellationToken cancellationToken = default)
    {
        foreach (var (entity, scope) in changed)
        {
            await store.SaveFingerprintAsync(entity, scope.Fingerprint, cancellationToken).ConfigureAwait(false);
        }
    }
}
