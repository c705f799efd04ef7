using SfSync.App;
using SfSync.Deletion;
using SfSync.Mapping;
using SfSync.Merge;
using SfSync.Model;
using SfSync.State;

namespace SfSync.Reconciling;

/// <summary>
/// What to do with one record, decided from the round's snapshot alone: its <see cref="RecordCase"/>, the writes on
/// each side, the link to claim before writing either side and the link to store afterwards, and the outcome each
/// side gets if the writes succeed. A failed or refused write changes the round's report, never a decision.
/// </summary>
internal sealed record RecordDecision
{
    private static readonly IReadOnlyDictionary<string, string?> NoFields = new Dictionary<string, string?>();

    public required RecordView View { get; init; }

    public required RecordCase Case { get; init; }

    public SalesforceAction SalesforceAction { get; init; }

    /// <summary>Salesforce API name → value for a create or update (AccountId and OwnerId included).</summary>
    public IReadOnlyDictionary<string, string?> SalesforceFields { get; init; } = NoFields;

    public AppAction AppAction { get; init; }

    /// <summary>The app write for <see cref="AppAction.Create"/>, <see cref="AppAction.Update"/> and
    /// <see cref="AppAction.StampSalesforceId"/> (whose Salesforce id the writer fills in).</summary>
    public AppUpsert? AppUpsert { get; init; }

    /// <summary>Stored before either side is written (a pending-create marker, or the link of a new pairing): a refused
    /// claim means another batch got there first, and the record is read again instead of written.</summary>
    public Link? Claim { get; init; }

    /// <summary>Stored once the writes succeeded; the writer fills in ids and versions only the writes produce.</summary>
    public Link? After { get; init; }

    /// <summary>Stored instead of <see cref="After"/> when Salesforce was written but the app write failed or met a
    /// newer version: Salesforce now holds the agreed values, the app only those it already had, so the fields meant for
    /// the app keep their old base. Without it the next round would take our own Salesforce write for a person's edit.</summary>
    public Link? AfterSalesforceOnly { get; init; }

    public bool RemoveLink { get; init; }

    public SideOutcome Salesforce { get; init; } = SideOutcome.Unchanged;

    public SideOutcome App { get; init; } = SideOutcome.Unchanged;

    public IReadOnlyList<FieldConflict> Conflicts { get; init; } = [];

    public int BlanksFilled { get; init; }

    public string? Warning { get; init; }

    /// <summary>Keys to reconcile again later: a contact waiting for its parent, the contacts of a re-created or newly linked account.</summary>
    public IReadOnlyList<FollowUp> FollowUps { get; init; } = [];

    public static RecordDecision For(RecordView view, ReconcileSnapshot snapshot, DecisionPolicy policy) =>
        new Rules(view, snapshot, policy).Decide();

    /// <summary>The decision function, with the snapshot at hand. Pure: no I/O, no clock (the snapshot's read time stamps links).</summary>
    private sealed class Rules(RecordView view, ReconcileSnapshot snapshot, DecisionPolicy policy)
    {
        private RecordView View { get; } = view;

        private ReconcileSnapshot Snapshot { get; } = snapshot;

        private DecisionPolicy Policy { get; } = policy;

        private EntityKind Entity => Snapshot.Entity;

        private EntityMap Map => Snapshot.Map;

        public RecordDecision Decide()
        {
            var view = View;
            if (view.App is { Deleted: false, SyncDisabled: true })
            {
                return Skipped(RecordCase.SyncDisabled, SyncErrorCode.SyncDisabled, "The app record is flagged sync_disabled.");
            }

            if (OutOfScopeReason() is { } outOfScope)
            {
                return OutOfScope(outOfScope);
            }

            switch (view.Anomaly)
            {
                case Anomaly.AmbiguousSalesforceId:
                    var ambiguous = Skipped(RecordCase.AmbiguousSalesforceId, SyncErrorCode.AmbiguousLink, view.Detail ?? "Another app record carries the same Salesforce id.");
                    return ambiguous with { App = SideOutcome.Failed(SyncErrorCode.AmbiguousLink, ambiguous.App.Reason!) };
                case Anomaly.MatchesDisabled:
                    return Skipped(RecordCase.MatchesDisabled, SyncErrorCode.SyncDisabled, "The app contact with this e-mail is flagged sync_disabled.");
                case Anomaly.Contended:
                    return Nothing(RecordCase.Contended);
                case Anomaly.DuplicateOfLinked:
                    return Skipped(RecordCase.DuplicateOfLinked, SyncErrorCode.DuplicateEmail, view.Detail ?? "Another Salesforce contact with this e-mail is already linked to the app contact.");
            }

            var link = view.Link;
            switch (link?.State)
            {
                case LinkState.DeletedInApp when view.AppAlive:
                case LinkState.DeletedInSalesforce when view.SalesforceAlive:
                    // The deleted record is back (restored under its own id): in step again from the tombstone's base.
                    return view.SalesforceAlive && view.AppAlive ? Merge(link.Base) : Forget();
                case LinkState.DeletedInApp:
                    return !view.SalesforceAlive ? Forget()
                        : Snapshot.Full || view.Salesforce!.SystemModstamp > link.SalesforceStamp ? CreateInApp(RecordCase.RecreateInApp)
                        : Nothing(RecordCase.StayDeleted);
                case LinkState.DeletedInSalesforce:
                    return !view.AppAlive ? Forget()
                        : Snapshot.Full || view.App!.Version > link.AppVersion ? CreateInSalesforce(RecordCase.RecreateInSalesforce)
                        : Nothing(RecordCase.StayDeleted);
            }

            if (view.SalesforceAlive && view.AppAlive)
            {
                return Merge(EffectiveBase());
            }

            // A linked pair whose other record is a tombstone was a pair: that record existed and was deleted since, so the
            // deletion rules apply even if the pair was never synced (an import). Only a record that never existed (a typo in
            // an import, a purged record) drops the link instead.
            var linked = link is { State: LinkState.Active };
            if (view.SalesforceAlive)
            {
                if (!view.WasSynced && !(linked && view.App is { Deleted: true }))
                {
                    if (link is null && SameEmail.KeeperOf(view, Snapshot) is { } keeper)
                    {
                        var email = Linking.EmailMask.Of(Map.MatchField!.ReadSalesforce(view.Salesforce!.Fields)!);
                        var reason = $"DuplicateEmail: {email} is also on Salesforce contact {keeper.Id}, the one synced.";
                        return Policy.Duplicates == Linking.DuplicateHandling.Report
                            ? Skipped(RecordCase.DuplicateInSalesforce, SyncErrorCode.DuplicateEmail, reason + " This one is not copied into the app (Sync:Duplicates = Report).")
                            : CreateInApp(RecordCase.CreateInApp) with { Warning = reason + " Copied into the app as well (Sync:Duplicates = Copy)." };
                    }

                    return CreateInApp(RecordCase.CreateInApp);
                }

                if (AppDeletionAction() == DeletionAction.Propagate)
                {
                    return Delete(RecordCase.DeleteInSalesforce);
                }

                return Snapshot.Full || SalesforceChangedSinceSync() || KeptContactComesBack() ? CreateInApp(RecordCase.RecreateInApp) : Tombstone(RecordCase.KeepAfterAppDeletion);
            }

            if (view.AppAlive)
            {
                // Without a link, the app's own salesforce_id proves a former link only while Salesforce still holds
                // that record in its recycle bin.
                var wasInSalesforce = view.WasSynced || (link is null && view.Pairing == Pairing.Stamped && view.Salesforce is { IsDeleted: true })
                    || (linked && view.Salesforce is { IsDeleted: true });
                if (!wasInSalesforce)
                {
                    return CreateInSalesforce(RecordCase.CreateInSalesforce);
                }

                if (Policy.Deletion.WhenDeletedInSalesforce == DeletionAction.Propagate)
                {
                    return Delete(RecordCase.DeleteInApp);
                }

                return Snapshot.Full || AppChangedSinceSync() ? CreateInSalesforce(RecordCase.RecreateInSalesforce) : Tombstone(RecordCase.KeepAfterSalesforceDeletion);
            }

            return Forget();
        }

        // ---- Cases ----

        private RecordDecision Merge(IReadOnlyDictionary<string, string?>? baseValues)
        {
            var salesforce = View.Salesforce!;
            var app = View.App!;
            var merge = RecordMerge.Of(Map, salesforce.Fields, app.Fields, baseValues);
            var salesforceWrites = new Dictionary<string, string?>(merge.SalesforceWrites, StringComparer.Ordinal);
            var newBase = new Dictionary<string, string?>(merge.NewBase, StringComparer.Ordinal);
            var parent = Entity == EntityKind.Contact ? ParentDecision.For(salesforce, app, baseValues, Snapshot.Parents) : null;
            Apply(parent, salesforceWrites, newBase);

            var writesApp = merge.AppWrites.Count > 0 || parent?.AppCustomer is not null;
            var stamp = app.SalesforceId != salesforce.Id;
            var pairing = PairingClaim();
            var writes = salesforceWrites.Count > 0 || writesApp || stamp;
            var claim = pairing ?? (writes ? Leased(View.Link) : null);
            if (pairing is null && claim is not null && baseValues is not null && View.Link is { PendingBase: not null } dead && (baseValues.Count > 0 || dead.LastSyncedAt is null))
            {
                // The base this round decides from was corrected by a dead round's intent; that knowledge lives only as
                // long as the intent does, and this claim replaces the intent with its own. Should this round die before
                // its Salesforce write lands too, or be refused (a row lock: releasing the claim drops its intent), the
                // next one must still know which value was ours (issue 10 case 6; seed 167569, a matched pair whose
                // only base is that intent).
                claim = claim with { Base = baseValues };
            }

            var after = ActiveLink(salesforce.Id, app.Id, newBase, parent?.AppCustomer ?? app.ParentId, app.Version);
            if (claim is null && !writes && InStep(View.Link, after))
            {
                after = null; // nothing changed: a converged record costs no state write
            }

            var salesforceOnly = after is not null && salesforceWrites.Count > 0 && (writesApp || stamp)
                ? after with { Base = Unwritten(newBase, baseValues, merge.AppWrites.Keys, parent?.AppCustomer is not null), AppVersion = app.Version, ParentAppId = Entity == EntityKind.Contact ? app.ParentId : null }
                : null;
            if (claim is not null && salesforceWrites.Count > 0)
            {
                claim = claim with { PendingBase = (salesforceOnly ?? after)!.Base };
            }
            return new RecordDecision
            {
                View = View,
                Case = RecordCase.Merge,
                AfterSalesforceOnly = salesforceOnly,
                SalesforceAction = salesforceWrites.Count > 0 ? SalesforceAction.Update : SalesforceAction.None,
                SalesforceFields = salesforceWrites,
                AppAction = writesApp || stamp ? AppAction.Update : AppAction.None,
                AppUpsert = writesApp || stamp ? new AppUpsert(app.Id, merge.AppWrites, stamp ? salesforce.Id : null, parent?.AppCustomer, app.Version) : null,
                Claim = claim,
                After = after,
                Salesforce = salesforceWrites.Count > 0 ? SideOutcome.Updated : SideOutcome.Unchanged,
                App = writesApp ? SideOutcome.Updated : SideOutcome.Unchanged,
                Conflicts = merge.Conflicts,
                BlanksFilled = merge.BlanksFilled,
                Warning = DuplicateWarning() ?? parent?.Warning,
                FollowUps = MergeFollowUps(parent, salesforce.Id, app.Id, pairing is not null || View.NewPair),
            };
        }

        /// <summary>
        /// A contact waiting for its parent; the contacts whose link does not reflect a new account pair yet; and when this
        /// pair finishes our own create of a customer (the record it made, found after the round died), what that create
        /// would have brought: its account's contacts, fully — those kept in Salesforce when the customer was deleted
        /// come back with it (§5; seed 22593 of the fate soak: the re-creating round died after its app write, and its
        /// retry linked the customer but let the contacts stay deleted).
        /// </summary>
        private List<FollowUp> MergeFollowUps(ParentDecision? parent, SalesforceId account, AppId customer, bool paired)
        {
            var followUps = WaitingFor(parent, account, customer).ToList();
            var created = Entity == EntityKind.Account && View.Link is { State: LinkState.PendingCreateInApp, AppId: null }
                ? Snapshot.Parents.ContactsOfAccounts.Where(c => c.ParentId == account && !c.IsDeleted).Select(c => c.Id).ToHashSet()
                : [];
            followUps.AddRange(created.Select(id => new FollowUp(EntityKind.Contact, RecordKey.ForSalesforce(id), Full: true)));
            if (paired)
            {
                followUps.AddRange(ChildrenOf(account, customer).Where(f => f.Key.SalesforceId is not { } id || !created.Contains(id)));
            }

            return followUps;
        }

        private RecordDecision CreateInApp(RecordCase @case)
        {
            var salesforce = View.Salesforce!;
            var merge = RecordMerge.Of(Map, salesforce.Fields, NoFields, null);
            var newBase = new Dictionary<string, string?>(merge.NewBase, StringComparer.Ordinal);
            var parent = Entity == EntityKind.Contact ? ParentDecision.For(salesforce, null, null, Snapshot.Parents) : null;
            Apply(parent, null, newBase);
            var marker = Marker(LinkState.PendingCreateInApp, salesforce.Id, null, newBase, parent?.AppCustomer);
            var followUps = WaitingFor(parent, salesforce.Id, null).ToList();
            if (Entity == EntityKind.Account)
            {
                // A customer created in the app comes with its account's contacts, as a full re-sync would bring them —
                // those kept in Salesforce when an earlier customer of this account was deleted included.
                followUps.AddRange(Snapshot.Parents.ContactsOfAccounts
                    .Where(c => c.ParentId == salesforce.Id && !c.IsDeleted)
                    .Select(c => new FollowUp(EntityKind.Contact, RecordKey.ForSalesforce(c.Id), Full: true)));
            }

            return new RecordDecision
            {
                View = View,
                Case = @case,
                AppAction = AppAction.Create,
                AppUpsert = new AppUpsert(null, merge.AppWrites, salesforce.Id, parent?.AppCustomer),
                Claim = marker,
                After = ActiveLink(salesforce.Id, null, newBase, parent?.AppCustomer, 0),
                App = SideOutcome.Created,
                Warning = BrokenPreLinkWarning(),
                FollowUps = followUps,
            };
        }

        private RecordDecision CreateInSalesforce(RecordCase @case)
        {
            var app = View.App!;
            var merge = RecordMerge.Of(Map, NoFields, app.Fields, null);
            var fields = new Dictionary<string, string?>(merge.SalesforceWrites, StringComparer.Ordinal);
            var newBase = new Dictionary<string, string?>(merge.NewBase, StringComparer.Ordinal);
            var required = Entity == EntityKind.Account ? "Name" : PersonName.LastName;
            if (FieldValue.IsBlank(fields.GetValueOrDefault(required)))
            {
                var reason = $"Salesforce requires {Entity}.{required}; the app record has no value for it.";
                return new RecordDecision
                {
                    View = View,
                    Case = RecordCase.MissingRequiredField,
                    Salesforce = SideOutcome.Failed(SyncErrorCode.RequiredFieldMissing, reason),
                };
            }

            var parent = Entity == EntityKind.Contact ? ParentDecision.For(null, app, null, Snapshot.Parents) : null;
            Apply(parent, fields, newBase);
            if (Entity == EntityKind.Account && !string.IsNullOrWhiteSpace(Policy.DefaultAccountOwnerId))
            {
                fields["OwnerId"] = Policy.DefaultAccountOwnerId;
            }

            var marker = Marker(LinkState.PendingCreateInSalesforce, null, app.Id, newBase, app.ParentId);
            return new RecordDecision
            {
                View = View,
                Case = @case,
                SalesforceAction = SalesforceAction.Create,
                SalesforceFields = fields,
                AppAction = AppAction.StampSalesforceId,
                AppUpsert = new AppUpsert(app.Id, NoFields, null, null, app.Version),
                Claim = marker,
                After = ActiveLink(null, app.Id, newBase, app.ParentId, app.Version) with { Unaccounted = marker.Unaccounted },
                Salesforce = SideOutcome.Created,
                Warning = BrokenPreLinkWarning() ?? parent?.Warning
                    ?? (View.Link is null && app.SalesforceId is not null ? "The app record's salesforce_id names no Salesforce record; it is created anew." : null),
                FollowUps = [.. WaitingFor(parent, null, app.Id), .. (Entity == EntityKind.Account ? ChildrenOf(null, app.Id) : [])],
            };
        }

        private RecordDecision Delete(RecordCase @case) => new()
        {
            View = View,
            Case = @case,
            Claim = Leased(View.Link),
            SalesforceAction = @case == RecordCase.DeleteInSalesforce ? SalesforceAction.Delete : SalesforceAction.None,
            AppAction = @case == RecordCase.DeleteInApp ? AppAction.Delete : AppAction.None,
            RemoveLink = View.Link is not null,
            Salesforce = @case == RecordCase.DeleteInSalesforce ? SideOutcome.Deleted : SideOutcome.Unchanged,
            App = @case == RecordCase.DeleteInApp ? SideOutcome.Deleted : SideOutcome.Unchanged,
        };

        private RecordDecision Tombstone(RecordCase @case)
        {
            var link = View.Link!;
            var after = @case == RecordCase.KeepAfterAppDeletion
                ? link with
                {
                    State = LinkState.DeletedInApp,
                    SalesforceId = View.SalesforceId,
                    AppId = View.AppId,
                    Base = EffectiveBase(),
                    SalesforceStamp = View.Salesforce!.SystemModstamp,
                    StateSince = Snapshot.ReadAt,
                    Lease = null,
                }
                : link with
                {
                    State = LinkState.DeletedInSalesforce,
                    SalesforceId = View.SalesforceId,
                    AppId = View.AppId,
                    Base = EffectiveBase(),
                    AppVersion = View.App!.Version,
                    StateSince = Snapshot.ReadAt,
                    Lease = null,
                };
            return new RecordDecision { View = View, Case = @case, After = after };
        }

        private RecordDecision OutOfScope(string reason)
        {
            // The link stays, marked: no deletion on either side, and the pair resumes from its base when it is back.
            var after = View.Link is { State: LinkState.Active, OutOfScopeSince: null } link && !View.IsMarker
                ? link with { OutOfScopeSince = Snapshot.ReadAt, Lease = null }
                : null;
            return new RecordDecision
            {
                View = View,
                Case = RecordCase.OutOfScope,
                After = after,
                Salesforce = SideOutcome.Skipped(SyncErrorCode.OutOfScope, reason),
                App = SideOutcome.Skipped(SyncErrorCode.OutOfScope, reason),
            };
        }

        /// <summary>
        /// Why the record is outside its scope, or null when it is in: a live record on either side that does not satisfy
        /// its side's filter, a contact whose account's pair is out of scope (contacts go with their account), or a
        /// marked pair that has lost a record meanwhile (it was not synced when the record went, so nothing follows it).
        /// </summary>
        private string? OutOfScopeReason()
        {
            var view = View;
            if (!view.SalesforceAlive && !view.AppAlive)
            {
                return null; // nothing left to keep apart: the link is forgotten as usual
            }

            var scope = Policy.Scope;
            if (scope is not null && view.SalesforceAlive && !scope.SalesforceMatches(view.Salesforce!))
            {
                return $"Outside the Salesforce scope ({scope.Source ?? $"Sync:Scope:{Entity}:Salesforce"}).";
            }

            if (scope is not null && view.AppAlive && !scope.AppMatches(view.App!))
            {
                return $"Outside the app scope (Sync:Scope:{Entity}:App).";
            }

            if (Entity == EntityKind.Contact && AccountOutOfScope())
            {
                return "Its account is outside the Account scope; a contact is synced with its account.";
            }

            return view.Link is { OutOfScopeSince: not null } && !(view.SalesforceAlive && view.AppAlive)
                ? "Left the scope earlier; a record of the pair was deleted since, and the deletion is not synced."
                : null;
        }

        /// <summary>
        /// A contact goes with its account: it is out of scope when the account pair of its Salesforce account or of its
        /// app customer is marked out of scope — and, while the Account entity has a scope, also when that pair is not
        /// linked (yet): an account outside the scope is never linked, and a contact must not reach the other side
        /// without it. An account that enters brings its contacts along (the follow-ups of a new pair).
        /// </summary>
        private bool AccountOutOfScope()
        {
            var parents = Snapshot.Parents;
            var scoped = Policy.Scope?.ParentScoped == true;
            return (View.SalesforceAlive && View.Salesforce!.ParentId is { } account && Outside(parents.AccountLinksBySalesforce.GetValueOrDefault(account), scoped))
                || (View.AppAlive && View.App!.ParentId is { } customer && Outside(parents.AccountLinksByApp.GetValueOrDefault(customer), scoped));

            static bool Outside(Link? pair, bool scoped) => pair is { OutOfScopeSince: not null } || (scoped && pair is not { State: LinkState.Active });
        }

        private RecordDecision Forget() => new()
        {
            View = View,
            Case = RecordCase.Forget,
            RemoveLink = View.Link is not null,
        };

        private RecordDecision Nothing(RecordCase @case) => new() { View = View, Case = @case };

        private RecordDecision Skipped(RecordCase @case, SyncErrorCode code, string reason) => new()
        {
            View = View,
            Case = @case,
            Salesforce = SideOutcome.Skipped(code, reason),
            App = SideOutcome.Skipped(code, reason),
        };

        // ---- Rules shared by the cases ----

        /// <summary>
        /// A contact deleted in the app together with its customer follows the customer's rule, not its own: its tombstone
        /// names the customer it had, and that customer was deleted at the same time or before (a contact deleted before
        /// its customer was deleted on its own). A tombstone that names no customer was deleted on its own (a person took
        /// it off its customer first). Without a tombstone, a customer that is gone is taken as the cause.
        /// </summary>
        private DeletionAction AppDeletionAction() => DeletedWithCustomer() ? Policy.CustomerDeletedInApp : Policy.Deletion.WhenDeletedInApp;

        /// <summary>
        /// A contact deleted on its own under Keep is created again from Salesforce by the sync that sees the deletion, as
        /// SmartCloud does ("re-created … with the corresponding contact data from Salesforce after the next
        /// synchronization"): waiting for a Salesforce edit would leave the two sides apart for good. A contact deleted
        /// with its customer waits for the customer instead, which comes back only when its account changes.
        /// </summary>
        private bool KeptContactComesBack() => Entity == EntityKind.Contact && !DeletedWithCustomer();

        private bool DeletedWithCustomer()
        {
            var parents = Snapshot.Parents;
            var customer = View.App is { } record ? record.ParentId : View.Link?.ParentAppId;
            var deletedWithCustomer = Entity == EntityKind.Contact
                && customer is { } id
                && !parents.Customers.ContainsKey(id)
                && !(View.App is { Deleted: true } tombstone && parents.DeletedCustomers.TryGetValue(id, out var customerDeletedAt) && tombstone.Version < customerDeletedAt);
            return deletedWithCustomer;
        }

        /// <summary>A person changed the Salesforce record after the last sync: under Keep that brings the app record back (§5).</summary>
        /// <remarks>A pair never synced may have a base for some fields only (what a dead round's intent proves); a field
        /// without one is compared with the deleted record's last values, which is what the pair held when it was deleted
        /// — a field missing from the base is not a Salesforce change by itself. Nor is a value the deleted record held
        /// too: a round that copied it into the app and died before it stored the base (its answer lost) leaves the base
        /// behind, but the app record was deleted holding Salesforce's value, so nothing in Salesforce is news (seed 82592).
        /// A linked pair with no base at all (matched, its first round's answer lost) is compared the same way, field by
        /// field with the deleted record, once Salesforce was saved after the link's stamp: without that stamp a pair
        /// that never agreed would come back for a difference nobody made (seed 239638).</remarks>
        private bool SalesforceChangedSinceSync() =>
            (EffectiveBase() ?? (View.Salesforce!.SystemModstamp > View.Link?.SalesforceStamp ? NoFields : null)) is { } agreed && Map.Fields.Any(f =>
            {
                var held = f.ReadSalesforce(View.Salesforce!.Fields);
                var deletedHeld = View.App?.Field(f.AppField);
                return !FieldValue.AreEqual(held, agreed.TryGetValue(f.AppField, out var value) ? value : deletedHeld, f.Comparison)
                    && !(View.App is { Deleted: true } && FieldValue.AreEqual(held, deletedHeld, f.Comparison));
            });

        /// <summary>The mirror of <see cref="SalesforceChangedSinceSync"/>: a value the deleted Salesforce record held too is no news.</summary>
        private bool AppChangedSinceSync() =>
            View.Base is { } agreed && Map.Fields.Any(f =>
            {
                var held = View.App!.Field(f.AppField);
                return !FieldValue.AreEqual(held, agreed.GetValueOrDefault(f.AppField), f.Comparison)
                    && !(View.Salesforce is { IsDeleted: true } deleted && FieldValue.AreEqual(held, f.ReadSalesforce(deleted.Fields), f.Comparison));
            });

        /// <summary>A new pairing must be claimed — both ids in one link row — before either side is written.</summary>
        private Link? PairingClaim()
        {
            var link = View.Link;
            var salesforceId = View.Salesforce!.Id;
            var appId = View.App!.Id;
            return View.Pairing switch
            {
                // Paired from now on: the round may write either side next, so a later deletion on one side follows the
                // deletion rules (only an imported pre-link, never synced, is dropped instead).
                Pairing.Matched or Pairing.Stamped => new Link(Entity, salesforceId, appId, LinkState.Active, null, null, View.Salesforce.SystemModstamp, View.App.Version, Snapshot.ReadAt, Snapshot.ReadAt, link?.ETag, Snapshot.Lease),
                Pairing.Recognised when link!.SalesforceId != salesforceId || link.AppId != appId => link with { SalesforceId = salesforceId, AppId = appId, Lease = Snapshot.Lease },
                _ => null,
            };
        }

        /// <summary>The stored link, held by this round while it writes either side (none to hold when none is stored).</summary>
        private Link? Leased(Link? link) => link is null ? null : link with { Lease = Snapshot.Lease };

        /// <summary>The marker a create stores first. It holds the values being created, which become the base once the
        /// create is known to have happened; a marker left by an earlier attempt keeps its start time, which bounds
        /// the records that attempt can have made.</summary>
        private Link Marker(LinkState state, SalesforceId? salesforceId, AppId? appId, IReadOnlyDictionary<string, string?> values, AppId? parent)
        {
            var earlier = View.IsMarker && View.Link!.State == state ? View.Link : null;
            return new Link(
                Entity,
                salesforceId,
                appId,
                state,
                values,
                Entity == EntityKind.Contact ? parent : null,
                View.Salesforce?.SystemModstamp,
                Math.Max(earlier?.AppVersion ?? 0, View.App?.Version ?? 0), // the app's sequence when the create began: what it made is newer
                earlier?.StateSince ?? Snapshot.ReadAt,
                null,
                View.Link?.ETag,
                Snapshot.Lease)
            {
                Unaccounted = UnaccountedAfter(earlier),
            };
        }

        /// <summary>
        /// A create in Salesforce started again from a marker that has no id: the earlier attempts (since the marker's
        /// start, up to now) may have made a record no value leads to any more; once this attempt's record is known, the
        /// link keeps saying so, and elimination never hands such a record to another create. The marker does not say
        /// why it is still there (a refusal keeps it too), so every earlier attempt counts as unknown.
        /// </summary>
        private UnaccountedCreate? UnaccountedAfter(Link? earlier) => earlier is { State: LinkState.PendingCreateInSalesforce, SalesforceId: null }
            ? new UnaccountedCreate(earlier.StateSince, Snapshot.ReadAt).Widen(earlier.Unaccounted)
            : earlier?.Unaccounted;

        private Link ActiveLink(SalesforceId? salesforceId, AppId? appId, IReadOnlyDictionary<string, string?> newBase, AppId? parent, long appVersion) => new(
            Entity,
            salesforceId,
            appId,
            LinkState.Active,
            newBase,
            Entity == EntityKind.Contact ? parent : null,
            View.Salesforce?.SystemModstamp,
            appVersion,
            Snapshot.ReadAt,
            Snapshot.ReadAt)
        {
            Unaccounted = View.Link?.Unaccounted,
        };

        /// <summary>
        /// The base, corrected by the intent a round that died left in its claim: a field Salesforce holds the intended
        /// value of was written by that round, so the intended value is what both sides last agreed on.
        /// </summary>
        private IReadOnlyDictionary<string, string?>? EffectiveBase()
        {
            if (View.Link?.PendingBase is not { } pending || View.Salesforce is not { } salesforce)
            {
                return View.Base;
            }

            var effective = View.Base is { } stored ? new Dictionary<string, string?>(stored, StringComparer.Ordinal) : new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (field, intended) in pending)
            {
                var held = field == ParentDecision.BaseKey
                    ? salesforce.ParentId?.Value
                    : Map.Fields.FirstOrDefault(f => f.AppField == field)?.ReadSalesforce(salesforce.Fields);
                var comparison = Map.Fields.FirstOrDefault(f => f.AppField == field)?.Comparison ?? FieldComparison.Text;
                if (FieldValue.AreEqual(held, intended, comparison))
                {
                    effective[field] = intended;
                }
            }

            return effective;
        }

        /// <summary>The new base with the fields meant for the app put back to their old base (or left out).</summary>
        private static Dictionary<string, string?> Unwritten(Dictionary<string, string?> newBase, IReadOnlyDictionary<string, string?>? baseValues, IEnumerable<string> appFields, bool parent)
        {
            var partial = new Dictionary<string, string?>(newBase, StringComparer.Ordinal);
            foreach (var field in parent ? appFields.Append(ParentDecision.BaseKey) : appFields)
            {
                if (baseValues is not null && baseValues.TryGetValue(field, out var old))
                {
                    partial[field] = old;
                }
                else
                {
                    partial.Remove(field);
                }
            }

            return partial;
        }

        private static bool InStep(Link? stored, Link next) =>
            stored is { State: LinkState.Active, LastSyncedAt: not null, OutOfScopeSince: null }
            && stored.SalesforceId == next.SalesforceId
            && stored.AppId == next.AppId
            && stored.ParentAppId == next.ParentAppId
            && stored.AppVersion == next.AppVersion
            && SameValues(stored.Base, next.Base);

        private static bool SameValues(IReadOnlyDictionary<string, string?>? a, IReadOnlyDictionary<string, string?>? b) =>
            a is not null && b is not null && a.Count == b.Count
            && a.All(p => b.TryGetValue(p.Key, out var v) && string.Equals(p.Value, v, StringComparison.Ordinal));

        private static void Apply(ParentDecision? parent, Dictionary<string, string?>? salesforceWrites, Dictionary<string, string?> newBase)
        {
            if (parent is null)
            {
                return;
            }

            if (parent.SalesforceAccount is { } account && salesforceWrites is not null)
            {
                salesforceWrites[ParentDecision.BaseKey] = account.Value;
            }
            else if (parent.ClearsSalesforceAccount && salesforceWrites is not null)
            {
                salesforceWrites[ParentDecision.BaseKey] = null;
            }

            if (parent.HasBase)
            {
                newBase[ParentDecision.BaseKey] = parent.BaseValue;
                if (parent.Guessed)
                {
                    newBase[ParentDecision.GuessKey] = parent.BaseValue;
                }
            }
            else
            {
                newBase.Remove(ParentDecision.BaseKey);
            }
        }

        private IEnumerable<FollowUp> WaitingFor(ParentDecision? parent, SalesforceId? salesforceId, AppId? appId) =>
            parent is { WaitsForParent: true } ? [new FollowUp(Entity, new RecordKey(salesforceId, appId), Full: false)] : [];

        /// <summary>
        /// Contacts whose link does not reflect this account pair yet (a parent chosen by company name, or none while
        /// the customer was unlinked): they follow the pair once it is linked (§5, and issue 10 case 7).
        /// </summary>
        private IEnumerable<FollowUp> ChildrenOf(SalesforceId? account, AppId? customer)
        {
            if (Entity != EntityKind.Account)
            {
                return [];
            }

            var parents = Snapshot.Parents;
            var children = parents.ContactsOfCustomers.Where(c => customer is not null && c.ParentId == customer).Select(c => (SalesforceId: (SalesforceId?)null, AppId: (AppId?)c.Id))
                .Concat(parents.ContactsOfAccounts.Where(c => account is not null && c.ParentId == account && !c.IsDeleted).Select(c => (SalesforceId: (SalesforceId?)c.Id, AppId: (AppId?)null)));
            return children
                .Select(c => parents.ChildLinks.FirstOrDefault(l => (c.AppId is not null && l.AppId == c.AppId) || (c.SalesforceId is not null && l.SalesforceId == c.SalesforceId)))
                .OfType<Link>()
                .Where(l => l.State == LinkState.Active && (l.ParentAppId != customer || account is null || l.Base?.GetValueOrDefault(ParentDecision.BaseKey) != account.Value.Value))
                .Distinct()
                .Select(l => new FollowUp(EntityKind.Contact, new RecordKey(l.SalesforceId, l.AppId), Full: false));
        }

        private string? DuplicateWarning()
        {
            if (View.Duplicates == 0)
            {
                return null;
            }

            var code = Entity == EntityKind.Contact ? SyncErrorCode.DuplicateEmail : SyncErrorCode.DuplicateName;
            return $"{code}: {View.Duplicates} other record(s) match; linked the earliest created.";
        }

        private string? BrokenPreLinkWarning() =>
            View.Link is { State: LinkState.Active, LastSyncedAt: null } && View.Pairing == Pairing.Linked
                ? $"The pre-linked {(View.SalesforceAlive ? "app" : "Salesforce")} record does not exist; the link was dropped."
                : null;
    }
}
