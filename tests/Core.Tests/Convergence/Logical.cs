using SfSync.Model;

namespace SfSync.Tests.Convergence;

/// <summary>
/// The field map of ARCHITECTURE §1, written out here from the brief (not read from the engine's SyncMap), and the
/// spec's value rules: trimmed, blank = null/empty/whitespace, e-mails case-insensitive.
/// </summary>
internal static class Spec
{
    /// <summary>The contact's account, as a logical-record label ("L7") or blank: merged like a field (§5).</summary>
    public const string Parent = "parent";

    public static readonly (string Salesforce, string App)[] AccountFields =
    [
        ("Name", "name"),
        ("Phone", "phone_number"),
        ("Description", "description"),
        ("Fax", "fax_number"),
        ("BillingStreet", "street"),
        ("BillingCity", "city"),
        ("BillingState", "state"),
        ("BillingPostalCode", "zip_code"),
        ("BillingCountry", "country"),
    ];

    public static IReadOnlyList<string> LogicalFields(EntityKind entity) => entity == EntityKind.Account
        ? AccountFields.Select(f => f.App).ToArray()
        : ["name", "email", Parent];

    public static bool IsEmail(string field) => field == "email";

    public static string? Normalize(string? value, string field)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        return IsEmail(field) ? trimmed.ToUpperInvariant() : trimmed;
    }

    public static bool Same(string? a, string? b, string field) => Normalize(a, field) == Normalize(b, field);

    /// <summary>The logical field a Salesforce field belongs to.</summary>
    public static string? LogicalOfSalesforce(EntityKind entity, string salesforceField) => entity == EntityKind.Account
        ? AccountFields.FirstOrDefault(f => f.Salesforce == salesforceField).App
        : salesforceField switch
        {
            "FirstName" or "LastName" => "name",
            "Email" => "email",
            "AccountId" => Parent,
            _ => null,
        };

    /// <summary>A Salesforce record's value of a logical field (not the parent).</summary>
    public static string? SalesforceValue(EntityKind entity, IReadOnlyDictionary<string, string?> fields, string logical)
    {
        if (entity == EntityKind.Contact && logical == "name")
        {
            var joined = $"{fields.GetValueOrDefault("FirstName")?.Trim()} {fields.GetValueOrDefault("LastName")?.Trim()}".Trim();
            return joined.Length == 0 ? null : joined;
        }

        var salesforce = entity == EntityKind.Account ? AccountFields.First(f => f.App == logical).Salesforce : "Email";
        return fields.GetValueOrDefault(salesforce);
    }

    /// <summary>The §4 merge of one field, written from the brief's table.</summary>
    public static string? Merge(string? s, string? a, string? b, bool hasBase)
    {
        if (s == a)
        {
            return s;
        }

        if (s is null)
        {
            return a;
        }

        if (a is null)
        {
            return s;
        }

        if (hasBase && s == b)
        {
            return a;
        }

        return s; // a == b (only Salesforce changed), or both changed / no base: Salesforce wins
    }
}

/// <summary>A person's write of one logical field on one side, or a person's deletion (Field null).</summary>
internal sealed class HumanEvent(long operation, Side side, string? field, string? value)
{
    public long Operation { get; set; } = operation;

    /// <summary>For a slow Salesforce transaction: when the person saved (the stamp); <see cref="Operation"/> is when it became visible.</summary>
    public long StartedOperation { get; set; } = operation;

    public Side Side { get; } = side;

    public string? Field { get; } = field;

    /// <summary>Normalized.</summary>
    public string? Value { get; } = value;

    /// <summary>A Salesforce write made inside the read→write window of an engine write to the same field: it may be lost.</summary>
    public bool Exempt { get; set; }

    /// <summary>A Salesforce save whose SystemModstamp second equals the stamp of the version before it.</summary>
    public bool SameSecond { get; set; }

    public bool IsDeletion => Field is null;

    /// <summary>Not a person's: the app's cascade of an engine deletion took the record (the field model still needs it).</summary>
    public bool ByEngine { get; init; }
}

internal enum DeletionKind
{
    /// <summary>The person deleted this record.</summary>
    Direct,

    /// <summary>Deleted because its account/customer was deleted by the person (cascade).</summary>
    WithParent,
}

/// <summary>A person's deletion of a logical record's record on one side, with what the world looked like then.</summary>
/// <param name="CarriedLink">The app record carried the Salesforce id of the record on the other side (the pair had been synced).</param>
/// <param name="InSync">Every mapped field (and parent) was equal on both sides: nothing was waiting to sync.</param>
/// <param name="Pending">A slow Salesforce transaction on the record was still open.</param>
internal sealed record Deletion(long Operation, Side Side, DeletionKind Kind, bool CarriedLink, bool InSync, bool Pending);

/// <summary>
/// One logical record: "the same account/contact" as people see it, whatever records the two sides hold for it.
/// People's records are assigned at creation; the engine's creates inherit the logical record of the record they copy
/// (named in the write itself: the Salesforce id of an app create, the app id of a Salesforce create).
/// </summary>
internal sealed class Logical(int id, EntityKind entity)
{
    public int Id { get; } = id;

    public EntityKind Entity { get; } = entity;

    public string Label => $"L{Id}";

    public bool Disabled { get; set; }

    /// <summary>Born on both sides (a deliberate e-mail/name match, or an imported pair).</summary>
    public bool BornPaired { get; set; }

    public bool Imported { get; set; }

    /// <summary>
    /// Twins: records entered at one instant on both sides with one e-mail (or one exact account name), each its own
    /// logical record. Which Salesforce record pairs with which app record is the engine's choice (earliest created, or
    /// whichever batch got there first), so the oracle checks the group as a whole.
    /// </summary>
    public int? Group { get; set; }

    /// <summary>Created by the engine from a record nobody can name (already a finding).</summary>
    public bool Orphan { get; set; }

    /// <summary>Operation at which the record first had a record on Salesforce / in the app (person's or engine's create).</summary>
    public long? SalesforceSince { get; set; }

    public long? AppSince { get; set; }

    /// <summary>Values at birth per logical field: (Salesforce, app, exists on Salesforce, exists in app); never a base.</summary>
    public Dictionary<string, (string? S, string? A, bool SExists, bool AExists)> Start { get; } = new(StringComparer.Ordinal);

    public List<HumanEvent> Events { get; } = [];

    /// <summary>Operation of the last person's creation of one of its records.</summary>
    public long LastCreated { get; set; }

    /// <summary>The latest operation at which a reconcile that went on to be applied first read either side.</summary>
    public long LastReconciled { get; set; } = -1;

    public long LastHumanChange => Math.Max(LastCreated, Events.Where(e => !e.ByEngine).Select(e => e.Operation).DefaultIfEmpty(0).Max());

    public List<Deletion> Deletions { get; } = [];

    /// <summary>Full re-sync runs (operation when started) whose batches carried this record's Salesforce id.</summary>
    public List<long> ResyncedAt { get; } = [];

    /// <summary>Deliveries of full re-sync batches with this record that were deferred or aborted: they may have re-synced it.</summary>
    public List<long> MaybeResyncedAt { get; } = [];

    /// <summary>Applied deliveries of full re-sync batches that carried this record: (operation started, operation applied).</summary>
    public List<(long Started, long Applied)> ResyncSpans { get; } = [];

    /// <summary>Operations at which the engine wrote (updated) this record's Salesforce record.</summary>
    public List<long> EngineSalesforceWrites { get; } = [];

    /// <summary>Operation of the engine's deletes per side.</summary>
    public List<(Side Side, long Operation)> EngineDeletes { get; } = [];

    /// <summary>A write of this record was rejected permanently (validation) while faults were on: heal asks for a sync.</summary>
    public bool PermanentlyRejected { get; set; }

    /// <summary>The last engine write attempt per side: rejected with this transient code (null when it succeeded).</summary>
    public Dictionary<Side, string?> LastAttempt { get; } = [];

    /// <summary>A person's app edit landed between an engine read of the record and the engine's upsert of it.</summary>
    public bool AppEditInWindow { get; set; }

    /// <summary>
    /// Per field, values an engine write copied into Salesforce from its read of an app record that a person deleted,
    /// or whose field a person saved, before that write (seeds 135935, 248109): the app's conditional write comes after
    /// the Salesforce one, so nothing stops the copy; the pair still has to converge on it.
    /// </summary>
    public Dictionary<string, HashSet<string?>> StaleAppCopies { get; } = new(StringComparer.Ordinal);

    /// <summary>The record's app side was deleted by the app's cascade of an engine deletion (not by a person).</summary>
    public bool EngineCascadeDeleted { get; set; }

    public override string ToString() => Label;
}
