using SfSync.Model;

namespace SfSync.State;

/// <summary>
/// The link between a Salesforce record and an app record, with the base values of the three-way merge.
/// </summary>
/// <param name="Base">Agreed values by app field after the last sync; null when never synced.</param>
/// <param name="ParentAppId">A contact's customer at the last sync, to tell a cascade of a customer deletion from a contact deletion.</param>
/// <param name="SalesforceStamp">The SystemModstamp read at the last sync.</param>
/// <param name="AppVersion">The app change sequence after the last sync; feed entries at or below it are our own echo. For a
/// pending-create marker, the sequence when the create began: a record that create made is newer.</param>
/// <param name="StateSince">When <see cref="State"/> was entered (UTC).</param>
/// <param name="ETag">Opaque concurrency token from the store; null for a link not yet stored.</param>
/// <param name="PendingBase">Written with a claim whose round writes Salesforce: the base as it stands once Salesforce
/// holds the round's values. If the round dies before it stores the link, the next round takes it for every field
/// Salesforce does hold it for, so our own write is never taken for a person's edit.</param>
/// <param name="Unaccounted">Set when a create in Salesforce was started again from a marker that had no id yet: an earlier
/// attempt may have made a record that was never found (its answer lost, and a person changed every value it could be found
/// by). Kept on the link afterwards, so that "by elimination" never gives such a record to another pending create.</param>
/// <param name="Lease">Held by a reconcile round from before it writes either side until it stores the link: another round
/// that reads the link meanwhile leaves the record alone, so no round decides from a base another is about to replace.</param>
internal sealed record Link(
    EntityKind Entity,
    SalesforceId? SalesforceId,
    AppId? AppId,
    LinkState State,
    IReadOnlyDictionary<string, string?>? Base,
    AppId? ParentAppId,
    DateTimeOffset? SalesforceStamp,
    long AppVersion,
    DateTimeOffset StateSince,
    DateTimeOffset? LastSyncedAt,
    string? ETag = null,
    LinkLease? Lease = null,
    IReadOnlyDictionary<string, string?>? PendingBase = null,
    UnaccountedCreate? Unaccounted = null)
{
    /// <summary>When the pair was found outside its entity's scope (docs/scope.md): it is not synced meanwhile, and
    /// resumes from this link's base when both records are in scope again. Null while in scope.</summary>
    public DateTimeOffset? OutOfScopeSince { get; init; }

    public bool IsLeasedToOther(string holder, DateTimeOffset now) => Lease is { } lease && lease.Until > now && lease.Holder != holder;
}

/// <summary>Earlier attempts of a create in Salesforce whose outcome is unknown: a record the integration user created
/// between <see cref="From"/> and <see cref="To"/> (engine clock; compare with a clock tolerance) may be one of them.</summary>
internal sealed record UnaccountedCreate(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>Two windows of one marker's attempts, as one.</summary>
    public UnaccountedCreate Widen(UnaccountedCreate? other) =>
        other is null ? this : new(From < other.From ? From : other.From, To > other.To ? To : other.To);
}

/// <summary>Which reconcile round holds a link, and until when (UTC); a round that dies holds it no longer than that.</summary>
internal sealed record LinkLease(string Holder, DateTimeOffset Until);

/// <summary>An insert (<see cref="Previous"/> null), a replace, or a delete (<see cref="Next"/> null) of one link, guarded by the
/// previous ETag. An insert fails when either id is already linked.</summary>
internal sealed record LinkWrite(Link? Previous, Link? Next);

/// <summary>The stored link (with its new ETag) or a lost race.</summary>
internal sealed record LinkWriteResult(bool Conflict, Link? Stored);
