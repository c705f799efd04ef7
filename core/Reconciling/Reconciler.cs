using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SfSync.App;
using SfSync.Deletion;
using SfSync.Mapping;
using SfSync.Linking;
using SfSync.Merge;
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

    /// <summary>How far before a pending-create marker a Salesforce record may have been created and still be ours:
    /// the two clocks are not the same clock.</summary>
    private static readonly TimeSpan MarkerClockTolerance = TimeSpan.FromMinutes(10);

    private readonly SyncOptions _options = syncOptions.Value;
    private readonly DeletionOptions _deletions = deletionOptions.Value;

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
        var context = new BatchContext(entity, map.For(entity), full);
        var pairs = await LoadAsync(context, keys, cancellationToken).ConfigureAwait(false);

        foreach (var pair in pairs)
        {
            Decide(context, pair);
        }

        await WriteAsync(context, pairs, followUps, cancellationToken).ConfigureAwait(false);

        static bool Wrote(SideOutcome o) => o.Kind is OutcomeKind.Created or OutcomeKind.Updated or OutcomeKind.Deleted;
        var salesforceWrites = pairs.Count(p => Wrote(p.SalesforceOutcome));
        var appWrites = pairs.Count(p => Wrote(p.AppOutcome));
        var failed = pairs.Count(p => p.SalesforceOutcome.Kind == OutcomeKind.Failed || p.AppOutcome.Kind == OutcomeKind.Failed);
        var raced = pairs.Count(p => p.Raced);
        ReconcileLog.KeysReconciled(logger, entity, pairs.Count, salesforceWrites, appWrites, failed, raced);
        return pairs;
    }

    // ---- Loading: links, app records, one Salesforce read, matching ----

    private async Task<List<RecordPair>> LoadAsync(BatchContext context, List<RecordKey> keys, CancellationToken cancellationToken)
    {
        var entity = context.Entity;
        var known = await links.FindAsync(
            entity,
            keys.Where(k => k.SalesforceId is not null).Select(k => k.SalesforceId!.Value).ToHashSet(),
            keys.Where(k => k.AppId is not null).Select(k => k.AppId!.Value).ToHashSet(),
            cancellationToken).ConfigureAwait(false);
        var pairs = PairKeys(keys, known);

        // App: records by id, and records that already carry the Salesforce id of an unlinked key (pre-linked, or a
        // create whose answer we lost).
        var appRecords = await ReadAppAsync(entity, new AppReadRequest(
            pairs.Where(p => p.AppId is not null).Select(p => p.AppId!.Value).ToArray(),
            pairs.Where(p => p.AppId is null && p.SalesforceId is not null).Select(p => p.SalesforceId!.Value).ToArray(),
            [],
            []), cancellationToken).ConfigureAwait(false);
        foreach (var pair in pairs)
        {
            pair.App = pair.AppId is { } appId
                ? appRecords.FirstOrDefault(r => r.Id == appId)
                : appRecords.FirstOrDefault(r => r.SalesforceId == pair.SalesforceId);
            if (pair.AppId is null && pair.App is not null)
            {
                pair.AppId = pair.App.Id;
            }

            if (pair.SalesforceId is null && pair.App?.SalesforceId is { } stamped)
            {
                pair.SalesforceId = stamped;
            }
        }

        var appOnly = pairs.Where(p => p.SalesforceId is null && p.App is { SyncDisabled: false }).ToList();
        if (entity == EntityKind.Contact)
        {
            await LoadCustomersAsync(context, pairs, cancellationToken).ConfigureAwait(false);
        }

        var matchField = context.Map.MatchField;
        var matchByName = entity == EntityKind.Account && (_options.AccountMatching == AccountMatching.ExactName
            || appOnly.Any(p => p.Link?.State == LinkState.PendingCreateInSalesforce));
        var request = new SalesforceReadRequest(
            entity == EntityKind.Account ? pairs.Where(p => p.SalesforceId is not null).Select(p => p.SalesforceId!.Value).Distinct().ToArray() : [],
            entity == EntityKind.Contact ? pairs.Where(p => p.SalesforceId is not null).Select(p => p.SalesforceId!.Value).Distinct().ToArray() : [],
            entity == EntityKind.Contact && matchField is not null ? Values(appOnly, matchField) : [],
            matchByName && matchField is not null ? Values(appOnly, matchField) : [],
            context.CustomersById.Values.Where(c => !c.SyncDisabled && !context.AccountLinksByApp.ContainsKey(c.Id))
                .Select(c => c.Field(CustomerNameField)).OfType<string>().Where(n => !FieldValue.IsBlank(n)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
            entity == EntityKind.Account ? pairs.Where(p => p.Link?.State == LinkState.DeletedInApp).Select(p => p.SalesforceId!.Value).ToArray() : []);
        var read = request.IsEmpty ? SalesforceReadResult.Empty : await salesforce.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var sameEntity = entity == EntityKind.Account ? read.Accounts : read.Contacts;
        context.SalesforceAccounts = read.Accounts;
        context.SalesforceContacts = read.Contacts;

        foreach (var pair in pairs.Where(p => p.SalesforceId is not null))
        {
            pair.Salesforce = sameEntity.FirstOrDefault(r => r.Id == pair.SalesforceId);
        }

        if (entity == EntityKind.Contact)
        {
            var parents = pairs.Select(p => p.Salesforce?.ParentId).OfType<SalesforceId>().Where(id => !context.AccountLinksBySalesforce.ContainsKey(id)).ToHashSet();
            if (parents.Count > 0)
            {
                context.AddAccountLinks(await links.FindAsync(EntityKind.Account, parents, [], cancellationToken).ConfigureAwait(false));
            }
        }

        await MatchAsync(context, pairs, sameEntity, matchField, cancellationToken).ConfigureAwait(false);
        return Deduplicate(pairs);
    }

    private async Task LoadCustomersAsync(BatchContext context, List<RecordPair> pairs, CancellationToken cancellationToken)
    {
        // Every customer a contact of the batch points at now or pointed at last time: the first to resolve
        // parents, the second to tell a contact deleted with its customer from a contact deleted on its own.
        var customerIds = pairs.Select(p => p.App?.ParentId).Concat(pairs.Select(p => p.Link?.ParentAppId)).OfType<AppId>().ToHashSet();
        if (customerIds.Count == 0)
        {
            return;
        }

        context.AddAccountLinks(await links.FindAsync(EntityKind.Account, [], customerIds, cancellationToken).ConfigureAwait(false));
        foreach (var customer in await ReadAppAsync(EntityKind.Account, AppReadRequest.ByIds(customerIds.ToArray()), cancellationToken).ConfigureAwait(false))
        {
            context.CustomersById[customer.Id] = customer;
        }
    }

    private async Task MatchAsync(BatchContext context, List<RecordPair> pairs, IReadOnlyList<SalesforceRecord> salesforceRead, FieldMap? matchField, CancellationToken cancellationToken)
    {
        if (matchField is null)
        {
            return;
        }

        var entity = context.Entity;
        var salesforceOnly = pairs.Where(p => p.AppId is null && p.Salesforce is { IsDeleted: false }).ToList();
        var matchSalesforceToApp = entity == EntityKind.Contact || _options.AccountMatching == AccountMatching.ExactName;
        var appCandidates = Array.Empty<AppRecord>() as IReadOnlyList<AppRecord>;
        if (matchSalesforceToApp && salesforceOnly.Count > 0)
        {
            var wanted = salesforceOnly.Select(p => matchField.ReadSalesforce(p.Salesforce!.Fields)).OfType<string>().Where(v => !FieldValue.IsBlank(v)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (wanted.Length > 0)
            {
                appCandidates = await ReadAppAsync(entity, entity == EntityKind.Contact
                    ? new AppReadRequest([], [], wanted, [])
                    : new AppReadRequest([], [], [], wanted), cancellationToken).ConfigureAwait(false);
            }
        }

        var salesforceCandidates = salesforceRead.Where(r => !r.IsDeleted && pairs.All(p => p.SalesforceId != r.Id)).ToList();
        var appOnly = pairs.Where(p => p.SalesforceId is null && p.App is { SyncDisabled: false }).ToList();
        if (appCandidates.Count == 0 && (appOnly.Count == 0 || salesforceCandidates.Count == 0))
        {
            return;
        }

        // A candidate already linked to another record is not free to match.
        var taken = await links.FindAsync(
            entity,
            salesforceCandidates.Select(r => r.Id).ToHashSet(),
            appCandidates.Select(r => r.Id).ToHashSet(),
            cancellationToken).ConfigureAwait(false);
        var takenSalesforce = taken.Where(l => l.SalesforceId is not null).Select(l => l.SalesforceId!.Value).ToHashSet();
        var takenApp = taken.Where(l => l.AppId is not null && l.State != LinkState.DeletedInApp).Select(l => l.AppId!.Value).ToHashSet();

        foreach (var pair in salesforceOnly.Where(_ => matchSalesforceToApp))
        {
            var candidates = appCandidates.Where(r => !takenApp.Contains(r.Id) && r.SalesforceId is null)
                .Select(r => new Candidate<AppRecord>(r, r.Field(matchField.AppField), r.CreatedAt));
            if (ExactMatcher.Pick(candidates, matchField.ReadSalesforce(pair.Salesforce!.Fields)) is { } match)
            {
                pair.App = match.Record;
                pair.AppId = match.Record.Id;
                takenApp.Add(match.Record.Id);
                NoteDuplicates(context, pair, match.Duplicates);
            }
        }

        foreach (var pair in appOnly)
        {
            var marker = pair.Link?.State == LinkState.PendingCreateInSalesforce ? pair.Link : null;
            if (entity == EntityKind.Account && marker is null && _options.AccountMatching != AccountMatching.ExactName)
            {
                continue;
            }

            var candidates = salesforceCandidates
                .Where(r => !takenSalesforce.Contains(r.Id))
                .Where(r => marker is null || r.CreatedDate >= marker.StateSince - MarkerClockTolerance)
                .Select(r => new Candidate<SalesforceRecord>(r, matchField.ReadSalesforce(r.Fields), r.CreatedDate));
            if (ExactMatcher.Pick(candidates, pair.App!.Field(matchField.AppField)) is { } match)
            {
                pair.Salesforce = match.Record;
                pair.SalesforceId = match.Record.Id;
                takenSalesforce.Add(match.Record.Id);
                NoteDuplicates(context, pair, match.Duplicates);
            }
        }
    }

    private void NoteDuplicates(BatchContext context, RecordPair pair, int duplicates)
    {
        if (duplicates == 0)
        {
            return;
        }

        var code = context.Entity == EntityKind.Contact ? SyncErrorCode.DuplicateEmail : SyncErrorCode.DuplicateName;
        pair.Warning = $"{code}: {duplicates} other record(s) match; linked the earliest created.";
        ReconcileLog.DuplicateMatch(logger, context.Entity, pair.SalesforceId?.Value, pair.AppId?.Value, duplicates);
    }

    private static List<RecordPair> PairKeys(List<RecordKey> keys, IReadOnlyList<Link> known)
    {
        var pairs = new List<RecordPair>();
        var byLink = new Dictionary<Link, RecordPair>(ReferenceEqualityComparer.Instance);
        foreach (var key in keys)
        {
            var link = known.FirstOrDefault(l => key.SalesforceId is not null && l.SalesforceId == key.SalesforceId)
                ?? known.FirstOrDefault(l => key.AppId is not null && l.AppId == key.AppId);
            if (link is not null && byLink.ContainsKey(link))
            {
                continue; // both sides of one linked record changed: reconcile it once
            }

            var pair = new RecordPair(key)
            {
                Link = link,
                SalesforceId = link?.SalesforceId ?? key.SalesforceId,
                AppId = link is null ? key.AppId : link.State == LinkState.DeletedInApp ? null : link.AppId ?? key.AppId,
            };
            pairs.Add(pair);
            if (link is not null)
            {
                byLink[link] = pair;
            }
        }

        return pairs;
    }

    private static List<RecordPair> Deduplicate(List<RecordPair> pairs)
    {
        // Matching can make two keys of one batch resolve to the same two records (a new Salesforce contact and
        // a new app contact with the same e-mail): keep the first.
        var seenSalesforce = new HashSet<SalesforceId>();
        var seenApp = new HashSet<AppId>();
        var result = new List<RecordPair>();
        foreach (var pair in pairs)
        {
            if ((pair.SalesforceId is { } s && seenSalesforce.Contains(s)) || (pair.AppId is { } a && seenApp.Contains(a)))
            {
                continue;
            }

            if (pair.SalesforceId is { } sf)
            {
                seenSalesforce.Add(sf);
            }

            if (pair.AppId is { } appId)
            {
                seenApp.Add(appId);
            }

            result.Add(pair);
        }

        return result;
    }

    // ---- Deciding: the deletion policy, creation and the merge ----

    private void Decide(BatchContext context, RecordPair pair)
    {
        var link = pair.Link;
        var policy = _deletions.For(context.Entity);
        var salesforceAlive = !pair.SalesforceGone;
        var appAlive = pair.App is not null;

        if (pair.App is { SyncDisabled: true })
        {
            const string reason = "The app record is flagged sync_disabled.";
            pair.SalesforceOutcome = SideOutcome.Skipped(SyncErrorCode.SyncDisabled, reason);
            pair.AppOutcome = SideOutcome.Skipped(SyncErrorCode.SyncDisabled, reason);
            return;
        }

        switch (link?.State)
        {
            case LinkState.DeletedInApp:
                if (!salesforceAlive)
                {
                    pair.RemoveLink = true;
                }
                else if (context.Full || pair.Salesforce!.SystemModstamp > link.SalesforceStamp)
                {
                    PlanCreateInApp(context, pair);
                }

                return;

            case LinkState.DeletedInSalesforce:
                if (!appAlive)
                {
                    pair.RemoveLink = true;
                }
                else if (context.Full || pair.App!.Version > link.AppVersion)
                {
                    PlanCreateInSalesforce(context, pair);
                }

                return;
        }

        // Deletion rules apply only to a pair that has really been in step. A pre-linked pair whose other record does
        // not exist (a typo in an import, a purged record) is never a reason to delete: the link is dropped with a
        // warning and the survivor is treated as new.
        var synced = link is { State: LinkState.Active, LastSyncedAt: not null };
        if (link is { State: LinkState.Active } && !synced && (!salesforceAlive || !appAlive))
        {
            pair.Warning = $"The pre-linked {(salesforceAlive ? "app" : "Salesforce")} record does not exist; the link was dropped.";
            pair.RemoveLink = true;
        }

        if (salesforceAlive && appAlive)
        {
            PlanMerge(context, pair);
        }
        else if (salesforceAlive)
        {
            if (!synced)
            {
                PlanCreateInApp(context, pair);
            }
            else if (policy.WhenDeletedInApp == DeletionAction.Propagate && !DeletedWithCustomer(context, link!))
            {
                pair.DeleteInSalesforce = true;
                pair.RemoveLink = true;
            }
            else
            {
                pair.NextLink = link! with { State = LinkState.DeletedInApp, StateSince = time.GetUtcNow(), SalesforceStamp = pair.Salesforce!.SystemModstamp };
            }
        }
        else if (appAlive)
        {
            // Without a link, the app's own salesforce_id counts as proof of a former link only if Salesforce still
            // holds that record in its recycle bin.
            var wasInSalesforce = synced || (link is null && pair.App!.SalesforceId is not null && pair.Salesforce is { IsDeleted: true });
            if (!wasInSalesforce)
            {
                if (link is null && pair.App!.SalesforceId is not null)
                {
                    pair.Warning = "The app record's salesforce_id names no Salesforce record; it is created anew.";
                }

                PlanCreateInSalesforce(context, pair);
            }
            else if (policy.WhenDeletedInSalesforce == DeletionAction.Propagate)
            {
                pair.DeleteInApp = true;
                pair.RemoveLink = link is not null;
            }
            else
            {
                pair.NextLink = Linked(context, pair, link?.Base, link?.ParentAppId) with
                {
                    State = LinkState.DeletedInSalesforce,
                    AppVersion = pair.App!.Version,
                };
            }
        }
        else
        {
            pair.RemoveLink = link is not null;
        }
    }

    /// <summary>A contact deleted in the app because its customer was deleted follows the customer's rule, not its own.</summary>
    private bool DeletedWithCustomer(BatchContext context, Link link) =>
        context.Entity == EntityKind.Contact
        && link.ParentAppId is { } customer
        && !context.CustomersById.ContainsKey(customer)
        && _deletions.Account.WhenDeletedInApp == DeletionAction.Keep;

    private void PlanMerge(BatchContext context, RecordPair pair)
    {
        var baseValues = pair.Link?.State == LinkState.Active ? pair.Link.Base : null;
        var merge = RecordMerge.Of(context.Map, pair.Salesforce!.Fields, pair.App!.Fields, baseValues);
        var salesforceWrites = new Dictionary<string, string?>(merge.SalesforceWrites, StringComparer.Ordinal);
        var newBase = new Dictionary<string, string?>(merge.NewBase, StringComparer.Ordinal);
        AppId? parentWrite = null;
        if (context.Entity == EntityKind.Contact)
        {
            parentWrite = MergeParent(context, pair, baseValues, salesforceWrites, newBase);
        }

        pair.Conflicts = merge.Conflicts;
        pair.BlanksFilled = merge.BlanksFilled;
        if (salesforceWrites.Count > 0)
        {
            pair.SalesforceUpdate = salesforceWrites;
            pair.SalesforceOutcome = SideOutcome.Updated;
        }

        var stampLink = pair.App.SalesforceId != pair.SalesforceId;
        if (merge.AppWrites.Count > 0 || parentWrite is not null || stampLink)
        {
            pair.AppUpsert = new AppUpsert(pair.AppId, merge.AppWrites, stampLink ? pair.SalesforceId : null, parentWrite);
            if (merge.AppWrites.Count > 0 || parentWrite is not null)
            {
                pair.AppOutcome = SideOutcome.Updated;
            }
        }

        pair.NextLink = Linked(context, pair, newBase, parentWrite ?? pair.App.ParentId);
    }

    private void PlanCreateInApp(BatchContext context, RecordPair pair)
    {
        var merge = RecordMerge.Of(context.Map, pair.Salesforce!.Fields, EmptyFields, null);
        var newBase = new Dictionary<string, string?>(merge.NewBase, StringComparer.Ordinal);
        AppId? parent = null;
        if (context.Entity == EntityKind.Contact)
        {
            parent = MergeParent(context, pair, null, new Dictionary<string, string?>(), newBase);
        }

        pair.AppId = null;
        pair.AppUpsert = new AppUpsert(null, merge.AppWrites, pair.SalesforceId, parent);
        pair.AppOutcome = SideOutcome.Created;
        pair.NextLink = Linked(context, pair, newBase, parent);

        if (context.Entity == EntityKind.Account && pair.Link?.State == LinkState.DeletedInApp)
        {
            // The customer comes back with its contacts: reconcile them as a full re-sync would.
            foreach (var contact in context.SalesforceContacts.Where(c => c.ParentId == pair.SalesforceId && !c.IsDeleted))
            {
                context.FollowUps.Add(new FollowUp(EntityKind.Contact, RecordKey.ForSalesforce(contact.Id), Full: true));
            }
        }
    }

    private void PlanCreateInSalesforce(BatchContext context, RecordPair pair)
    {
        var merge = RecordMerge.Of(context.Map, EmptyFields, pair.App!.Fields, null);
        var fields = new Dictionary<string, string?>(merge.SalesforceWrites, StringComparer.Ordinal);
        var newBase = new Dictionary<string, string?>(merge.NewBase, StringComparer.Ordinal);
        var required = context.Entity == EntityKind.Account ? "Name" : PersonName.LastName;
        if (FieldValue.IsBlank(fields.GetValueOrDefault(required)))
        {
            pair.SalesforceOutcome = SideOutcome.Failed(SyncErrorCode.RequiredFieldMissing, $"Salesforce requires {context.Entity}.{required}; the app record has no value for it.");
            return;
        }

        if (context.Entity == EntityKind.Contact)
        {
            MergeParent(context, pair, null, fields, newBase);
        }
        else if (!string.IsNullOrWhiteSpace(_options.DefaultAccountOwnerId))
        {
            fields["OwnerId"] = _options.DefaultAccountOwnerId;
        }

        pair.SalesforceId = null;
        pair.SalesforceCreate = fields;
        pair.SalesforceOutcome = SideOutcome.Created;
        pair.NextLink = Linked(context, pair, newBase, pair.App.ParentId);
    }

    /// <summary>
    /// Contact.AccountId ⇄ the contact's customer, merged like any field in Salesforce-id space: the app side is
    /// the account linked to the customer (else found by the company-name rule). A side that cannot be translated
    /// yet (its parent is not linked) is left alone and the key is reconciled again later.
    /// </summary>
    /// <returns>The customer to write to the app, if any.</returns>
    private AppId? MergeParent(BatchContext context, RecordPair pair, IReadOnlyDictionary<string, string?>? baseValues, Dictionary<string, string?> salesforceWrites, Dictionary<string, string?> newBase)
    {
        var salesforceParent = pair.Salesforce?.ParentId;
        SalesforceId? appParent = null;
        var appUnresolved = false;
        if (pair.App?.ParentId is { } customerId)
        {
            if (context.AccountLinksByApp.TryGetValue(customerId, out var accountLink) && accountLink.State == LinkState.Active)
            {
                appParent = accountLink.SalesforceId;
            }
            else if (ByCompanyName(context, customerId) is { } match)
            {
                appParent = match.Record.Id;
                if (match.Rule == CompanyNameRule.UniqueSubstring)
                {
                    pair.Warning ??= $"Account chosen by company-name substring match ({match.Record.Id}).";
                }
            }
            else
            {
                appUnresolved = true;
                pair.NeedsFollowUp |= context.CustomersById.TryGetValue(customerId, out var customer) && !customer.SyncDisabled;
            }
        }

        string? baseValue = null;
        var hasBase = baseValues is not null && baseValues.TryGetValue(ParentBaseKey, out baseValue);
        if (appUnresolved)
        {
            if (hasBase)
            {
                newBase[ParentBaseKey] = baseValue;
            }
            else
            {
                newBase.Remove(ParentBaseKey);
            }

            return null;
        }

        var decision = FieldMerge.Decide(salesforceParent?.Value, appParent?.Value, baseValue, hasBase, FieldComparison.Text);
        newBase[ParentBaseKey] = decision.Value;
        if (decision.WritesSalesforce)
        {
            salesforceWrites[ParentBaseKey] = decision.Value;
        }

        if (decision.WritesApp && SalesforceId.TryParse(decision.Value, out var account))
        {
            if (context.AccountLinksBySalesforce.TryGetValue(account, out var link) && link.State == LinkState.Active && link.AppId is { } customer)
            {
                return customer;
            }

            // The account has no customer yet (its own batch may be running): try again later.
            newBase[ParentBaseKey] = hasBase ? baseValue : null;
            pair.NeedsFollowUp = true;
        }

        return null;
    }

    private Match<SalesforceRecord>? ByCompanyName(BatchContext context, AppId customerId)
    {
        if (!context.CustomersById.TryGetValue(customerId, out var customer) || customer.SyncDisabled)
        {
            return null;
        }

        var accounts = context.SalesforceAccounts.Where(a => !a.IsDeleted)
            .Select(a => new Candidate<SalesforceRecord>(a, a.Field("Name"), a.CreatedDate))
            .ToList();
        return CompanyNameMatcher.Pick(accounts, customer.Field(CustomerNameField));
    }

    private Link Linked(BatchContext context, RecordPair pair, IReadOnlyDictionary<string, string?>? newBase, AppId? parent) => new(
        context.Entity,
        pair.SalesforceId,
        pair.AppId,
        LinkState.Active,
        newBase,
        context.Entity == EntityKind.Contact ? parent : null,
        pair.Salesforce?.SystemModstamp,
        pair.App?.Version ?? 0,
        time.GetUtcNow(),
        time.GetUtcNow(),
        pair.Link?.ETag);

    // ---- Writing: markers, Salesforce, the app, links ----

    private async Task WriteAsync(BatchContext context, List<RecordPair> pairs, List<FollowUp> followUps, CancellationToken cancellationToken)
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
                    creates[i].AppUpsert = new AppUpsert(creates[i].AppId, EmptyFields, id, null);
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

    private async Task<IReadOnlyList<AppRecord>> ReadAppAsync(EntityKind entity, AppReadRequest request, CancellationToken cancellationToken) =>
        request.IsEmpty ? [] : await app.ReadAsync(entity, request, cancellationToken).ConfigureAwait(false);

    private static string[] Values(IEnumerable<RecordPair> pairs, FieldMap field) => pairs
        .Select(p => p.App!.Field(field.AppField))
        .OfType<string>()
        .Where(v => !FieldValue.IsBlank(v))
        .Select(v => v.Trim())
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .ToArray();

    private string CustomerNameField => map.For(EntityKind.Account).MatchField?.AppField ?? "name";

    private static readonly IReadOnlyDictionary<string, string?> EmptyFields = new Dictionary<string, string?>();

    private sealed class BatchContext(EntityKind entity, EntityMap map, bool full)
    {
        public EntityKind Entity { get; } = entity;

        public EntityMap Map { get; } = map;

        public bool Full { get; } = full;

        public Dictionary<AppId, AppRecord> CustomersById { get; } = [];

        public Dictionary<AppId, Link> AccountLinksByApp { get; } = [];

        public Dictionary<SalesforceId, Link> AccountLinksBySalesforce { get; } = [];

        public IReadOnlyList<SalesforceRecord> SalesforceAccounts { get; set; } = [];

        public IReadOnlyList<SalesforceRecord> SalesforceContacts { get; set; } = [];

        public List<FollowUp> FollowUps { get; } = [];

        public void AddAccountLinks(IEnumerable<Link> accountLinks)
        {
            foreach (var link in accountLinks)
            {
                if (link.AppId is { } appId)
                {
                    AccountLinksByApp[appId] = link;
                }

                if (link.SalesforceId is { } salesforceId)
                {
                    AccountLinksBySalesforce[salesforceId] = link;
                }
            }
        }
    }
}
