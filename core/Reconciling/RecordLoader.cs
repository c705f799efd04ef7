using SfSync.App;
using SfSync.Linking;
using SfSync.Mapping;
using SfSync.Merge;
using SfSync.Model;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>
/// The reading half of a reconcile round. For a batch of keys it reads the links, the app records (tombstones
/// included, and records carrying an unlinked Salesforce id), one Salesforce request for the records and every lookup
/// matching needs, the contacts' customers, the children of accounts not linked yet, and pairs unlinked records: our
/// own pending creates first (a create whose answer was lost), then the matching rules. It returns an immutable
/// <see cref="ReconcileSnapshot"/> with every key of the batch in exactly one <see cref="RecordView"/>.
/// </summary>
internal sealed class RecordLoader(ISalesforceRecords salesforce, IAppRecords app, ILinkStore links, SyncMap map, SyncOptions options, TimeProvider time)
{
    /// <summary>How far before a pending-create marker a Salesforce record may have been created and still be ours while
    /// the org's clock is unknown: Salesforce's clock and ours are not the same clock.</summary>
    internal static readonly TimeSpan MarkerClockTolerance = TimeSpan.FromMinutes(10);

    /// <summary>The same once the org's clock is known from its answers: the offset they give is never more than the true
    /// one and <c>CreatedDate</c> is cut to the second, so a record our create made is at most a second early in our time;
    /// the rest is margin. A marker written after a record was created can then no longer claim it.</summary>
    internal static readonly TimeSpan KnownClockTolerance = TimeSpan.FromSeconds(5);




    public async Task<ReconcileSnapshot> LoadAsync(EntityKind entity, IReadOnlyList<RecordKey> keys, bool full, string holder, DateTimeOffset? batchBegan, CancellationToken cancellationToken)
    {
        var readAt = time.GetUtcNow();
        var entityMap = map.For(entity);
        var round = new Round(entity, entityMap, batchBegan);
        var known = await links.FindAsync(entity, SalesforceIds(keys), AppIds(keys), cancellationToken).ConfigureAwait(false);
        round.Group(keys.Distinct().ToList(), known);
        foreach (var draft in round.Drafts.Where(d => d.Link?.IsLeasedToOther(holder, readAt) == true))
        {
            draft.Flag(Anomaly.Contended, null); // another round is between its claim and its link write right now
        }

        await ReadAppAsync(round, cancellationToken).ConfigureAwait(false);
        await PairStampedAsync(round, cancellationToken).ConfigureAwait(false);
        var customers = entity == EntityKind.Contact ? await ReadCustomersAsync(round, cancellationToken).ConfigureAwait(false) : null;
        var contactsOfCustomers = entity == EntityKind.Account ? await ReadContactsOfUnlinkedCustomersAsync(round, cancellationToken).ConfigureAwait(false) : [];

        var read = await ReadSalesforceAsync(round, customers, cancellationToken).ConfigureAwait(false);
        round.AttachSalesforce(entity == EntityKind.Account ? read.Accounts : read.Contacts);

        await MatchAsync(round, read, cancellationToken).ConfigureAwait(false);

        // After matching: a pairing may have brought a record read later than the first read (a person moved the app
        // contact to another customer in between), and every parent the decisions see must be in the snapshot.
        if (customers is not null)
        {
            customers = await CompleteParentsAsync(round, customers, cancellationToken).ConfigureAwait(false);
        }

        var accountLinks = customers?.Links ?? [];

        var childLinks = entity == EntityKind.Account
            ? await FindLinksAsync(EntityKind.Contact, read.Contacts.Select(c => c.Id).ToHashSet(), contactsOfCustomers.Select(c => c.Id).ToHashSet(), cancellationToken).ConfigureAwait(false)
            : [];
        var parentContext = new ParentContext(
            customers?.Records ?? new Dictionary<AppId, AppRecord>(),
            customers?.Deleted ?? new Dictionary<AppId, long>(),
            accountLinks.Where(l => l.AppId is not null).GroupBy(l => l.AppId!.Value).ToDictionary(g => g.Key, g => g.First()),
            accountLinks.Where(l => l.SalesforceId is not null).GroupBy(l => l.SalesforceId!.Value).ToDictionary(g => g.Key, g => g.First()),
            read.Accounts,
            entity == EntityKind.Account ? read.Contacts : [],
            contactsOfCustomers,
            childLinks,
            CustomerNameField);
        return new ReconcileSnapshot(entity, entityMap, full, readAt, round.Views(), parentContext, new LinkLease(holder, readAt + BatchWriter.LeaseDuration));
    }

    private string CustomerNameField => map.For(EntityKind.Account).MatchField?.AppField ?? "name";

    // ---- App ----

    private async Task ReadAppAsync(Round round, CancellationToken cancellationToken)
    {
        // By id (tombstones too: a deleted contact's customer decides which deletion rule applies), and the records that
        // carry the Salesforce id of an unlinked key or of our own pending create in the app.
        var byCarriedId = round.Drafts.Where(d => d.AppId is null && d.SalesforceId is not null && (d.Link is null || d.Link.State == LinkState.PendingCreateInApp)).ToList();
        var request = new AppReadRequest(
            round.Drafts.Select(d => d.AppId).OfType<AppId>().Distinct().ToArray(),
            byCarriedId.Select(d => d.SalesforceId!.Value).Distinct().ToArray(),
            [],
            []) { IncludeDeleted = true };
        var records = await ReadAppAsync(round.Entity, request, cancellationToken).ConfigureAwait(false);
        foreach (var draft in round.Drafts.Where(d => d.AppId is not null))
        {
            draft.App = records.FirstOrDefault(r => r.Id == draft.AppId);
        }

        foreach (var draft in byCarriedId)
        {
            var carriers = records.Where(r => !r.Deleted && r.SalesforceId == draft.SalesforceId).ToList();
            if (carriers.Count == 0 && draft.Link is { } marker)
            {
                // The record our create made may have been deleted by a person since: it still was made. Only a tombstone
                // newer than the marker can be it: the customer a person deleted, which a re-create replaces, carries the
                // same Salesforce id, and the marker holds the app's sequence as it stood then.
                carriers = records.Where(r => r.Deleted && r.SalesforceId == draft.SalesforceId && r.Version > marker.AppVersion)
                    .OrderByDescending(r => r.Version).Take(1).ToList();
            }

            if (carriers.Count > 1)
            {
                draft.Flag(Anomaly.AmbiguousSalesforceId, $"App records {string.Join(", ", carriers.Select(c => c.Id.Value))} all carry Salesforce id {draft.SalesforceId!.Value.Value}.");
            }
            else if (carriers.Count == 1)
            {
                round.Pair(draft, carriers[0], draft.Link is null ? Pairing.Stamped : Pairing.Recognised);
            }
        }
    }

    /// <summary>
    /// An unlinked app record that carries a Salesforce id: our own create in the app whose link was never stored, a
    /// pre-link made in the app, or a copy of a linked record. Only the first two may pair.
    /// </summary>
    private async Task PairStampedAsync(Round round, CancellationToken cancellationToken)
    {
        var stamped = round.Drafts.Where(d => d.Link is null && d.SalesforceId is null && d.App is { Deleted: false, SalesforceId: not null }).ToList();
        if (stamped.Count == 0)
        {
            return;
        }

        var ids = stamped.Select(d => d.App!.SalesforceId!.Value).ToHashSet();
        var owners = await links.FindAsync(round.Entity, ids, [], cancellationToken).ConfigureAwait(false);
        var carriers = await ReadAppAsync(round.Entity, new AppReadRequest([], ids.ToArray(), [], []), cancellationToken).ConfigureAwait(false);
        foreach (var draft in stamped)
        {
            var record = draft.App!;
            var salesforceId = record.SalesforceId!.Value;
            var owner = owners.FirstOrDefault(l => l.SalesforceId == salesforceId);
            var others = carriers.Where(c => c.SalesforceId == salesforceId && c.Id != record.Id).Select(c => c.Id.Value).ToList();
            if (owner?.AppId == record.Id)
            {
                draft.Flag(Anomaly.Contended, null); // another batch linked it after our link read: read it again
            }
            else if (owner is { State: LinkState.PendingCreateInApp } && others.Count == 0)
            {
                round.Adopt(draft, salesforceId, owner, Pairing.Recognised);
            }
            else if (owner is { State: LinkState.DeletedInApp } && others.Count == 0)
            {
                round.Adopt(draft, salesforceId, owner, Pairing.Stamped); // the deleted customer is back under a new id
            }
            else if (owner is not null)
            {
                draft.Flag(Anomaly.AmbiguousSalesforceId, $"The app record's salesforce_id {salesforceId.Value} is linked to {owner.AppId?.Value ?? "another record"}.");
            }
            else if (others.Count > 0)
            {
                draft.Flag(Anomaly.AmbiguousSalesforceId, $"App records {record.Id.Value}, {string.Join(", ", others)} all carry Salesforce id {salesforceId.Value}.");
            }
            else
            {
                round.Adopt(draft, salesforceId, null, Pairing.Stamped);
            }
        }
    }

    private async Task<CustomerLookup> ReadCustomersAsync(Round round, CancellationToken cancellationToken)
    {
        // Every customer a contact points at now, pointed at when it was deleted, or pointed at last time.
        var ids = round.Drafts.Select(d => d.App?.ParentId).Concat(round.Drafts.Select(d => d.Link?.ParentAppId)).OfType<AppId>().ToHashSet();
        if (ids.Count == 0)
        {
            return new CustomerLookup(new Dictionary<AppId, AppRecord>(), new Dictionary<AppId, long>(), [], ids);
        }

        var accountLinks = await links.FindAsync(EntityKind.Account, [], ids, cancellationToken).ConfigureAwait(false);
        var customers = await ReadAppAsync(EntityKind.Account, AppReadRequest.ByIds(ids.ToArray()) with { IncludeDeleted = true }, cancellationToken).ConfigureAwait(false);
        return new CustomerLookup(
            customers.Where(c => !c.Deleted).ToDictionary(c => c.Id),
            customers.Where(c => c.Deleted).ToDictionary(c => c.Id, c => c.Version),
            accountLinks,
            ids);
    }

    /// <summary>
    /// The parents of the round's records as they stand after matching: customers the app records point at that the first
    /// read did not know (matching reads app records again, and a person may have moved one meanwhile), and the account
    /// links of every customer and Salesforce parent. In the common case one link lookup, as before matching.
    /// </summary>
    private async Task<CustomerLookup> CompleteParentsAsync(Round round, CustomerLookup known, CancellationToken cancellationToken)
    {
        var newCustomers = round.Drafts.Select(d => d.App?.ParentId).Concat(round.Drafts.Select(d => d.Link?.ParentAppId)).OfType<AppId>()
            .Where(id => !known.Asked.Contains(id)).ToHashSet();
        var accounts = round.Drafts.Select(d => d.Salesforce?.ParentId).OfType<SalesforceId>()
            .Where(id => known.Links.All(l => l.SalesforceId != id)).ToHashSet();
        if (newCustomers.Count == 0 && accounts.Count == 0)
        {
            return known;
        }

        var accountLinks = await links.FindAsync(EntityKind.Account, accounts, newCustomers, cancellationToken).ConfigureAwait(false);
        var customers = newCustomers.Count == 0 ? [] : await ReadAppAsync(EntityKind.Account, AppReadRequest.ByIds(newCustomers.ToArray()) with { IncludeDeleted = true }, cancellationToken).ConfigureAwait(false);
        var records = new Dictionary<AppId, AppRecord>(known.Records);
        var deleted = new Dictionary<AppId, long>(known.Deleted);
        foreach (var customer in customers)
        {
            if (customer.Deleted)
            {
                deleted[customer.Id] = customer.Version;
            }
            else
            {
                records[customer.Id] = customer;
            }
        }

        return new CustomerLookup(records, deleted, [.. known.Links, .. accountLinks], known.Asked.Union(newCustomers).ToHashSet());
    }

    private async Task<IReadOnlyList<AppRecord>> ReadContactsOfUnlinkedCustomersAsync(Round round, CancellationToken cancellationToken)
    {
        var customers = round.Drafts.Where(d => round.MayBeNewPair(d) && d.App is { Deleted: false }).Select(d => d.App!.Id).ToArray();
        return customers.Length == 0 ? [] : await ReadAppAsync(EntityKind.Contact, new AppReadRequest([], [], [], []) { CustomerIds = customers }, cancellationToken).ConfigureAwait(false);
    }

    // ---- Salesforce ----

    private async Task<SalesforceReadResult> ReadSalesforceAsync(Round round, CustomerLookup? customers, CancellationToken cancellationToken)
    {
        var entity = round.Entity;
        var matchField = round.Map.MatchField;
        var unlinkedApp = round.Drafts.Where(d => d.SeeksSalesforce).ToList();
        var ids = round.Drafts.Select(d => d.SalesforceId).OfType<SalesforceId>().Distinct().ToArray();
        var matchValues = matchField is null ? [] : unlinkedApp.SelectMany(d => d.MatchValues(matchField)).OfType<string>()
            .Where(v => !FieldValue.IsBlank(v)).Select(v => v.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var namesForAccounts = entity == EntityKind.Account && (options.AccountMatching == AccountMatching.ExactName || unlinkedApp.Any(d => d.IsMarker));

        // The company-name rule needs the accounts named like the companies of contacts about to be created in Salesforce.
        var fragments = entity == EntityKind.Contact && customers is not null
            ? unlinkedApp.Select(d => ContactCompany.NameFor(
                    d.App!,
                    d.App!.ParentId is { } c ? customers.Records.GetValueOrDefault(c) : null,
                    d.App!.ParentId is { } p && customers.Links.Any(l => l.AppId == p && l.State == LinkState.Active),
                    CustomerNameField))
                .OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray()
            : [];

        // An account not linked yet brings its contacts: they come back with a re-created customer and follow a new link.
        var withChildren = entity == EntityKind.Account
            ? round.Drafts.Where(d => d.SalesforceId is not null && (round.MayBeNewPair(d) || d.App is null or { Deleted: true })).Select(d => d.SalesforceId!.Value).Distinct().ToArray()
            : [];
        // Our own pending create of a contact without an e-mail can only be found again by its name.
        var lastNames = entity == EntityKind.Contact && round.Map.Fields.FirstOrDefault(f => f.IsPersonName) is { } name
            ? unlinkedApp.Where(d => d.IsMarker && d.MatchValues(matchField!).All(FieldValue.IsBlank))
                .SelectMany(d => d.MatchValues(name)).Select(n => PersonName.Split(n).LastName).OfType<string>()
                .Distinct(StringComparer.OrdinalIgnoreCase).ToArray()
            : [];
        // A pending create not yet tied to a Salesforce id may have made a record no value leads to any more.
        var earliestMarker = unlinkedApp.Where(d => d.Link is { State: LinkState.PendingCreateInSalesforce, SalesforceId: null }).Select(d => (DateTimeOffset?)d.Link!.StateSince).Min();
        var request = new SalesforceReadRequest(
            entity == EntityKind.Account ? ids : [],
            entity == EntityKind.Contact ? ids : [],
            entity == EntityKind.Contact ? matchValues : [],
            namesForAccounts ? matchValues : [],
            fragments,
            withChildren)
        {
            ContactLastNames = lastNames,
            OwnCreates = earliestMarker is { } since ? new OwnCreatesQuery(entity, OrgTime(since) - LowerTolerance) : null,
        };
        return request.IsEmpty ? SalesforceReadResult.Empty : await salesforce.ReadAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // ---- Matching ----

    /// <summary>
    /// Pairs the records nothing links yet, in passes: Salesforce records looking for an app record (the rules, or our
    /// own lost create found by e-mail, name or External ID); app records looking for a Salesforce record (the rules,
    /// or the record our pending create made, found by the values it created); by elimination, the one record left
    /// that the integration user created since the one marker left; and last, an unlinked record the integration user
    /// created recently waits instead of being copied, since it is most likely a lost create whose retry will claim it.
    /// </summary>
    private async Task MatchAsync(Round round, SalesforceReadResult read, CancellationToken cancellationToken)
    {
        var entity = round.Entity;
        var matchField = round.Map.MatchField;
        if (matchField is null)
        {
            return;
        }

        var sameEntity = entity == EntityKind.Account ? read.Accounts : read.Contacts;

        // A Salesforce record of this batch is a candidate only while nothing pairs it yet; pairing absorbs its draft.
        var paired = round.Drafts.Where(d => d.App is not null || d.Link is not null || d.Anomaly != Anomaly.None).Select(d => d.SalesforceId).OfType<SalesforceId>().ToHashSet();
        var salesforceCandidates = sameEntity.Where(r => !r.IsDeleted && !paired.Contains(r.Id)).ToList();

        var salesforceOnly = round.Drafts.Where(d => d.App is null && d.Link is null && d.Salesforce is { IsDeleted: false } && d.Anomaly == Anomaly.None).ToList();
        var matchesByRule = entity == EntityKind.Contact || options.AccountMatching == AccountMatching.ExactName;
        var lookFor = salesforceOnly.Where(d => matchesByRule || d.Salesforce!.CreatedByIntegrationUser).ToList();
        var wanted = lookFor.Select(d => matchField.ReadSalesforce(d.Salesforce!.Fields)).OfType<string>().Where(v => !FieldValue.IsBlank(v))
            .Select(v => v.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var byExternalId = lookFor.Select(d => d.Salesforce!.ExternalAppId).OfType<AppId>().Distinct().ToArray();
        // By External ID tombstones too: the app record our create started from may have been deleted since (§5 then applies).
        var appCandidates = wanted.Length == 0 && byExternalId.Length == 0 ? [] : await ReadAppAsync(entity, (entity == EntityKind.Contact
            ? new AppReadRequest(byExternalId, [], wanted, [])
            : new AppReadRequest(byExternalId, [], [], wanted)) with { IncludeDeleted = byExternalId.Length > 0 }, cancellationToken).ConfigureAwait(false);
        var unlinkedApp = round.Drafts.Where(d => d.SeeksSalesforce).ToList();

        var owners = await FindLinksAsync(entity, salesforceCandidates.Select(r => r.Id).ToHashSet(), appCandidates.Select(r => r.Id).ToHashSet(), cancellationToken).ConfigureAwait(false);
        var claims = new Claims(owners);
        foreach (var draft in round.Drafts.Where(d => d.Link is null && owners.Any(l => (d.AppId is not null && l.AppId == d.AppId) || (d.SalesforceId is not null && l.SalesforceId == d.SalesforceId))))
        {
            // Another batch linked this very record after our link read: read it again rather than pair it with another.
            draft.Flag(Anomaly.Contended, null);
        }

        foreach (var draft in lookFor.Where(d => d.Anomaly == Anomaly.None))
        {
            MatchSalesforceRecord(round, draft, appCandidates, claims, matchesByRule, matchField);
        }

        foreach (var draft in unlinkedApp.Where(d => round.Drafts.Contains(d) && d.SalesforceId is null && d.Anomaly == Anomaly.None))
        {
            MatchAppRecord(round, draft, salesforceCandidates, claims, matchesByRule, matchField);
        }

        var deletedOwnCreates = sameEntity.Where(r => r.IsDeleted && r.CreatedByIntegrationUser && r.ExternalAppId is null).ToList();
        await PairWithPendingCreatesAsync(round, salesforceCandidates, deletedOwnCreates, claims, matchField, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A record the integration user made that no value leads to (a person changed every value that could identify it,
    /// on both sides) may still be one of our creates whose answer was lost. The store's pending creates decide: if
    /// none could have made it, it is a record of its own; if one could (or one created its values), it is that create's
    /// — paired here if either is in this batch, else left to that create's own retry; if several could, it waits.
    /// </summary>
    /// <remarks>A create whose record a person has deleted since (it is in the recycle bin, found by the values it created)
    /// is accounted for: it made that record, not this one (seed 96922: of three lost creates, one record renamed, one
    /// deleted; the renamed one is the last create's by elimination).</remarks>
    private async Task PairWithPendingCreatesAsync(Round round, List<SalesforceRecord> salesforceCandidates, List<SalesforceRecord> deletedOwnCreates, Claims claims, FieldMap matchField, CancellationToken cancellationToken)
    {
        var inBatch = round.Drafts.Where(d => d.App is null && d.Link is null && d.Salesforce is not null && d.Anomaly == Anomaly.None)
            .ToDictionary(d => d.Salesforce!.Id);
        var orphans = salesforceCandidates.Concat(inBatch.Values.Select(d => d.Salesforce!)).DistinctBy(r => r.Id)
            .Where(r => !r.IsDeleted && r.CreatedByIntegrationUser && r.ExternalAppId is null && !claims.Salesforce.Contains(r.Id))
            .OrderBy(r => r.CreatedDate).ToList();
        if (orphans.Count == 0)
        {
            return;
        }

        var pending = await links.PendingCreatesAsync(round.Entity, cancellationToken).ConfigureAwait(false);
        var markers = pending.Where(m => m is { State: LinkState.PendingCreateInSalesforce, SalesforceId: null } && !claims.App.Contains(m.AppId!.Value)).ToList();
        markers.RemoveAll(m => deletedOwnCreates.Count(r => IsOurs(r, m) && CreatedBy(r, m, round.Map, matchField)) == 1);

        // Creates whose record is known, but whose earlier attempts may have made one more that was never found: such a
        // record is not "the one left" for another create, so their windows block elimination (never a pairing).
        var unaccounted = pending.Where(l => l.SalesforceId is not null && l.Unaccounted is not null).Select(l => l.Unaccounted!).ToList();
        // A marker of this batch that the store no longer holds as this round read it: another round took that create up
        // since (leased it, found its record, or deleted both). What this round read of the records it could have made is
        // stale, so they are read again with it, never copied as records of their own (seed 219266: a round re-created in
        // the app the lost create another round was deleting, §5, and that copy was then deleted too).
        var moved = round.Drafts.Where(d => d is { SalesforceId: null, Link: { State: LinkState.PendingCreateInSalesforce, SalesforceId: null } }
            && !pending.Any(m => m.AppId == d.AppId && m.ETag == d.Link!.ETag)).ToList();
        var unreadSources = markers.Where(m => round.Drafts.All(d => d.AppId != m.AppId)).Select(m => m.AppId!.Value).ToArray();
        var sources = unreadSources.Length == 0 || inBatch.Count == 0 ? [] : await ReadAppAsync(round.Entity, new AppReadRequest(unreadSources, [], [], []) { IncludeDeleted = true }, cancellationToken).ConfigureAwait(false);
        foreach (var record in orphans)
        {
            var orphanDraft = inBatch.GetValueOrDefault(record.Id);
            if (moved.Where(d => IsOurs(record, d.Link!)).ToList() is { Count: > 0 } stale)
            {
                orphanDraft?.Flag(Anomaly.Contended, null);
                stale.Where(d => d.Anomaly == Anomaly.None).ToList().ForEach(d => d.Flag(Anomaly.Contended, null));
                continue;
            }

            var possible = markers.Where(m => IsOurs(record, m) && !claims.App.Contains(m.AppId!.Value)).ToList();
            var created = possible.Where(m => CreatedBy(record, m, round.Map, matchField)).ToList();
            var eliminated = possible.Count == 1 && !unaccounted.Any(w => MayHaveMade(record, w));
            var marker = created.Count == 1 ? created[0] : eliminated ? possible[0] : null;
            if (marker is null)
            {
                if (possible.Count > 0)
                {
                    orphanDraft?.Flag(Anomaly.Contended, null); // several creates could have made it: their retries decide
                }

                continue;
            }

            claims.Take(marker.AppId!.Value, record.Id);
            if (round.Drafts.FirstOrDefault(d => d.AppId == marker.AppId && d.Link?.ETag == marker.ETag && d.SalesforceId is null) is { } markerDraft)
            {
                round.PairSalesforce(markerDraft, record, Pairing.Recognised, 0);
            }
            else if (orphanDraft is not null && sources.FirstOrDefault(a => a.Id == marker.AppId) is { } source)
            {
                round.PairApp(orphanDraft, source, marker, Pairing.Recognised, 0);
            }
        }
    }

    private void MatchSalesforceRecord(Round round, Draft draft, IReadOnlyList<AppRecord> candidates, Claims claims, bool matchesByRule, FieldMap matchField)
    {
        var record = draft.Salesforce!;
        var hits = candidates
            .Where(c => (!c.Deleted || c.Id == record.ExternalAppId) && !claims.App.Contains(c.Id))
            .Where(c => c.Id == record.ExternalAppId || MatchKey.Name(c.Field(matchField.AppField)) is { } key && key == MatchKey.Name(matchField.ReadSalesforce(record.Fields)))
            .OrderBy(c => c.Id == record.ExternalAppId ? 0 : 1).ThenBy(c => c.CreatedAt)
            .ToList();
        foreach (var hit in hits)
        {
            var owner = claims.OwnerOf(hit.Id);
            if (owner is { State: LinkState.PendingCreateInSalesforce } marker && (marker.SalesforceId is null || marker.SalesforceId == record.Id)
                && (record.ExternalAppId == hit.Id || IsOurs(record, marker)))
            {
                claims.Take(hit.Id, record.Id);
                round.PairApp(draft, hit, marker, Pairing.Recognised, 0);
                return;
            }

            if (hit.Deleted)
            {
                continue; // a deleted app record pairs only as the source of our own pending create
            }

            if (!matchesByRule)
            {
                continue; // LeaveDuplicates: only our own create may pair an account
            }

            if (hit.SyncDisabled && round.Entity == EntityKind.Contact)
            {
                draft.Flag(Anomaly.MatchesDisabled, null);
                return;
            }

            if (owner is { State: LinkState.PendingCreateInSalesforce or LinkState.PendingCreateInApp })
            {
                draft.Flag(Anomaly.Contended, null); // another batch is creating this app record's counterpart right now
                return;
            }

            if (owner is not null || hit.SalesforceId is not null || hit.SyncDisabled)
            {
                if (round.Entity == EntityKind.Contact && owner is { State: LinkState.Active })
                {
                    draft.Flag(Anomaly.DuplicateOfLinked, $"DuplicateEmail: app contact {hit.Id.Value} is linked to Salesforce contact {owner.SalesforceId?.Value}.");
                    return;
                }

                continue;
            }

            claims.Take(hit.Id, record.Id);
            round.PairApp(draft, hit, null, Pairing.Matched, hits.Count(h => h.Id != hit.Id && !h.SyncDisabled));
            return;
        }
    }

    private void MatchAppRecord(Round round, Draft draft, IReadOnlyList<SalesforceRecord> salesforceCandidates, Claims claims, bool matchesByRule, FieldMap matchField)
    {
        var marker = draft.IsMarker && draft.Link!.State == LinkState.PendingCreateInSalesforce ? draft.Link : null;
        if (marker is null && !matchesByRule)
        {
            return;
        }

        var free = salesforceCandidates.Where(r => !claims.Salesforce.Contains(r.Id) || (marker is null && claims.PendingInApp.Contains(r.Id))).ToList();
        Match<SalesforceRecord>? match;
        if (marker is null)
        {
            var candidates = free.Select(r => new Candidate<SalesforceRecord>(r, matchField.ReadSalesforce(r.Fields), r.CreatedDate));
            match = ExactMatcher.Pick(candidates, draft.App!.Field(matchField.AppField));
        }
        else
        {
            // Our own create: the record carrying its app id, else the one matching the values it created (or the app's
            // values now), else — a contact without an e-mail — the one of that name; always one the integration user made since.
            // A record whose External ID names another app record is that record's create, never this one's.
            var ours = free.Where(r => IsOurs(r, marker) && (r.ExternalAppId is null || r.ExternalAppId == draft.AppId)).ToList();
            var candidates = ours.Select(r => new Candidate<SalesforceRecord>(r, matchField.ReadSalesforce(r.Fields), r.CreatedDate)).ToList();
            match = ours.FirstOrDefault(r => r.ExternalAppId == draft.AppId) is { } upserted
                ? new Match<SalesforceRecord>(upserted, 0)
                : draft.MatchValues(matchField).Select(v => ExactMatcher.Pick(candidates, v)).FirstOrDefault(m => m is not null);
            if (match is null && draft.MatchValues(matchField).All(FieldValue.IsBlank) && round.Map.Fields.FirstOrDefault(f => f.IsPersonName) is { } name)
            {
                var byName = ours.Select(r => new Candidate<SalesforceRecord>(r, name.ReadSalesforce(r.Fields), r.CreatedDate)).ToList();
                match = draft.MatchValues(name).Select(v => ExactMatcher.Pick(byName, v)).FirstOrDefault(m => m is not null);
            }
        }

        if (match is not null && claims.PendingInApp.Contains(match.Record.Id))
        {
            draft.Flag(Anomaly.Contended, null); // that Salesforce record's app counterpart is being created right now
        }
        else if (match is not null)
        {
            claims.Take(draft.App!.Id, match.Record.Id);
            round.PairSalesforce(draft, match.Record, marker is null ? Pairing.Matched : Pairing.Recognised, match.Duplicates);
        }
    }

    /// <summary>Which candidates are taken: linked, or being created by another batch, or paired in this round.</summary>
    private sealed class Claims(IReadOnlyList<Link> owners)
    {
        public HashSet<AppId> App { get; } = [];

        public HashSet<SalesforceId> Salesforce { get; } = owners.Where(l => l.SalesforceId is not null).Select(l => l.SalesforceId!.Value).ToHashSet();

        public HashSet<SalesforceId> PendingInApp { get; } = owners.Where(l => l.SalesforceId is not null && l.State == LinkState.PendingCreateInApp).Select(l => l.SalesforceId!.Value).ToHashSet();

        public Link? OwnerOf(AppId id) => owners.FirstOrDefault(l => l.AppId == id && l.State != LinkState.DeletedInApp);

        /// <summary>Both records of a pairing made in this round are taken for every later pass.</summary>
        public void Take(AppId app, SalesforceId salesforce)
        {
            App.Add(app);
            Salesforce.Add(salesforce);
        }
    }

    /// <summary>
    /// The record holds the match value the marker's create wrote. A blank match value alone identifies nothing (every
    /// contact created without an e-mail "created" it): then the created name must be the record's too.
    /// </summary>
    private static bool CreatedBy(SalesforceRecord record, Link marker, EntityMap map, FieldMap matchField)
    {
        var blank = FieldValue.IsBlank(matchField.ReadSalesforce(record.Fields));
        var key = blank ? map.Fields.FirstOrDefault(f => f.IsPersonName) : matchField;
        return key is not null && marker.Base is { } values && (!blank || FieldValue.IsBlank(values.GetValueOrDefault(matchField.AppField)))
            && FieldValue.AreEqual(values.GetValueOrDefault(key.AppField), key.ReadSalesforce(record.Fields), key.Comparison);
    }

    /// <summary>A Salesforce record our pending create may have made: created by the integration user, not before the marker.</summary>
    private bool IsOurs(SalesforceRecord record, Link marker) =>
        record.CreatedByIntegrationUser && record.CreatedDate >= OrgTime(marker.StateSince) - LowerTolerance;

    /// <summary>A Salesforce record an unaccounted earlier attempt of a create may have made. The window's end keeps the
    /// wide tolerance: an offset learnt from a slow answer may be early by that answer's latency, and a wider window only
    /// refuses more eliminations.</summary>
    private bool MayHaveMade(SalesforceRecord record, UnaccountedCreate window) =>
        record.CreatedByIntegrationUser && record.CreatedDate >= OrgTime(window.From) - LowerTolerance && record.CreatedDate <= OrgTime(window.To) + MarkerClockTolerance;

    /// <summary>Our time as the org's clock shows it, as far as its answers tell (unchanged while they have not).</summary>
    private DateTimeOffset OrgTime(DateTimeOffset ours) => ours + (salesforce.ClockOffset ?? TimeSpan.Zero);

    private TimeSpan LowerTolerance => salesforce.ClockOffset is null ? MarkerClockTolerance : KnownClockTolerance;

    // ---- Helpers ----

    private async Task<IReadOnlyList<Link>> FindLinksAsync(EntityKind entity, HashSet<SalesforceId> salesforceIds, HashSet<AppId> appIds, CancellationToken cancellationToken) =>
        salesforceIds.Count == 0 && appIds.Count == 0 ? [] : await links.FindAsync(entity, salesforceIds, appIds, cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyList<AppRecord>> ReadAppAsync(EntityKind entity, AppReadRequest request, CancellationToken cancellationToken) =>
        request.IsEmpty ? [] : await app.ReadAsync(entity, request, cancellationToken).ConfigureAwait(false);

    private static HashSet<SalesforceId> SalesforceIds(IEnumerable<RecordKey> keys) => keys.Select(k => k.SalesforceId).OfType<SalesforceId>().ToHashSet();

    private static HashSet<AppId> AppIds(IEnumerable<RecordKey> keys) => keys.Select(k => k.AppId).OfType<AppId>().ToHashSet();

    /// <param name="Asked">The customer ids read so far (found or not), so a customer is read once per round.</param>
    private sealed record CustomerLookup(IReadOnlyDictionary<AppId, AppRecord> Records, IReadOnlyDictionary<AppId, long> Deleted, IReadOnlyList<Link> Links, IReadOnlySet<AppId> Asked);

    /// <summary>A view while the loader is still assembling it; private to the loader, frozen by <see cref="Round.Views"/>.</summary>
    private sealed class Draft
    {
        public List<RecordKey> Keys { get; } = [];

        public Link? Link { get; set; }

        public SalesforceId? SalesforceId { get; set; }

        public AppId? AppId { get; set; }

        public SalesforceRecord? Salesforce { get; set; }

        public AppRecord? App { get; set; }

        public Pairing Pairing { get; set; }

        public int Duplicates { get; set; }

        public Anomaly Anomaly { get; private set; }

        public string? Detail { get; private set; }

        public bool IsMarker => Link?.State is LinkState.PendingCreateInSalesforce or LinkState.PendingCreateInApp;

        /// <summary>The value matching looks for: the app record's, and for our own pending create also the value it
        /// created, which a person may have changed in the app since.</summary>
        public IEnumerable<string?> MatchValues(FieldMap field)
        {
            yield return App?.Field(field.AppField);
            if (Link is { State: LinkState.PendingCreateInSalesforce, Base: { } created } && created.TryGetValue(field.AppField, out var value)
                && !FieldValue.AreEqual(value, App?.Field(field.AppField), field.Comparison))
            {
                yield return value;
            }
        }

        /// <summary>An app record without a Salesforce id that matching may pair: a live one, or the source of our own
        /// pending create even if deleted since (the record that create made must then follow the deletion rules).</summary>
        public bool SeeksSalesforce => SalesforceId is null && App is not null && Anomaly == Anomaly.None
            && (Link?.State == LinkState.PendingCreateInSalesforce || App is { Deleted: false, SyncDisabled: false });

        /// <summary>Not (yet) an active, synced link: a link may be about to be made for it (a claimed pairing whose round
        /// died before storing its base counts as not linked yet).</summary>
        public bool NotLinkedYet => Link is not { State: LinkState.Active, LastSyncedAt: not null, Base: not null };

        public void Flag(Anomaly anomaly, string? detail)
        {
            Anomaly = anomaly;
            Detail = detail;
        }

        public RecordView Freeze(bool linkedInThisBatch) => new([.. Keys], Link, SalesforceId, AppId, Salesforce, App, Pairing, Duplicates, Anomaly, Detail)
        {
            LinkedInThisBatch = linkedInThisBatch,
        };
    }

    /// <summary>The drafts of one round, with the moves that pair them; two drafts that turn out to be one record become one.</summary>
    private sealed class Round(EntityKind entity, EntityMap map, DateTimeOffset? batchBegan)
    {
        public EntityKind Entity { get; } = entity;

        public EntityMap Map { get; } = map;

        public List<Draft> Drafts { get; } = [];

        public void Group(List<RecordKey> keys, IReadOnlyList<Link> known)
        {
            var byLink = new Dictionary<Link, Draft>(ReferenceEqualityComparer.Instance);
            foreach (var key in keys)
            {
                var link = known.FirstOrDefault(l => key.SalesforceId is not null && l.SalesforceId == key.SalesforceId)
                    ?? known.FirstOrDefault(l => key.AppId is not null && l.AppId == key.AppId);
                if (link is not null && byLink.TryGetValue(link, out var existing))
                {
                    existing.Keys.Add(key); // both sides of one linked record changed: reconcile it once
                    continue;
                }

                var draft = new Draft
                {
                    Link = link,
                    SalesforceId = link is null ? key.SalesforceId : link.SalesforceId,
                    AppId = link is null ? key.AppId : link.AppId,
                    Pairing = link is null ? Pairing.None : Pairing.Linked,
                };
                draft.Keys.Add(key);
                Drafts.Add(draft);
                if (link is not null)
                {
                    byLink[link] = draft;
                }
            }
        }

        public void AttachSalesforce(IReadOnlyList<SalesforceRecord> records)
        {
            foreach (var draft in Drafts.Where(d => d.SalesforceId is not null))
            {
                draft.Salesforce = records.FirstOrDefault(r => r.Id == draft.SalesforceId);
            }

            // A marker whose new record's id is known (written in, or claimed by a round that did not finish): the record its
            // create made, whatever became of its source since.
            foreach (var draft in Drafts.Where(d => d.Pairing == Pairing.Linked && d.Link!.State switch
            {
                LinkState.PendingCreateInSalesforce => d.Salesforce is not null,
                LinkState.PendingCreateInApp => d.App is not null,
                _ => false,
            }))
            {
                draft.Pairing = Pairing.Recognised;
            }
        }

        /// <summary>The app record carrying this draft's Salesforce id.</summary>
        public void Pair(Draft draft, AppRecord record, Pairing pairing)
        {
            Absorb(draft, d => d != draft && d.AppId == record.Id);
            draft.App = record;
            draft.AppId = record.Id;
            draft.Pairing = pairing;
        }

        /// <summary>This draft's app record carries <paramref name="salesforceId"/>, owned by <paramref name="owner"/> if any.</summary>
        public void Adopt(Draft draft, SalesforceId salesforceId, Link? owner, Pairing pairing)
        {
            Absorb(draft, d => d != draft && (d.SalesforceId == salesforceId || (owner is not null && d.Link == owner)));
            draft.SalesforceId = salesforceId;
            draft.Link = owner;
            draft.Pairing = pairing;
        }

        public void PairApp(Draft draft, AppRecord record, Link? marker, Pairing pairing, int duplicates)
        {
            Absorb(draft, d => d != draft && (d.AppId == record.Id || (marker is not null && d.Link == marker)));
            draft.App = record;
            draft.AppId = record.Id;
            draft.Link = marker;
            draft.Pairing = pairing;
            draft.Duplicates = duplicates;
        }

        public void PairSalesforce(Draft draft, SalesforceRecord record, Pairing pairing, int duplicates)
        {
            Absorb(draft, d => d != draft && d.SalesforceId == record.Id);
            draft.Salesforce = record;
            draft.SalesforceId = record.Id;
            draft.Pairing = pairing;
            draft.Duplicates = duplicates;
        }

        public List<RecordView> Views() => Drafts.Select(d => d.Freeze(LinkedInThisBatch(d))).ToList();

        /// <summary>A pair this round may be the first to see linked: so it reads what follows a new pair (an account's
        /// contacts on both sides).</summary>
        public bool MayBeNewPair(Draft draft) => draft.NotLinkedYet || LinkedInThisBatch(draft);

        /// <summary>Linked (or its link rewritten) since the batch was planned: perhaps by an earlier delivery of it that
        /// died after storing the link and before filing the follow-ups of the new pair (seed 101843).</summary>
        private bool LinkedInThisBatch(Draft draft) => batchBegan is { } began && draft.Link is { State: LinkState.Active } link && link.StateSince >= began;

        private void Absorb(Draft into, Func<Draft, bool> same)
        {
            foreach (var other in Drafts.Where(same).ToList())
            {
                if (other.App is not null && other.Salesforce is not null)
                {
                    continue; // already a pair of its own: its claim decides which of the two pairings stands
                }

                into.Keys.AddRange(other.Keys);
                Drafts.Remove(other);
            }
        }
    }
}
