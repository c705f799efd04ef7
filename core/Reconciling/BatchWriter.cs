using Microsoft.Extensions.Logging;
using SfSync.App;
using SfSync.Model;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>
/// The writing half of a reconcile round: pending-create markers, one Salesforce write, the app's bulk writes, and the
/// new links and bases under their ETags. A lost ETag race marks the record for another round from fresh state.
/// </summary>
internal sealed class BatchWriter(ISalesforceRecords salesforce, IAppRecords app, ILinkStore links, TimeProvider time, ILogger logger)
{
    public async Task WriteAsync(BatchContext context, List<RecordPair> pairs, List<FollowUp> followUps, CancellationToken cancellationToken)
    {
        await WriteMarkersAsync(context, pairs, cancellationToken).ConfigureAwait(false);
        await WriteSalesforceAsync(context, pairs, cancellationToken).ConfigureAwait(false);
        await WriteAppAsync(context, pairs, cancellationToken).ConfigureAwait(false);
        await WriteLinksAsync(pairs, cancellationToken).ConfigureAwait(false);
        followUps.AddRange(context.FollowUps);
    }

    /// <summary>
    /// Before any create, a pending-create marker is stored (an insert that fails when either id is linked), so a
    /// create whose answer is lost is looked for, not repeated, and two batches racing on one new record create it once.
    /// </summary>
    private async Task WriteMarkersAsync(BatchContext context, List<RecordPair> pairs, CancellationToken cancellationToken)
    {
        var creating = pairs.Where(p => !p.Settled && (p.SalesforceCreate is not null || p.AppUpsert is { Id: null })).ToList();
        if (creating.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var writes = creating.Select(p =>
        {
            var inSalesforce = p.SalesforceCreate is not null;
            var marker = new Link(
                context.Entity,
                inSalesforce ? null : p.SalesforceId,
                inSalesforce ? p.AppId : null,
                inSalesforce ? LinkState.PendingCreateInSalesforce : LinkState.PendingCreateInApp,
                null,
                null,
                p.Salesforce?.SystemModstamp,
                p.App?.Version ?? 0,
                now,
                null);
            // A marker left by an earlier attempt is touched under its ETag rather than replaced, so of two
            // batches that both find it only one goes on to create; a tombstone is replaced by the marker.
            return p.Link is { State: LinkState.PendingCreateInSalesforce or LinkState.PendingCreateInApp } existing
                ? new LinkWrite(existing, existing)
                : new LinkWrite(p.Link, marker);
        }).ToList();

        var results = await links.WriteAsync(writes, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < creating.Count; i++)
        {
            if (results[i].Conflict)
            {
                creating[i].Raced = true;
            }
            else
            {
                creating[i].Link = results[i].Stored;
            }
        }
    }

    private async Task WriteSalesforceAsync(BatchContext context, List<RecordPair> pairs, CancellationToken cancellationToken)
    {
        var live = pairs.Where(p => !p.Raced && p.SalesforceOutcome.Kind != OutcomeKind.Failed).ToList();
        var creates = live.Where(p => p.SalesforceCreate is not null).ToList();
        var updates = live.Where(p => p.SalesforceUpdate is not null).ToList();
        var deletes = live.Where(p => p.DeleteInSalesforce).ToList();
        var set = new SalesforceWriteSet(
            context.Entity,
            creates.Select(p => new SalesforceCreate(p.AppId!.Value, p.SalesforceCreate!)).ToArray(),
            updates.Select(p => new SalesforceUpdate(p.SalesforceId!.Value, p.SalesforceUpdate!)).ToArray(),
            deletes.Select(p => p.SalesforceId!.Value).ToArray());
        if (set.IsEmpty)
        {
            return;
        }

        var result = await salesforce.WriteAsync(set, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < creates.Count; i++)
        {
            if (result.Creates[i] is { Success: true, Id: { } id })
            {
                creates[i].SalesforceId = id;
                creates[i].NextLink = creates[i].NextLink! with { SalesforceId = id };
                if (creates[i].App!.SalesforceId != id)
                {
                    creates[i].AppUpsert = new AppUpsert(creates[i].AppId, BatchContext.EmptyFields, id, null);
                }
            }
            else
            {
                FailSalesforce(context, creates[i], result.Creates[i]);
                creates[i].RemoveLink = creates[i].Link is not null;
            }
        }

        for (var i = 0; i < updates.Count; i++)
        {
            if (!result.Updates[i].Success)
            {
                FailSalesforce(context, updates[i], result.Updates[i]);
            }
        }

        for (var i = 0; i < deletes.Count; i++)
        {
            if (result.Deletes[i].Success || result.Deletes[i].ErrorCode is "ENTITY_IS_DELETED" or "NOT_FOUND")
            {
                deletes[i].SalesforceOutcome = SideOutcome.Deleted;
            }
            else
            {
                FailSalesforce(context, deletes[i], result.Deletes[i]);
            }
        }
    }

    private void FailSalesforce(BatchContext context, RecordPair pair, WriteResult result)
    {
        pair.SalesforceOutcome = SideOutcome.Failed(new SyncErrorCode(result.ErrorCode ?? SyncErrorCode.WriteRejected.Value), result.Message ?? "Salesforce rejected the write.");
        pair.NextLink = null;
        pair.AppUpsert = null;
        pair.DeleteInApp = false;
        pair.RemoveLink = false;
        ReconcileLog.RecordFailed(logger, context.Entity, pair.SalesforceId?.Value, pair.AppId?.Value, Side.Salesforce, result.ErrorCode);
    }

    private async Task WriteAppAsync(BatchContext context, List<RecordPair> pairs, CancellationToken cancellationToken)
    {
        var live = pairs.Where(p => !p.Raced && p.SalesforceOutcome.Kind != OutcomeKind.Failed).ToList();
        var upserts = live.Where(p => p.AppUpsert is not null).ToList();
        if (upserts.Count > 0)
        {
            var results = await app.UpsertAsync(context.Entity, upserts.Select(p => p.AppUpsert!).ToArray(), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < upserts.Count; i++)
            {
                var pair = upserts[i];
                if (results[i] is { Success: true } ok)
                {
                    pair.AppId ??= ok.Id;
                    pair.NextLink = pair.NextLink is null ? null : pair.NextLink with { AppId = pair.AppId, AppVersion = ok.Version };
                }
                else if (pair.AppUpsert!.Id is null)
                {
                    FailApp(context, pair, results[i]);
                    pair.NextLink = null;
                    pair.RemoveLink = pair.Link is not null;
                }
                else if (pair.SalesforceOutcome.Kind == OutcomeKind.Created)
                {
                    // Salesforce holds the new record: keep the link so it is never created twice; the app's
                    // salesforce_id is stamped again on the next reconcile.
                    FailApp(context, pair, results[i]);
                }
                else
                {
                    FailApp(context, pair, results[i]);
                    pair.NextLink = null;
                }
            }
        }

        var deletes = live.Where(p => p.DeleteInApp).ToList();
        if (deletes.Count > 0)
        {
            var results = await app.DeleteAsync(context.Entity, deletes.Select(p => p.AppId!.Value).ToArray(), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < deletes.Count; i++)
            {
                if (results[i].Success)
                {
                    deletes[i].AppOutcome = SideOutcome.Deleted;
                }
                else
                {
                    FailApp(context, deletes[i], results[i]);
                    deletes[i].RemoveLink = false;
                }
            }
        }
    }

    private void FailApp(BatchContext context, RecordPair pair, AppWriteResult result)
    {
        pair.AppOutcome = SideOutcome.Failed(new SyncErrorCode(result.ErrorCode ?? SyncErrorCode.WriteRejected.Value), result.Message ?? "The app rejected the write.");
        ReconcileLog.RecordFailed(logger, context.Entity, pair.SalesforceId?.Value, pair.AppId?.Value, Side.App, result.ErrorCode);
    }

    private async Task WriteLinksAsync(List<RecordPair> pairs, CancellationToken cancellationToken)
    {
        var changing = pairs.Where(p => !p.Raced && (p.NextLink is not null || (p.RemoveLink && p.Link is not null))).ToList();
        if (changing.Count == 0)
        {
            return;
        }

        var writes = changing.Select(p => new LinkWrite(p.Link, p.NextLink is { } next ? next with { ETag = p.Link?.ETag } : null)).ToList();
        var results = await links.WriteAsync(writes, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < changing.Count; i++)
        {
            if (results[i].Conflict)
            {
                changing[i].Raced = true;
            }
        }
    }
}
