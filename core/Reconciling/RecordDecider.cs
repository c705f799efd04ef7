using SfSync.App;
using SfSync.Deletion;
using SfSync.Linking;
using SfSync.Mapping;
using SfSync.Merge;
using SfSync.Model;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>
/// The deciding half of a reconcile round, record by record: the deletion policy, creation on the side that lacks the
/// record, the field-by-field merge and the contact's account. It only plans writes; <see cref="BatchWriter"/> does them.
/// </summary>
internal sealed class RecordDecider(SyncOptions options, DeletionOptions deletions, TimeProvider time)
{
    public void Decide(BatchContext context, RecordPair pair)
    {
        var link = pair.Link;
        var policy = deletions.For(context.Entity);
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
        && deletions.Account.WhenDeletedInApp == DeletionAction.Keep;

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
        var merge = RecordMerge.Of(context.Map, pair.Salesforce!.Fields, BatchContext.EmptyFields, null);
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
        var merge = RecordMerge.Of(context.Map, BatchContext.EmptyFields, pair.App!.Fields, null);
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
        else if (!string.IsNullOrWhiteSpace(options.DefaultAccountOwnerId))
        {
            fields["OwnerId"] = options.DefaultAccountOwnerId;
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
    private static AppId? MergeParent(BatchContext context, RecordPair pair, IReadOnlyDictionary<string, string?>? baseValues, Dictionary<string, string?> salesforceWrites, Dictionary<string, string?> newBase)
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
        var hasBase = baseValues is not null && baseValues.TryGetValue(Reconciler.ParentBaseKey, out baseValue);
        if (appUnresolved)
        {
            if (hasBase)
            {
                newBase[Reconciler.ParentBaseKey] = baseValue;
            }
            else
            {
                newBase.Remove(Reconciler.ParentBaseKey);
            }

            return null;
        }

        var decision = FieldMerge.Decide(salesforceParent?.Value, appParent?.Value, baseValue, hasBase, FieldComparison.Text);
        newBase[Reconciler.ParentBaseKey] = decision.Value;
        if (decision.WritesSalesforce)
        {
            salesforceWrites[Reconciler.ParentBaseKey] = decision.Value;
        }

        if (decision.WritesApp && SalesforceId.TryParse(decision.Value, out var account))
        {
            if (context.AccountLinksBySalesforce.TryGetValue(account, out var link) && link.State == LinkState.Active && link.AppId is { } customer)
            {
                return customer;
            }

            // The account has no customer yet (its own batch may be running): try again later.
            newBase[Reconciler.ParentBaseKey] = hasBase ? baseValue : null;
            pair.NeedsFollowUp = true;
        }

        return null;
    }

    private static Match<SalesforceRecord>? ByCompanyName(BatchContext context, AppId customerId)
    {
        if (!context.CustomersById.TryGetValue(customerId, out var customer) || customer.SyncDisabled)
        {
            return null;
        }

        var accounts = context.SalesforceAccounts.Where(a => !a.IsDeleted)
            .Select(a => new Candidate<SalesforceRecord>(a, a.Field("Name"), a.CreatedDate))
            .ToList();
        return CompanyNameMatcher.Pick(accounts, customer.Field(context.CustomerNameField));
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
}
