using System.Net.Mail;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SfSync.SalesforceEmulator.Soql;

namespace SfSync.SalesforceEmulator.Org;

internal sealed record ApiError(string StatusCode, string Message, string[] Fields);

internal sealed record SaveResult(string? Id, IReadOnlyList<ApiError> Errors, bool? Created = null)
{
    public bool Success => Errors.Count == 0;

    public static SaveResult Failed(string code, string message, params string[] fields) => new(null, [new ApiError(code, message, fields)]);
}

/// <summary>
/// The org's Accounts and Contacts in memory: 18-character ids, system fields stamped on every write, a recycle bin
/// (deleted rows stay queryable through queryAll), cascade delete of an account's contacts, and Salesforce's validation
/// errors. One lock: the emulator serves tests and demos, not load.
/// </summary>
internal sealed class OrgStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, object?>> _records = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SlowSave> _open = new(StringComparer.Ordinal);
    private long _counter;
    private DateTimeOffset _lastStamp;

    /// <summary>A person's update in a transaction still open: stamped when it started, invisible (and its row locked)
    /// until it commits.</summary>
    private sealed record SlowSave(string UserId, string RecordId, JsonObject Fields, DateTimeOffset Started);

    public OrgStore(IOptions<EmulatorOptions> options, TimeProvider time)
    {
        _time = time;
        Schemas = SObjectSchema.Create(options.Value.CustomFields);
    }

    public static string OrgId { get; } = SalesforceIds.New("00D", 1);

    /// <summary>The user the sync signs in as (every OAuth flow of the configured credentials).</summary>
    public static string IntegrationUserId { get; } = SalesforceIds.New("005", 1);

    /// <summary>A person working in the org: the seed data and whatever tests do "by hand" are created as this user.</summary>
    public static string PersonUserId { get; } = SalesforceIds.New("005", 2);

    public IReadOnlyDictionary<string, SObjectSchema> Schemas { get; }

    public SObjectSchema? Schema(string sobject) => Schemas.GetValueOrDefault(sobject);

    public int Count(string sobject, bool includeDeleted)
    {
        lock (_gate)
        {
            return _records.Values.Count(r => (string)r["attributes.type"]! == sobject && (includeDeleted || !(bool)r["IsDeleted"]!));
        }
    }

    // ---- Writes: each as the user whose session made the call, as CreatedById and LastModifiedById say ----

    public SaveResult Create(string userId, string sobject, JsonObject fields)
    {
        var schema = Schema(sobject);
        if (schema is null)
        {
            return SaveResult.Failed("NOT_FOUND", $"The requested resource does not exist: sObject type '{sobject}' is not supported.");
        }

        lock (_gate)
        {
            var record = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["attributes.type"] = schema.Name };
            if (Apply(schema, record, fields, creating: true) is { } error)
            {
                return new SaveResult(null, [error]);
            }

            var now = Stamp();
            var id = SalesforceIds.New(schema.KeyPrefix, ++_counter);
            record["Id"] = id;
            record["IsDeleted"] = false;
            record["CreatedDate"] = now;
            record["CreatedById"] = userId;
            record["LastModifiedDate"] = now;
            record["LastModifiedById"] = userId;
            record["SystemModstamp"] = now;
            record.TryAdd("OwnerId", userId);
            _records[id] = record;
            return new SaveResult(id, []);
        }
    }

    public SaveResult Update(string userId, string? sobject, string rawId, JsonObject fields)
    {
        lock (_gate)
        {
            if (Find(rawId, out var id) is not { } record)
            {
                return id is null
                    ? SaveResult.Failed("MALFORMED_ID", $"malformed id {rawId}", "Id")
                    : SaveResult.Failed("NOT_FOUND", "The requested resource does not exist");
            }

            var schema = Schema((string)record["attributes.type"]!)!;
            if (sobject is not null && !string.Equals(sobject, schema.Name, StringComparison.OrdinalIgnoreCase))
            {
                return SaveResult.Failed("INVALID_CROSS_REFERENCE_KEY", $"invalid cross reference id: {id} is not a {sobject}", "Id");
            }

            if ((bool)record["IsDeleted"]!)
            {
                return SaveResult.Failed("ENTITY_IS_DELETED", "entity is deleted");
            }

            if (Locked(id!))
            {
                return SaveResult.Failed("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records");
            }

            var copy = new Dictionary<string, object?>(record, StringComparer.OrdinalIgnoreCase);
            if (Apply(schema, copy, fields, creating: false) is { } error)
            {
                return new SaveResult(id, [error]);
            }

            var now = Stamp();
            copy["LastModifiedDate"] = now;
            copy["LastModifiedById"] = userId;
            copy["SystemModstamp"] = now;
            _records[id!] = copy;
            return new SaveResult(id, []);
        }
    }

    /// <summary>Upsert on an External ID field: updates the one record holding the value, creates when none does.</summary>
    public SaveResult Upsert(string userId, string sobject, string externalIdField, JsonObject fields)
    {
        var schema = Schema(sobject);
        if (schema?.Field(externalIdField) is not { ExternalId: true } field)
        {
            return SaveResult.Failed("INVALID_FIELD", $"Field name provided, {externalIdField} is not an External ID or indexed field for {sobject}");
        }

        // Field names are case-insensitive in Salesforce, in a body as in SOQL.
        var value = fields.FirstOrDefault(f => string.Equals(f.Key, field.Name, StringComparison.OrdinalIgnoreCase)).Value is JsonValue given && given.TryGetValue<string>(out var text) ? text : null;
        if (string.IsNullOrEmpty(value))
        {
            return SaveResult.Failed("REQUIRED_FIELD_MISSING", $"Required fields are missing: [{field.Name}]", field.Name);
        }

        lock (_gate)
        {
            var matches = _records.Values.Where(r => (string)r["attributes.type"]! == schema.Name && !(bool)r["IsDeleted"]!
                && string.Equals(r.GetValueOrDefault(field.Name) as string, value, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count > 1)
            {
                return SaveResult.Failed("DUPLICATE_EXTERNAL_ID", $"{field.Name}: more than one record found for external id field: {string.Join(", ", matches.Select(m => m["Id"]))}", field.Name);
            }

            if (matches.Count == 1)
            {
                var updated = Update(userId, schema.Name, (string)matches[0]["Id"]!, fields);
                return updated with { Created = false };
            }

            return Create(userId, schema.Name, fields) with { Created = true };
        }
    }

    public SaveResult Delete(string userId, string rawId)
    {
        lock (_gate)
        {
            if (Find(rawId, out var id) is not { } record)
            {
                return id is null ? SaveResult.Failed("MALFORMED_ID", $"malformed id {rawId}") : SaveResult.Failed("NOT_FOUND", "The requested resource does not exist");
            }

            if ((bool)record["IsDeleted"]!)
            {
                return SaveResult.Failed("ENTITY_IS_DELETED", "entity is deleted");
            }

            if (Locked(id!))
            {
                return SaveResult.Failed("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records");
            }

            var now = Stamp();
            MarkDeleted(record, userId, now);
            if ((string)record["attributes.type"]! == "Account")
            {
                foreach (var contact in _records.Values.Where(r => (string)r["attributes.type"]! == "Contact" && !(bool)r["IsDeleted"]! && (r.GetValueOrDefault("AccountId") as string) == id))
                {
                    MarkDeleted(contact, userId, now);
                }
            }

            return new SaveResult(id, []);
        }
    }

    /// <summary>An update by a person whose transaction committed long after its stamp (<paramref name="stampedAgo"/> before
    /// now): what slips past a change feed's lookback window, since the feed's watermark is already beyond the stamp.</summary>
    public SaveResult LateUpdate(string userId, string rawId, JsonObject fields, TimeSpan stampedAgo)
    {
        lock (_gate)
        {
            var result = Update(userId, null, rawId, fields);
            if (result.Success && _records.TryGetValue(result.Id!, out var record))
            {
                var stamp = (DateTimeOffset)record["SystemModstamp"]! - stampedAgo;
                record["SystemModstamp"] = stamp;
                record["LastModifiedDate"] = stamp;
            }

            return result;
        }
    }

    /// <summary>Starts a person's slow update of a record (a long batch job, a heavy trigger), as if it had started
    /// <paramref name="startedAgo"/> before now: nothing of it is visible, and the row is locked, until
    /// <see cref="CommitSlow"/>; the org's replication answers say it is open. Returns the transaction's id, or the reason
    /// the record cannot be updated.</summary>
    public (string? TransactionId, DateTimeOffset Started, SaveResult Result) BeginSlow(string userId, string rawId, JsonObject fields, TimeSpan startedAgo)
    {
        lock (_gate)
        {
            if (Find(rawId, out var id) is not { } record || (bool)record["IsDeleted"]!)
            {
                return (null, default, SaveResult.Failed("NOT_FOUND", "The requested resource does not exist"));
            }

            if (Locked(id!))
            {
                return (null, default, SaveResult.Failed("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records"));
            }

            var transaction = Guid.NewGuid().ToString("N");
            var started = Stamp() - startedAgo;
            _open[transaction] = new SlowSave(userId, id!, fields.DeepClone().AsObject(), started);
            return (transaction, started, new SaveResult(id, []));
        }
    }

    /// <summary>Commits a slow update: its values become visible under the stamp of when it started, behind what every
    /// read since saw. Null when no such transaction is open.</summary>
    public SaveResult? CommitSlow(string transactionId)
    {
        lock (_gate)
        {
            if (!_open.Remove(transactionId, out var save))
            {
                return null;
            }

            var result = Update(save.UserId, null, save.RecordId, save.Fields);
            if (result.Success)
            {
                var record = _records[save.RecordId];
                record["SystemModstamp"] = save.Started;
                record["LastModifiedDate"] = save.Started;
            }

            return result;
        }
    }

    /// <summary>Whether a slow transaction holds the record's row (callers hold the gate).</summary>
    private bool Locked(string id) => _open.Values.Any(t => t.RecordId == id);

    /// <summary>When the oldest transaction still open started, or null when none is.</summary>
    public DateTimeOffset? OpenSince
    {
        get
        {
            lock (_gate)
            {
                return _open.Count == 0 ? null : _open.Values.Min(t => t.Started);
            }
        }
    }

    /// <summary>Hard delete: the records (live or in the recycle bin) are gone for good, as after emptying the recycle bin or a
    /// Bulk API hardDelete — queryAll no longer returns them, and no change feed reports them. Returns the ids purged.</summary>
    public List<string> Purge(IEnumerable<string> rawIds)
    {
        lock (_gate)
        {
            var purged = new List<string>();
            foreach (var raw in rawIds)
            {
                if (Find(raw, out var id) is not null && _records.Remove(id!))
                {
                    purged.Add(id!);
                }
            }

            return purged;
        }
    }

    // ---- Reads ----

    public Dictionary<string, object?>? Get(string sobject, string rawId)
    {
        lock (_gate)
        {
            return Find(rawId, out _) is { } record && !(bool)record["IsDeleted"]! && (string)record["attributes.type"]! == Schema(sobject)?.Name
                ? new Dictionary<string, object?>(record, StringComparer.OrdinalIgnoreCase)
                : null;
        }
    }

    /// <summary>Runs a query: validates every field against the schema, filters, orders and limits, and projects the selected fields.</summary>
    public List<Dictionary<string, object?>> Query(SoqlQuery query, bool includeDeleted)
    {
        var schema = Schema(query.Object) ?? throw new SoqlException("INVALID_TYPE", $"sObject type '{query.Object}' is not supported.");
        var referenced = query.Fields.Concat(query.Where?.FieldNames() ?? []).Concat(query.OrderBy.Select(o => o.Field));
        foreach (var name in referenced)
        {
            if (schema.Field(name) is null)
            {
                throw new SoqlException("INVALID_FIELD", $"No such column '{name}' on entity '{schema.Name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.");
            }
        }

        lock (_gate)
        {
            IEnumerable<Dictionary<string, object?>> rows = _records.Values
                .Where(r => (string)r["attributes.type"]! == schema.Name && (includeDeleted || !(bool)r["IsDeleted"]!))
                .Where(r => query.Where is null || query.Where.Matches(name => Typed(schema, r, name)))
                .OrderBy(r => (DateTimeOffset)r["CreatedDate"]!).ThenBy(r => (string)r["Id"]!, StringComparer.Ordinal);
            if (query.OrderBy.Count > 0)
            {
                rows = rows.Order(new RowOrder(query.OrderBy, schema));
            }

            if (query.Limit is { } limit)
            {
                rows = rows.Take(limit);
            }

            return rows.Select(r =>
            {
                var projected = new Dictionary<string, object?>(StringComparer.Ordinal) { ["attributes.type"] = schema.Name, ["attributes.id"] = r["Id"] };
                foreach (var name in query.Fields)
                {
                    projected[schema.Field(name)!.Name] = Value(r, name);
                }

                return projected;
            }).ToList();
        }
    }

    /// <summary>Ids of records changed (getUpdated) or deleted (getDeleted) in [start, end), with seconds truncated.</summary>
    public (List<string> Ids, List<(string Id, DateTimeOffset At)> Deleted) Replication(string sobject, DateTimeOffset start, DateTimeOffset end)
    {
        lock (_gate)
        {
            var inWindow = _records.Values.Where(r => (string)r["attributes.type"]! == sobject
                && (DateTimeOffset)r["SystemModstamp"]! >= start && (DateTimeOffset)r["SystemModstamp"]! < end).ToList();
            return (
                inWindow.Where(r => !(bool)r["IsDeleted"]!).Select(r => (string)r["Id"]!).ToList(),
                inWindow.Where(r => (bool)r["IsDeleted"]!).Select(r => ((string)r["Id"]!, (DateTimeOffset)r["SystemModstamp"]!)).ToList());
        }
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    private static object? Value(Dictionary<string, object?> record, string name)
    {
        if (string.Equals(name, "Name", StringComparison.OrdinalIgnoreCase) && (string)record["attributes.type"]! == "Contact")
        {
            var joined = $"{record.GetValueOrDefault("FirstName")} {record.GetValueOrDefault("LastName")}".Trim();
            return joined.Length == 0 ? null : joined;
        }

        return record.GetValueOrDefault(name);
    }

    private Dictionary<string, object?>? Find(string rawId, out string? id)
    {
        id = SalesforceIds.Normalize(rawId);
        return id is not null && _records.TryGetValue(id, out var record) ? record : null;
    }

    private static void MarkDeleted(Dictionary<string, object?> record, string userId, DateTimeOffset now)
    {
        record["IsDeleted"] = true;
        record["SystemModstamp"] = now;
        record["LastModifiedDate"] = now;
        record["LastModifiedById"] = userId;
    }

    private ApiError? Apply(SObjectSchema schema, Dictionary<string, object?> record, JsonObject fields, bool creating)
    {
        foreach (var (name, node) in fields)
        {
            if (name is "attributes" || (name.Equals("Id", StringComparison.OrdinalIgnoreCase) && !creating))
            {
                continue;
            }

            var field = schema.Field(name);
            if (field is null)
            {
                return new ApiError("INVALID_FIELD", $"No such column '{name}' on sobject of type {schema.Name}", [name]);
            }

            if (!field.Writable)
            {
                return new ApiError("INVALID_FIELD_FOR_INSERT_UPDATE", $"Unable to create/update fields: {field.Name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", [field.Name]);
            }

            if (node is not null && (node is not JsonValue value || !value.TryGetValue<string>(out _)))
            {
                return new ApiError("JSON_PARSER_ERROR", $"Cannot deserialize instance of string from {node.ToJsonString()} value for {field.Name}", [field.Name]);
            }

            var text = node?.GetValue<string>();
            if (string.IsNullOrEmpty(text))
            {
                record[field.Name] = null;
                continue;
            }

            if (text.Length > field.MaxLength)
            {
                return new ApiError("STRING_TOO_LONG", $"{field.Name}: data value too large: {text[..Math.Min(20, text.Length)]}... (max length={field.MaxLength})", [field.Name]);
            }

            if (field.Type == FieldType.Email && (!MailAddress.TryCreate(text, out var address) || address.Address != text))
            {
                return new ApiError("INVALID_EMAIL_ADDRESS", $"{field.Name}: invalid email address: {text}", [field.Name]);
            }

            if (field.Type == FieldType.Reference)
            {
                var target = SalesforceIds.Normalize(text);
                if (target is null)
                {
                    return new ApiError("MALFORMED_ID", $"{field.Name}: id value of incorrect type: {text}", [field.Name]);
                }

                var valid = field.ReferenceTo == "User"
                    ? target.StartsWith("005", StringComparison.Ordinal)
                    : _records.TryGetValue(target, out var parent) && (string)parent["attributes.type"]! == field.ReferenceTo && !(bool)parent["IsDeleted"]!;
                if (!valid)
                {
                    return new ApiError("INVALID_CROSS_REFERENCE_KEY", $"invalid cross reference id", [field.Name]);
                }

                text = target;
            }

            record[field.Name] = text;
        }

        var required = schema.Fields.FirstOrDefault(f => f.Required && string.IsNullOrWhiteSpace(record.GetValueOrDefault(f.Name) as string));
        return required is null ? null : new ApiError("REQUIRED_FIELD_MISSING", $"Required fields are missing: [{required.Name}]", [required.Name]);
    }

    // Millisecond precision, strictly increasing, so keyset paging on (SystemModstamp, Id) is exercised but never ambiguous.
    private DateTimeOffset Stamp()
    {
        var now = _time.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        _lastStamp = now > _lastStamp ? now : _lastStamp.AddMilliseconds(1);
        return _lastStamp;
    }

    /// <summary>A value as WHERE and ORDER BY compare it: Id and reference fields as ids (<see cref="SoqlId"/>: case-sensitive,
    /// in the order of their base-62 digits, as Salesforce orders them), everything else as stored.</summary>
    private static object? Typed(SObjectSchema schema, Dictionary<string, object?> record, string name)
    {
        var value = Value(record, name);
        return value is string text && schema.Field(name) is { Type: FieldType.Id or FieldType.Reference } ? new SoqlId(text) : value;
    }

    private sealed class RowOrder(IReadOnlyList<(string Field, bool Descending, bool NullsLast)> order, SObjectSchema schema) : IComparer<Dictionary<string, object?>>
    {
        public int Compare(Dictionary<string, object?>? x, Dictionary<string, object?>? y)
        {
            foreach (var (field, descending, nullsLast) in order)
            {
                var a = Typed(schema, x!, field);
                var b = Typed(schema, y!, field);
                int result;
                if (a is null || b is null)
                {
                    result = a is null && b is null ? 0 : (a is null ? -1 : 1) * (nullsLast ? -1 : 1);
                    if (result != 0)
                    {
                        return result;
                    }

                    continue;
                }

                // The same comparison as WHERE uses, so keyset paging (ORDER BY x, Id with x > ... OR Id > ...) never skips a row.
                result = SoqlValues.Compare(a, b) ?? 0;
                if (result != 0)
                {
                    return descending ? -result : result;
                }
            }

            return 0;
        }
    }
}
