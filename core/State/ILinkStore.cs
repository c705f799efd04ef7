using SfSync.Model;

namespace SfSync.State;

/// <summary>Links and base values, looked up by either side's id.</summary>
internal interface ILinkStore
{
    /// <summary>Every link of the entity that holds one of the ids, each once.</summary>
    Task<IReadOnlyList<Link>> FindAsync(EntityKind entity, IReadOnlyCollection<SalesforceId> salesforceIds, IReadOnlyCollection<AppId> appIds, CancellationToken cancellationToken = default);

    /// <summary>Markers of creates in Salesforce whose new id is not known yet: the creates whose answer may have been
    /// lost; and links whose create had an earlier attempt that is still unaccounted for (<see cref="Link.Unaccounted"/>).
    /// Normally none, so asking costs one small query.</summary>
    Task<IReadOnlyList<Link>> PendingCreatesAsync(EntityKind entity, CancellationToken cancellationToken = default);

    /// <summary>Applies the writes; each is checked against its previous ETag on its own and results are aligned by index.</summary>
    Task<IReadOnlyList<LinkWriteResult>> WriteAsync(IReadOnlyList<LinkWrite> writes, CancellationToken cancellationToken = default);
}
