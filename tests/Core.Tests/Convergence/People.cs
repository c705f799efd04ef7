using SfSync.Model;

namespace SfSync.Tests.Convergence;

/// <summary>
/// What people do on both sides, recorded for the oracle: every write of a logical field with its global operation
/// number, every deletion with what the world looked like at that moment. E-mails stay unique per logical person and
/// account names unique (case-insensitively), except the deliberate e-mail / exact-name matches that must become one
/// logical record. Required fields (Account.Name, Contact.LastName, the app's names) are never cleared.
/// </summary>
internal sealed class People(SimWorld world)
{
    private static readonly string[] Companies = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Soylent", "Vandelay", "Aperture"];
    private static readonly string[] Suffixes = ["Labs", "Corp", "Group", "Partners", "Systems"];
    private static readonly string[] FirstNames = ["Ada", "Alan", "Grace", "Linus", "Mary Ann", "Jean", "Ken", "Barbara", "Edsger"];
    private static readonly string[] LastNames = ["Lovelace", "Turing", "Hopper", "Torvalds", "Smith", "Bartik", "Thompson", "Liskov", "Dijkstra"];
    private static readonly string[] Cities = ["Oslo", "Lyon", "Porto", "Graz", "Turku", "Brno"];

    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private int _token;
    private int _groups;

    // ---- Values ----

    public string NewAccountName(Random r)
    {
        while (true)
        {
            var name = Companies[r.Next(Companies.Length)];
            var roll = r.Next(4);
            if (roll == 1)
            {
                name += " " + Suffixes[r.Next(Suffixes.Length)];
            }
            else if (roll >= 2)
            {
                name += " " + (++_token);
            }

            if (_names.Add(name))
            {
                return name;
            }
        }
    }

    private static string NewPersonName(Random r) => r.Next(4) == 0
        ? LastNames[r.Next(LastNames.Length)]
        : FirstNames[r.Next(FirstNames.Length)] + " " + LastNames[r.Next(LastNames.Length)];

    private string NewEmail(Random r, Logical logical)
    {
        var email = $"p{logical.Id}.{++_token}@example.test";
        return r.Next(3) == 0 ? email.ToUpperInvariant() : email;
    }

    /// <summary>A value for an optional account field: mostly new, sometimes blank, sometimes padded with spaces.</summary>
    private string? NewValue(Random r, string appField, bool allowBlank = true)
    {
        if (allowBlank && r.Next(4) == 0)
        {
            return r.Next(2) == 0 ? null : "  ";
        }

        var value = appField switch
        {
            "city" => Cities[r.Next(Cities.Length)] + " " + (++_token),
            "phone_number" or "fax_number" => $"+47 555 {++_token:D4}",
            _ => $"{appField} {++_token}",
        };
        return r.Next(8) == 0 ? $" {value} " : value;
    }

    private static (string? First, string Last) Split(string name)
    {
        var words = name.Split(' ');
        return words.Length == 1 ? (null, words[0]) : (string.Join(' ', words[..^1]), words[^1]);
    }

    // ---- Labels and comparisons the oracle shares ----

    public string? ParentLabel(SimSalesforce.Row row) =>
        row.ParentId is { } p && world.Salesforce.Find(p) is { IsDeleted: false } account ? account.Logical.Label : null;

    public string? ParentLabel(SimApp.Row row) =>
        row.ParentId is { } p && world.App.Find(p) is { Deleted: false } customer ? customer.Logical.Label : null;

    public bool InSync(Logical logical, SimSalesforce.Row? sf, SimApp.Row? app)
    {
        if (sf is null || app is null)
        {
            return false;
        }

        foreach (var field in Spec.LogicalFields(logical.Entity))
        {
            var same = field == Spec.Parent
                ? ParentLabel(sf) == ParentLabel(app)
                : Spec.Same(Spec.SalesforceValue(logical.Entity, sf.Fields, field), app.Fields.GetValueOrDefault(field), field);
            if (!same)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A deliberate e-mail / exact-name match that the engine has not linked yet (the app record does not carry the
    /// Salesforce id): people leave its match key alone, or the two records would rightly become two people.
    /// </summary>
    public bool MatchPending(Logical logical) =>
        logical.BornPaired && !logical.Imported
        && !world.App.Rows.Any(a => a.Logical == logical && !a.Deleted && a.SalesforceId is { } id && world.Salesforce.Find(id)?.Logical == logical);

    // ---- Births ----

    public Logical CreateSalesforceAccount(Random r, string? name = null, Logical? into = null)
    {
        var logical = into ?? world.NewLogical(EntityKind.Account);
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal) { ["Name"] = name ?? NewAccountName(r) };
        foreach (var (salesforce, app) in Spec.AccountFields.Skip(1))
        {
            if (r.Next(3) == 0)
            {
                fields[salesforce] = NewValue(r, app, allowBlank: false);
            }
        }

        var row = world.Salesforce.PersonCreate(logical, fields, null);
        world.Scheduler.Note($"person creates Salesforce account {row.Id} '{fields["Name"]}' as {logical}");
        Born(logical, sf: row, app: null);
        return logical;
    }

    public Logical CreateAppCustomer(Random r, bool disabled, string? name = null, Logical? into = null)
    {
        var logical = into ?? world.NewLogical(EntityKind.Account);
        logical.Disabled |= disabled;
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal) { ["name"] = name ?? NewAccountName(r) };
        foreach (var (_, app) in Spec.AccountFields.Skip(1))
        {
            if (r.Next(3) == 0)
            {
                fields[app] = NewValue(r, app, allowBlank: false);
            }
        }

        var row = world.App.PersonCreate(logical, fields, null, disabled);
        world.Scheduler.Note($"person creates app customer {row.Id} '{fields["name"]}'{(disabled ? " (sync_disabled)" : "")} as {logical}");
        Born(logical, sf: null, app: row);
        return logical;
    }

    public Logical CreateSalesforceContact(Random r, Logical? into = null, string? email = null)
    {
        var logical = into ?? world.NewLogical(EntityKind.Contact);
        var (first, last) = Split(NewPersonName(r));
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["FirstName"] = first,
            ["LastName"] = last,
            ["Email"] = email ?? (r.Next(8) == 0 ? null : NewEmail(r, logical)),
        };
        var account = Pick(r, world.Salesforce.Live(EntityKind.Account).Where(a => !a.Logical.Disabled && a.Logical.Group is null).ToList(), allowNone: true);
        var row = world.Salesforce.PersonCreate(logical, fields, account?.Id);
        world.Scheduler.Note($"person creates Salesforce contact {row.Id} <{fields["Email"]}> under {account?.Logical.Label ?? "no account"} as {logical}");
        Born(logical, sf: row, app: null);
        return logical;
    }

    public Logical CreateAppContact(Random r, bool disabled, Logical? into = null, string? email = null)
    {
        var logical = into ?? world.NewLogical(EntityKind.Contact);
        logical.Disabled |= disabled;
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["name"] = NewPersonName(r),
            ["email"] = email ?? (r.Next(8) == 0 ? null : NewEmail(r, logical)),
        };
        // A sync_disabled contact stands alone (no customer whose deletion would take it along), so that its Salesforce
        // twin stays governed by the sync_disabled rule for the whole scenario.
        var customer = disabled ? null : Pick(r, world.App.Live(EntityKind.Account).Where(c => !c.SyncDisabled && c.Logical.Group is null).ToList(), allowNone: true);
        var row = world.App.PersonCreate(logical, fields, customer?.Id, disabled);
        world.Scheduler.Note($"person creates app contact {row.Id} <{fields["email"]}> under {customer?.Logical.Label ?? "no customer"}{(disabled ? " (sync_disabled)" : "")} as {logical}");
        Born(logical, sf: null, app: row);
        return logical;
    }

    /// <summary>The same person entered on both sides with one e-mail (in other letter case): must become one record.</summary>
    public Logical CreateMatchedContacts(Random r, bool disabled)
    {
        var logical = world.NewLogical(EntityKind.Contact);
        logical.BornPaired = true;
        var email = NewEmail(r, logical);
        var sfEmail = r.Next(2) == 0 ? email.ToUpperInvariant() : email;
        CreateSalesforceContact(r, logical, sfEmail);
        CreateAppContact(r, disabled, logical, r.Next(4) == 0 ? $" {email.ToLowerInvariant()} " : email.ToLowerInvariant());
        return logical;
    }

    /// <summary>The same company entered on both sides with one name (ExactName matching): must become one record.</summary>
    public Logical CreateSameNameAccounts(Random r)
    {
        var logical = world.NewLogical(EntityKind.Account);
        logical.BornPaired = true;
        var name = NewAccountName(r);
        CreateSalesforceAccount(r, name, logical);
        CreateAppCustomer(r, disabled: false, name, logical);
        return logical;
    }

    /// <summary>Twins: n Salesforce and m app records with one e-mail (or exact name), entered at the same instant.</summary>
    public void CreateTwins(Random r, EntityKind entity, int salesforce, int app)
    {
        var group = ++_groups;
        var key = entity == EntityKind.Contact ? $"twin{group}.{++_token}@example.test" : NewAccountName(r);
        for (var i = 0; i < salesforce + app; i++)
        {
            var logical = world.NewLogical(entity);
            logical.Group = group;
            var variant = entity == EntityKind.Contact && r.Next(2) == 0 ? key.ToUpperInvariant() : key;
            if (i < salesforce)
            {
                var fields = entity == EntityKind.Contact
                    ? new Dictionary<string, string?>(StringComparer.Ordinal) { ["FirstName"] = null, ["LastName"] = LastNames[r.Next(LastNames.Length)], ["Email"] = variant }
                    : new Dictionary<string, string?>(StringComparer.Ordinal) { ["Name"] = key };
                var row = world.Salesforce.PersonCreate(logical, fields, null);
                world.Scheduler.Note($"person creates Salesforce {entity} {row.Id} '{variant}' as {logical} (twin group {group})");
                Born(logical, row, null);
            }
            else
            {
                var fields = entity == EntityKind.Contact
                    ? new Dictionary<string, string?>(StringComparer.Ordinal) { ["name"] = NewPersonName(r), ["email"] = variant }
                    : new Dictionary<string, string?>(StringComparer.Ordinal) { ["name"] = key };
                var row = world.App.PersonCreate(logical, fields, null, syncDisabled: false);
                world.Scheduler.Note($"person creates app {entity} {row.Id} '{variant}' as {logical} (twin group {group})");
                Born(logical, null, row);
            }
        }
    }

    /// <summary>A pair people link by import: both records exist, values may differ (no base: Salesforce wins conflicts).</summary>
    public (SalesforceId Salesforce, AppId App) CreateImportPair(Random r, EntityKind entity)
    {
        var logical = world.NewLogical(entity);
        logical.BornPaired = true;
        logical.Imported = true;
        if (entity == EntityKind.Account)
        {
            CreateSalesforceAccount(r, null, logical);
            CreateAppCustomer(r, disabled: false, null, logical);
        }
        else
        {
            CreateSalesforceContact(r, logical);
            CreateAppContact(r, disabled: false, logical);
        }

        var sf = world.Salesforce.Rows.Last(x => x.Logical == logical).Id;
        var app = world.App.Rows.Last(x => x.Logical == logical).Id;
        return (sf, app);
    }

    /// <summary>Records where the logical record starts on each side (values when born; never a base).</summary>
    private void Born(Logical logical, SimSalesforce.Row? sf, SimApp.Row? app)
    {
        logical.LastCreated = world.Scheduler.Operation;
        foreach (var field in Spec.LogicalFields(logical.Entity))
        {
            var previous = logical.Start.GetValueOrDefault(field);
            var s = sf is null ? previous.S : field == Spec.Parent ? ParentLabel(sf) : Spec.Normalize(Spec.SalesforceValue(logical.Entity, sf.Fields, field), field);
            var a = app is null ? previous.A : field == Spec.Parent ? ParentLabel(app) : Spec.Normalize(app.Fields.GetValueOrDefault(field), field);
            logical.Start[field] = (s, a, previous.SExists || sf is not null, previous.AExists || app is not null);
        }
    }

    // ---- Changes ----

    public bool EditSalesforce(Random r, SimSalesforce.Row? target = null, TimeSpan? slow = null)
    {
        var row = target is { IsDeleted: false, Pending: null } && !target.Logical.Disabled
            ? target
            : Pick(r, world.Salesforce.Rows.Where(x => !x.IsDeleted && x.Pending is null && !x.Logical.Disabled).ToList(), allowNone: false);
        if (row is null)
        {
            return false;
        }

        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        var count = r.Next(10) < 7 ? 1 : 2;
        var matchPending = MatchPending(row.Logical) || row.Logical.Group is not null;
        for (var i = 0; i < count; i++)
        {
            if (row.Entity == EntityKind.Account)
            {
                var (salesforce, app) = Spec.AccountFields[r.Next(matchPending ? 1 : 0, Spec.AccountFields.Length)];
                changes[salesforce] = salesforce == "Name" ? NewAccountName(r) : NewValue(r, app);
            }
            else if (r.Next(10) < 6 || matchPending)
            {
                var (first, last) = Split(NewPersonName(r));
                changes["FirstName"] = first;
                changes["LastName"] = last;
            }
            else
            {
                changes["Email"] = r.Next(5) == 0 ? null : NewEmail(r, row.Logical);
            }
        }

        var operation = world.Scheduler.Note($"person {(slow is null ? "saves" : $"starts a slow save ({slow.Value.TotalSeconds:0}s) of")} Salesforce {row.Entity} {row.Id} of {row.Logical}: {Describe(changes)}");
        var sameSecond = world.Salesforce.PersonEdit(row, changes, setsParent: false, null, slow, operation);
        if (slow is null)
        {
            RecordSalesforce(row, changes.Keys, setsParent: false, operation, operation, sameSecond);
        }

        return true;
    }

    public bool EditApp(Random r, SimApp.Row? target = null)
    {
        var row = target is { Deleted: false } ? target : Pick(r, world.App.Rows.Where(x => !x.Deleted).ToList(), allowNone: false);
        if (row is null)
        {
            return false;
        }

        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        var count = r.Next(10) < 7 ? 1 : 2;
        var matchPending = MatchPending(row.Logical) || row.Logical.Group is not null;
        for (var i = 0; i < count; i++)
        {
            if (row.Entity == EntityKind.Account)
            {
                var (_, app) = Spec.AccountFields[r.Next(matchPending ? 1 : 0, Spec.AccountFields.Length)];
                changes[app] = app == "name" ? NewAccountName(r) : NewValue(r, app);
            }
            else if (r.Next(10) < 6 || row.SyncDisabled || matchPending)
            {
                changes["name"] = NewPersonName(r);
            }
            else
            {
                changes["email"] = r.Next(5) == 0 ? null : NewEmail(r, row.Logical);
            }
        }

        var operation = world.Scheduler.Note($"person saves app {row.Entity} {row.Id} of {row.Logical}: {Describe(changes)}");
        world.App.PersonEdit(row, changes, setsParent: false, null);
        foreach (var field in changes.Keys)
        {
            row.Logical.Events.Add(new HumanEvent(operation, Side.App, field, Spec.Normalize(row.Fields.GetValueOrDefault(field), field)));
        }

        return true;
    }

    public bool MoveSalesforceContact(Random r)
    {
        var row = Pick(r, world.Salesforce.Live(EntityKind.Contact).Where(x => x.Pending is null && !x.Logical.Disabled && x.Logical.Group is null).ToList(), allowNone: false);
        if (row is null)
        {
            return false;
        }

        var account = r.Next(10) == 0 ? null : Pick(r, world.Salesforce.Live(EntityKind.Account).Where(a => !a.Logical.Disabled && a.Logical.Group is null && a.Id != row.ParentId).ToList(), allowNone: false);
        var operation = world.Scheduler.Note($"person moves Salesforce contact {row.Id} of {row.Logical} to {account?.Logical.Label ?? "no account"}");
        var sameSecond = world.Salesforce.PersonEdit(row, new Dictionary<string, string?>(), setsParent: true, account?.Id, null, operation);
        RecordSalesforce(row, [], setsParent: true, operation, operation, sameSecond);
        return true;
    }

    public bool MoveAppContact(Random r)
    {
        var row = Pick(r, world.App.Live(EntityKind.Contact).Where(x => !x.SyncDisabled && x.Logical.Group is null).ToList(), allowNone: false);
        if (row is null)
        {
            return false;
        }

        var customer = r.Next(10) == 0 ? null : Pick(r, world.App.Live(EntityKind.Account).Where(c => !c.SyncDisabled && c.Logical.Group is null && c.Id != row.ParentId).ToList(), allowNone: false);
        var operation = world.Scheduler.Note($"person moves app contact {row.Id} of {row.Logical} to {customer?.Logical.Label ?? "no customer"}");
        world.App.PersonEdit(row, new Dictionary<string, string?>(), setsParent: true, customer?.Id);
        row.Logical.Events.Add(new HumanEvent(operation, Side.App, Spec.Parent, customer?.Logical.Label));
        return true;
    }

    public bool DeleteSalesforce(Random r, EntityKind entity)
    {
        var row = Pick(r, world.Salesforce.Live(entity)
            .Where(x => x.Pending is null && x.Logical.Group is null && !world.Salesforce.Rows.Any(c => c.ParentId == x.Id && c.Pending is not null && !c.IsDeleted))
            .ToList(), allowNone: false);
        if (row is null)
        {
            return false;
        }

        // What the other side held just before: did the app record carry this id, was the pair in step?
        var before = world.Salesforce.Rows.Where(x => !x.IsDeleted && (x == row || (entity == EntityKind.Account && x.ParentId == row.Id)))
            .Select(x => (Row: x, App: world.App.Live(x.Logical.Entity).FirstOrDefault(a => a.Logical == x.Logical)))
            .Select(p => (p.Row, p.App, InSync: InSync(p.Row.Logical, p.Row, p.App)))
            .ToList();
        var operation = world.Scheduler.Note($"person deletes Salesforce {entity} {row.Id} of {row.Logical}");
        world.Salesforce.DeleteRow(row);
        foreach (var (deleted, app, inSync) in before)
        {
            deleted.Logical.Deletions.Add(new Deletion(operation, Side.Salesforce, deleted == row ? DeletionKind.Direct : DeletionKind.WithParent, app?.SalesforceId == deleted.Id, inSync, Pending: false));
            deleted.Logical.Events.Add(new HumanEvent(operation, Side.Salesforce, null, null));
        }

        return true;
    }

    public bool DeleteApp(Random r, EntityKind entity)
    {
        var row = Pick(r, world.App.Live(entity).Where(x => !x.SyncDisabled && x.Logical.Group is null).ToList(), allowNone: false);
        if (row is null)
        {
            return false;
        }

        var before = world.App.Rows.Where(x => !x.Deleted && (x == row || (entity == EntityKind.Account && x.Entity == EntityKind.Contact && x.ParentId == row.Id)))
            .Select(x => (Row: x, Sf: world.Salesforce.Live(x.Logical.Entity).FirstOrDefault(s => s.Logical == x.Logical)))
            .Select(p => (p.Row, p.Sf, InSync: InSync(p.Row.Logical, p.Sf, p.Row)))
            .ToList();
        var operation = world.Scheduler.Note($"person deletes app {entity} {row.Id} of {row.Logical}");
        world.App.DeleteRow(row);
        foreach (var (deleted, sf, inSync) in before)
        {
            deleted.Logical.Deletions.Add(new Deletion(operation, Side.App, deleted == row ? DeletionKind.Direct : DeletionKind.WithParent, sf is not null && deleted.SalesforceId == sf.Id, inSync, sf?.Pending is not null));
            deleted.Logical.Events.Add(new HumanEvent(operation, Side.App, null, null));
        }

        return true;
    }

    /// <summary>Slow Salesforce saves that commit now: the person's write becomes visible (and is dated) here.</summary>
    public void CommitDue(bool all = false)
    {
        foreach (var (row, save, sameSecond) in world.Salesforce.CommitDue(all))
        {
            var operation = world.Scheduler.Note($"slow save of Salesforce {row.Entity} {row.Id} of {row.Logical} commits{(row.IsDeleted ? " (record gone)" : "")}{(sameSecond ? " (its stamp is not newer than the version before)" : "")}");
            if (!row.IsDeleted)
            {
                RecordSalesforce(row, save.Fields.Keys, save.SetsParent, operation, save.StartedOperation, sameSecond);
            }
        }
    }

    private void RecordSalesforce(SimSalesforce.Row row, IEnumerable<string> salesforceFields, bool setsParent, long operation, long started, bool sameSecond)
    {
        var fields = salesforceFields.Select(f => Spec.LogicalOfSalesforce(row.Entity, f)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (setsParent)
        {
            fields.Add(Spec.Parent);
        }

        foreach (var field in fields)
        {
            var value = field == Spec.Parent ? ParentLabel(row) : Spec.Normalize(Spec.SalesforceValue(row.Entity, row.Fields, field), field);
            row.Logical.Events.Add(new HumanEvent(operation, Side.Salesforce, field, value) { StartedOperation = started, SameSecond = sameSecond });
        }
    }

    private static T? Pick<T>(Random r, IReadOnlyList<T> items, bool allowNone) where T : class =>
        items.Count == 0 || (allowNone && r.Next(5) == 0) ? null : items[r.Next(items.Count)];

    private static string Describe(Dictionary<string, string?> changes) =>
        string.Join(", ", changes.Select(c => $"{c.Key}={(c.Value is null ? "∅" : $"'{c.Value}'")}"));
}
