using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfSync.App;
using SfSync.Deletion;
using SfSync.Mapping;
using SfSync.Model;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>
/// Applies one batch of keys: loads links and base values, reads both sides' current records in bulk, links
/// unlinked records, merges field by field, writes each side in bulk and saves the new links and bases.
/// It always reconciles current state against the last agreed base, so applying a batch twice, or two batches
/// that share keys in either order, converges to the same end state. Salesforce costs at most two calls per
/// batch: one read, one write. Per-record failures become outcomes; only an unavailable side throws
/// (<see cref="SideUnavailableException"/>), which the caller turns into a deferred batch.
/// </summary>
public sealed class Reconciler(
    ISalesforceRecords salesforce,
    IAppRecords app,
    ILinkStore links,
    SyncMap map,
    IOptions<SyncOptions> syncOptions,
    IOptions<DeletionOptions> deletionOptions,
    TimeProvider time,
    ILogger<Reconciler> logger)
{
    /// <summary>The base entry of a contact's parent, held as the Salesforce AccountId both sides agreed on.</summary>
    public const string ParentBaseKey = "AccountId";

    private readonly SyncOptions _options = syncOptions.Value;
    private readonly RecordLoader _loader = new(salesforce, app, links, syncOptions.Value, logger);
    private readonly RecordDecider _decider = new(syncOptions.Value, deletionOptions.Value, time);
    private readonly BatchWriter _writer = new(salesforce, app, links, time, logger);

    public async Task<ReconcileResult> ReconcileAsync(EntityKind entity, IReadOnlyList<RecordKey> keys, bool full, CancellationToken cancellationToken = default)
    {
        var outcomes = new List<RecordOutcome>();
        var followUps = new List<FollowUp>();
        var pending = keys.Distinct().ToList();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var pairs = await ReconcileOnceAsync(entity, pending, full, followUps, cancellationToken).ConfigureAwait(false);
            pending = [];
            foreach (var pair in pairs)
            {
                if (pair.Raced && attempt < _options.RaceAttempts)
                {
                    pending.Add(pair.Key);
                    continue;
                }

                if (pair.Raced)
                {
                    // Still losing after several rounds: report it and let a later run reconcile it from fresh state.
                    var reason = "Another batch kept updating this record's link; it will be reconciled again.";
                    pair.SalesforceOutcome = SideOutcome.Skipped(SyncErrorCode.ConcurrentUpdate, reason);
                    pair.AppOutcome = SideOutcome.Skipped(SyncErrorCode.ConcurrentUpdate, reason);
                    pair.NeedsFollowUp = true;
                }

                outcomes.Add(pair.ToOutcome(entity));
                if (pair.NeedsFollowUp)
                {
                    followUps.Add(new FollowUp(entity, new RecordKey(pair.SalesforceId, pair.AppId), full));
                }
            }
        }

        return new ReconcileResult(outcomes, followUps);
    }

    private async Task<List<RecordPair>> ReconcileOnceAsync(EntityKind entity, List<RecordKey> keys, bool full, List<FollowUp> followUps, CancellationToken cancellationToken)
    {
        var context = new BatchContext(entity, map.For(entity), full, map.For(EntityKind.Account).MatchField?.AppField ?? "name");
        var pairs = await _loader.LoadAsync(context, keys, cancellationToken).ConfigureAwait(false);

        foreach (var pair in pairs)
        {
            _decider.Decide(context, pair);
        }

        await _writer.WriteAsync(context, pairs, followUps, cancellationToken).ConfigureAwait(false);

        static bool Wrote(SideOutcome o) => o.Kind is OutcomeKind.Created or OutcomeKind.Updated or OutcomeKind.Deleted;
        var salesforceWrites = pairs.Count(p => Wrote(p.SalesforceOutcome));
        var appWrites = pairs.Count(p => Wrote(p.AppOutcome));
        var failed = pairs.Count(p => p.SalesforceOutcome.Kind == OutcomeKind.Failed || p.AppOutcome.Kind == OutcomeKind.Failed);
        var raced = pairs.Count(p => p.Raced);
        ReconcileLog.KeysReconciled(logger, entity, pairs.Count, salesforceWrites, appWrites, failed, raced);
        return pairs;
    }
}
