using Microsoft.Extensions.Logging;
using SfSync.App;
using SfSync.Model;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>
/// The writing half of a reconcile round, in the order that keeps every step safe to repeat: claims (pending-create
/// markers and new pairings) before either side is written; one Salesforce write; the new Salesforce ids into their
/// markers the moment they are known; the app's bulk writes (updates conditional on the version read); then the links
/// and bases under their ETags. It reports what each side did; it never changes a decision.
/// </summary>
internal sealed class BatchWriter(ISalesforceRecords salesforce, IAppRecords app, ILinkStore links, TimeProvider time, ILogger logger)
{
    /// <summary>How long a round holds the links it claimed, counted from the claim: longer than an invocation may run
    /// (host.json's functionTimeout, ten minutes), so a round is never still writing when its hold runs out.</summary>
    internal static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(15);

    /// <summary>A round writes a side only while its hold has at least this much left: a round that stalled between its
    /// claim and its writes (a paused process) reads the record again rather than write from what it read then.</summary>
    private static readonly TimeSpan WriteMargin = TimeSpan.FromMinutes(5);

    private static readonly IReadOnlyDictionary<string, string?> NoFields = new Dictionary<string, string?>();

    public async Task<IReadOnlyList<RecordReport>> WriteAsync(EntityKind entity, IReadOnlyList<RecordDecision> decisions, CancellationToken cancellationToken)
    {
        var work = decisions.Select(d => new Progress(d) { Raced = d.Case == RecordCase.Contended }).ToList();
        await ClaimAsync(work, cancellationToken).ConfigureAwait(false);
        try
        {
            await VerifyCreateSourcesAsync(entity, work, cancellationToken).ConfigureAwait(false);
            await WriteSalesforceAsync(entity, work, cancellationToken).ConfigureAwait(false);
            await KeepCreatedIdsAsync(work, cancellationToken).ConfigureAwait(false);
            await WriteAppAsync(entity, work, cancellationToken).ConfigureAwait(false);
        }
        catch (SideUnavailableException)
        {
            // The batch is deferred; its retry must not find its own records held for the rest of the lease.
            await ReleaseAsync(work).ConfigureAwait(false);
            throw;
        }

        await StoreLinksAsync(work, cancellationToken).ConfigureAwait(false);
        foreach (var failed in work.Where(w => !w.Raced && (w.Salesforce is { Success: false } || w.App is { Success: false, IsVersionConflict: false })))
        {
            var side = failed.Salesforce is { Success: false } ? Side.Salesforce : Side.App;
            ReconcileLog.RecordFailed(logger, entity, failed.SalesforceId?.Value, failed.AppId?.Value, side, (failed.Salesforce?.ErrorCode ?? failed.App?.ErrorCode));
        }

        return work.Select(w => w.ToReport()).ToList();
    }

    private async Task ClaimAsync(List<Progress> work, CancellationToken cancellationToken)
    {
        var claiming = work.Where(w => w.Decision.Claim is not null).ToList();
        var until = time.GetUtcNow() + LeaseDuration; // from the claim, not from the read: reading may have taken a while
        var results = await WriteLinksAsync(claiming.Select(w => new LinkWrite(w.Decision.View.Link, w.Decision.Claim! with { Lease = w.Decision.Claim.Lease! with { Until = until } })).ToList(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < claiming.Count; i++)
        {
            claiming[i].Settle(results[i]);
        }
    }

    /// <summary>
    /// A Salesforce create copies the app record as this round read it, and nothing makes a Salesforce write conditional
    /// on the app. Once its claim is taken no other round starts a create for that record, so the record is read again
    /// here: one a person deleted or changed since this round read it is decided again from fresh state. Without this a
    /// round that read a customer before a person deleted it — and before another round re-created the customer's pair
    /// under a new customer, which let go of the old customer's id — created a second account (fate soak seed 109545).
    /// </summary>
    private async Task VerifyCreateSourcesAsync(EntityKind entity, List<Progress> work, CancellationToken cancellationToken)
    {
        var creates = work.Where(w => !w.Raced && w.Decision.SalesforceAction == SalesforceAction.Create && w.Decision.View.App is not null).ToList();
        if (creates.Count == 0)
        {
            return;
        }

        var current = await app.ReadAsync(entity, AppReadRequest.ByIds(creates.Select(w => w.Decision.View.App!.Id).Distinct().ToList()) with { IncludeDeleted = true }, cancellationToken).ConfigureAwait(false);
        var versions = current.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First());
        var stale = creates.Where(w => !versions.TryGetValue(w.Decision.View.App!.Id, out var now) || now.Deleted || now.Version != w.Decision.View.App!.Version).ToList();
        foreach (var w in stale)
        {
            w.Raced = true;
        }

        // No create was attempted: the claim goes back to what it replaced. A marker left behind would say that an
        // attempt may have made a record, and the next round would look for one to take (fate soak seed 139133).
        var held = stale.Where(w => w.Link is not null).ToList();
        var results = await WriteLinksAsync(held.Select(w => new LinkWrite(w.Link, w.Decision.View.Link is { } before ? before with { Lease = null } : null)).ToList(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < held.Count; i++)
        {
            held[i].Settle(results[i]);
        }
    }

    /// <summary>Rounds whose hold on their records is about to run out stop here: someone else may take the records over.</summary>
    private void Fence(List<Progress> work)
    {
        var now = time.GetUtcNow();
        foreach (var w in work.Where(w => !w.Raced && w.Link?.Lease is { } lease && now > lease.Until - WriteMargin))
        {
            w.Raced = true;
        }
    }

    private async Task WriteSalesforceAsync(EntityKind entity, List<Progress> work, CancellationToken cancellationToken)
    {
        Fence(work);
        var live = work.Where(w => !w.Raced && w.Decision.SalesforceAction != SalesforceAction.None).ToList();
        var creates = live.Where(w => w.Decision.SalesforceAction == SalesforceAction.Create).ToList();
        var updates = live.Where(w => w.Decision.SalesforceAction == SalesforceAction.Update).ToList();
        var deletes = live.Where(w => w.Decision.SalesforceAction == SalesforceAction.Delete).ToList();
        var set = new SalesforceWriteSet(
            entity,
            creates.Select(w => new SalesforceCreate(w.AppId!.Value, w.Decision.SalesforceFields)).ToArray(),
            updates.Select(w => new SalesforceUpdate(w.SalesforceId!.Value, w.Decision.SalesforceFields)).ToArray(),
            deletes.Select(w => w.SalesforceId!.Value).ToArray());
        if (set.IsEmpty)
        {
            return;
        }

        var result = await salesforce.WriteAsync(set, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < creates.Count; i++)
        {
            creates[i].Salesforce = result.Creates[i];
            creates[i].CreatedSalesforceId = result.Creates[i] is { Success: true, Id: { } id } ? id : null;
        }

        for (var i = 0; i < updates.Count; i++)
        {
            updates[i].Salesforce = result.Updates[i];
        }

        for (var i = 0; i < deletes.Count; i++)
        {
            // Deleting what is already gone is what we wanted.
            deletes[i].Salesforce = result.Deletes[i].ErrorCode is "ENTITY_IS_DELETED" or "NOT_FOUND" ? WriteResult.Ok(deletes[i].SalesforceId) : result.Deletes[i];
        }
    }

    /// <summary>A Salesforce create that succeeded is written into its marker at once: if anything after this fails or
    /// the process dies, the retry finds the record by id instead of by the matching rules.</summary>
    private async Task KeepCreatedIdsAsync(List<Progress> work, CancellationToken cancellationToken)
    {
        var created = work.Where(w => !w.Raced && w.CreatedSalesforceId is not null && w.Link is not null).ToList();
        var results = await WriteLinksAsync(created.Select(w => new LinkWrite(w.Link, w.Link! with { SalesforceId = w.CreatedSalesforceId })).ToList(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < created.Count; i++)
        {
            created[i].Settle(results[i]);
        }
    }

    private async Task WriteAppAsync(EntityKind entity, List<Progress> work, CancellationToken cancellationToken)
    {
        Fence(work);
        var live = work.Where(w => !w.Raced && w.Salesforce is not { Success: false }).ToList();
        var upserts = live.Where(w => w.Decision.AppAction is AppAction.Create or AppAction.Update
            || (w.Decision.AppAction == AppAction.StampSalesforceId && w.CreatedSalesforceId is not null)).ToList();
        if (upserts.Count > 0)
        {
            var records = upserts.Select(w => w.Decision.AppAction == AppAction.StampSalesforceId
                ? w.Decision.AppUpsert! with { Fields = NoFields, SalesforceId = w.CreatedSalesforceId }
                : w.Decision.AppUpsert!).ToArray();
            var results = await app.UpsertAsync(entity, records, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < upserts.Count; i++)
            {
                upserts[i].App = results[i];
                if (results[i] is { Success: true, Id: { } id } && upserts[i].Decision.AppAction == AppAction.Create)
                {
                    upserts[i].CreatedAppId = id;
                }
            }
        }

        var deletes = live.Where(w => w.Decision.AppAction == AppAction.Delete).ToList();
        if (deletes.Count > 0)
        {
            var results = await app.DeleteAsync(entity, deletes.Select(w => w.AppId!.Value).ToArray(), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < deletes.Count; i++)
            {
                deletes[i].App = results[i];
            }
        }
    }

    private async Task StoreLinksAsync(List<Progress> work, CancellationToken cancellationToken)
    {
        var writes = new List<(Progress Work, LinkWrite Write)>();
        foreach (var w in work.Where(w => !w.Raced))
        {
            var current = w.Link ?? w.Decision.View.Link;
            if (w.App is { Existing: true })
            {
                // The record an earlier attempt made: the marker goes back to what that attempt created (or to no base,
                // when no marker of ours says what it was), and the next round recognises the record against it.
                if (current?.Lease is not null && w.Link is not null)
                {
                    var earlier = w.Decision.View.Link is { State: LinkState.PendingCreateInApp } before ? before.Base : null;
                    writes.Add((w, new LinkWrite(current, current with { Lease = null, Base = earlier })));
                }

                continue;
            }

            if (w.Salesforce is { Success: true } && w.App is { Success: false } && w.Decision.AfterSalesforceOnly is { } partial)
            {
                writes.Add((w, new LinkWrite(current, partial with { ETag = current?.ETag })));
                continue;
            }

            if (w.Salesforce is { Success: false } || w.App is { Success: false })
            {
                // A create that was refused for good made nothing: its marker goes. A transient refusal keeps the marker
                // until the retry settles it, and a Salesforce record whose app write failed keeps its marker (with its id).
                var failedCreate = (w.Decision.SalesforceAction == SalesforceAction.Create && w.Salesforce is { Success: false })
                    || (w.Decision.AppAction == AppAction.Create && w.App is { Success: false });
                var code = w.Salesforce?.ErrorCode ?? w.App?.ErrorCode;
                if (failedCreate && !TransientErrors.Is(code) && current is { State: LinkState.PendingCreateInSalesforce or LinkState.PendingCreateInApp })
                {
                    writes.Add((w, new LinkWrite(current, null)));
                }
                else if (current?.Lease is not null && w.Link is not null)
                {
                    // Our claim, released; Salesforce was not written if its write failed, so no intent is left either.
                    var keep = w.Salesforce is { Success: false } ? null : current.PendingBase;
                    writes.Add((w, new LinkWrite(current, current with { Lease = null, PendingBase = keep })));
                }

                continue;
            }

            if (w.Decision.RemoveLink && current is not null)
            {
                writes.Add((w, new LinkWrite(current, null)));
            }
            else if (w.Decision.After is { } after)
            {
                var next = after with
                {
                    SalesforceId = after.SalesforceId ?? w.CreatedSalesforceId,
                    AppId = after.AppId ?? w.CreatedAppId,
                    AppVersion = w.App is { Success: true } written && w.Decision.AppAction != AppAction.Delete ? written.Version : after.AppVersion,
                    ETag = current?.ETag,
                };
                writes.Add((w, new LinkWrite(current, next)));
            }
            else if (w.Link?.Lease is not null)
            {
                writes.Add((w, new LinkWrite(w.Link, w.Link with { Lease = null, PendingBase = null })));
            }
        }

        var results = await WriteLinksAsync(writes.Select(w => w.Write).ToList(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < writes.Count; i++)
        {
            writes[i].Work.Settle(results[i]);
        }

        // A person's edit reached the app record after we read it, or our create found the record an earlier attempt made
        // (which a person may have edited since): read the record again, with the edit in it.
        foreach (var w in work.Where(w => w.App is { IsVersionConflict: true } or { Existing: true }))
        {
            w.Raced = true;
        }
    }

    private async Task ReleaseAsync(List<Progress> work)
    {
        var held = work.Where(w => w.Link?.Lease is not null).ToList();
        try
        {
            await WriteLinksAsync(held.Select(w => new LinkWrite(w.Link, w.Link! with { Lease = null })).ToList(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Best effort: the leases run out by themselves.
            ReconcileLog.LeasesKept(logger, held.Count, ex.GetType().Name);
        }
    }

    private async Task<IReadOnlyList<LinkWriteResult>> WriteLinksAsync(List<LinkWrite> writes, CancellationToken cancellationToken) =>
        writes.Count == 0 ? [] : await links.WriteAsync(writes, cancellationToken).ConfigureAwait(false);

    /// <summary>One decision on its way through the writer; private to it, turned into a <see cref="RecordReport"/>.</summary>
    private sealed class Progress(RecordDecision decision)
    {
        public RecordDecision Decision { get; } = decision;

        public Link? Link { get; private set; }

        public bool Raced { get; set; }

        public WriteResult? Salesforce { get; set; }

        public AppWriteResult? App { get; set; }

        public SalesforceId? CreatedSalesforceId { get; set; }

        public AppId? CreatedAppId { get; set; }

        public SalesforceId? SalesforceId => CreatedSalesforceId ?? Decision.View.SalesforceId;

        public AppId? AppId => CreatedAppId ?? Decision.View.AppId;

        public void Settle(LinkWriteResult result)
        {
            Raced |= result.Conflict;
            Link = result.Conflict ? Link : result.Stored;
        }

        public RecordReport ToReport() => new(Raced, Salesforce, App, CreatedSalesforceId, CreatedAppId);
    }
}
