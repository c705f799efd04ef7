using Microsoft.Extensions.Logging;
using SfSync.App;
using SfSync.Linking;
using SfSync.Mapping;
using SfSync.Merge;
using SfSync.Model;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>
/// The reading half of a reconcile round: the keys' links, the app records (by id and by the Salesforce id they carry),
/// one Salesforce read for the records and every lookup matching needs, the contacts' customers and their links, and
/// the matching of unlinked records (e-mail, exact name, pending-create markers).
/// </summary>
internal sealed class RecordLoader(ISalesforceRecords salesforce, IAppRecords app, ILinkStore links, SyncOptions options, ILogger logger)
{
    /// <summary>How far before a pending-create marker a Salesforce record may have been created and still be ours:
    /// the two clocks are not the same clock.</summary>
    private static readonly TimeSpan MarkerClockTolerance = TimeSpan.FromMinutes(10);

    public async Task<List<RecordPair>> LoadAsync(BatchContext context, List<RecordKey> keys, CancellationToken cancellationToken)
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
        var matchByName = entity == EntityKind.Account && (options.AccountMatching == AccountMatching.ExactName
            || appOnly.Any(p => p.Link?.State == LinkState.PendingCreateInSalesforce));
        var request = new SalesforceReadRequest(
            entity == EntityKind.Account ? pairs.Where(p => p.SalesforceId is not null).Select(p => p.SalesforceId!.Value).Distinct().ToArray() : [],
            entity == EntityKind.Contact ? pairs.Where(p => p.SalesforceId is not null).Select(p => p.SalesforceId!.Value).Distinct().ToArray() : [],
            entity == EntityKind.Contact && matchField is not null ? Values(appOnly, matchField) : [],
            matchByName && matchField is not null ? Values(appOnly, matchField) : [],
            context.CustomersById.Values.Where(c => !c.SyncDisabled && !context.AccountLinksByApp.ContainsKey(c.Id))
                .Select(c => c.Field(context.CustomerNameField)).OfType<string>().Where(n => !FieldValue.IsBlank(n)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
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
        var matchSalesforceToApp = entity == EntityKind.Contact || options.AccountMatching == AccountMatching.ExactName;
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
            if (entity == EntityKind.Account && marker is null && options.AccountMatching != AccountMatching.ExactName)
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

    private async Task<IReadOnlyList<AppRecord>> ReadAppAsync(EntityKind entity, AppReadRequest request, CancellationToken cancellationToken) =>
        request.IsEmpty ? [] : await app.ReadAsync(entity, request, cancellationToken).ConfigureAwait(false);

    private static string[] Values(IEnumerable<RecordPair> pairs, FieldMap field) => pairs
        .Select(p => p.App!.Field(field.AppField))
        .OfType<string>()
        .Where(v => !FieldValue.IsBlank(v))
        .Select(v => v.Trim())
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .ToArray();
}
