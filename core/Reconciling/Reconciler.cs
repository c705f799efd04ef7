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
/// Applies one batch of keys as rounds of values: <c>snapshot = load(keys)</c> → <c>decisions = RecordDecision.For</c>
/// each record (pure) → <c>report = write(decisions)</c> (claims first) → <c>outcomes = RecordOutcome.From(decision,
/// report)</c>. A record another batch got to first is read again in the next round, from fresh state. It always
/// reconciles current state against the last agreed base, so applying a batch twice, or two batches that share keys in
/// either order, converges to the same end state. Salesforce costs at most two calls per round: one read, one write.
/// Per-record failures become outcomes; only an unavailable side throws (<see cref="SideUnavailableException"/>), which
/// the caller turns into a deferred batch.
/// </summary>
internal sealed class Reconciler(
    ISalesforceRecords salesforce,
    IAppRecords app,
    ILinkStore links,
    SyncMap map,
    IOptions<SyncOptions> syncOptions,
    IOptions<DeletionOptions> deletionOptions,
    TimeProvider time,
    ILogger<Reconciler> logger,
    Scope.ScopeResolver scopes)
{
    /// <summary>The base entry of a contact's parent, held as the Salesforce AccountId both sides agreed on.</summary>
    public const string ParentBaseKey = ParentDecision.BaseKey;

    private readonly SyncOptions _options = syncOptions.Value;
    private readonly RecordLoader _loader = new(salesforce, app, links, map, syncOptions.Value, time);
    private readonly BatchWriter _writer = new(salesforce, app, links, time, logger);

    /// <param name="batchBegan">When the batch these keys came in was planned, if they came in one: a pair linked since
    /// then may have been linked by an earlier delivery of this very batch that died before it filed what follows a new
    /// pair (its account's contacts), so this round files it again.</param>
    public async Task<ReconcileResult> ReconcileAsync(EntityKind entity, IReadOnlyList<RecordKey> keys, bool full, DateTimeOffset? batchBegan = null, CancellationToken cancellationToken = default)
    {
        var policy = Policy(entity) with { Scope = await scopes.ForAsync(entity, cancellationToken).ConfigureAwait(false) };
        var outcomes = new List<RecordOutcome>();
        var followUps = new List<FollowUp>();
        var pending = keys.Distinct().ToList();
        var holder = Guid.NewGuid().ToString("N"); // the leases of this batch's rounds
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var snapshot = await _loader.LoadAsync(entity, pending, full, holder, batchBegan, cancellationToken).ConfigureAwait(false);
            var decisions = snapshot.Records.Select(r => RecordDecision.For(r, snapshot, policy)).ToList();
            var reports = await _writer.WriteAsync(entity, decisions, cancellationToken).ConfigureAwait(false);
            pending = [];
            for (var i = 0; i < decisions.Count; i++)
            {
                var (decision, report) = (decisions[i], reports[i]);
                if (report.Raced && attempt < _options.RaceAttempts)
                {
                    pending.AddRange(decision.View.Keys);
                }
                else if (report.Raced)
                {
                    outcomes.Add(RecordOutcome.Contended(entity, decision.View));
                    followUps.Add(new FollowUp(entity, Key(decision.View), full));
                }
                else
                {
                    var outcome = RecordOutcome.From(entity, decision, report);
                    outcomes.Add(outcome);
                    followUps.AddRange(FollowUpsOf(entity, decision, report, outcome, full));
                }
            }

            Log(entity, decisions.Count, outcomes, reports.Count(r => r.Raced));
        }

        return new ReconcileResult(outcomes, followUps.Distinct().ToList());
    }

    /// <summary>What a carried-out decision leaves for later: its own follow-ups if it fully succeeded, or the record
    /// itself after a transient refusal (a row lock, a parent not valid yet), which the applier retries with growing delays.</summary>
    private static IEnumerable<FollowUp> FollowUpsOf(EntityKind entity, RecordDecision decision, RecordReport report, RecordOutcome outcome, bool full)
    {
        if (!outcome.Failed)
        {
            return decision.FollowUps;
        }

        var code = report.Salesforce?.ErrorCode ?? report.App?.ErrorCode;
        return TransientErrors.Is(code) ? [new FollowUp(entity, new RecordKey(outcome.SalesforceId, outcome.AppId), full)] : [];
    }

    private void Log(EntityKind entity, int records, List<RecordOutcome> outcomes, int raced)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        static bool Wrote(SideOutcome side) => side.Kind is OutcomeKind.Created or OutcomeKind.Updated or OutcomeKind.Deleted;
        var salesforceWrites = outcomes.Count(o => Wrote(o.Salesforce));
        var appWrites = outcomes.Count(o => Wrote(o.App));
        var failed = outcomes.Count(o => o.Failed);
        ReconcileLog.KeysReconciled(logger, entity, records, salesforceWrites, appWrites, failed, raced);
    }

    private static RecordKey Key(RecordView view) =>
        view.SalesforceId is not null || view.AppId is not null ? new RecordKey(view.SalesforceId, view.AppId) : view.Keys[0];

    private DecisionPolicy Policy(EntityKind entity)
    {
        var deletions = deletionOptions.Value;
        return new DecisionPolicy(map.For(entity), deletions.For(entity), deletions.Account.WhenDeletedInApp, _options.DefaultAccountOwnerId, _options.Duplicates);
    }
}
