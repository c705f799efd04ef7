using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SfSync.SampleApp.Data;

/// <summary>Customers and contacts: what both the user endpoints and the sync API read and write.</summary>
internal sealed class RecordStore(AppDatabase database, TimeProvider time)
{
    private const string SystemColumns = "id, extra, salesforce_id, sync_disabled, created_at, modified_at, version, deleted";

    // ---- Reads ----

    public async Task<StoredRecord?> GetAsync(Collection collection, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await GetAsync(connection, collection, id, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredRecord>> ListAsync(Collection collection, long? customerId, int skip, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns(collection)} FROM {collection.Table} WHERE deleted = 0"
            + (customerId is null ? "" : " AND customer_id = $customer")
            + " ORDER BY id LIMIT $take OFFSET $skip";
        command.Parameters.AddWithValue("$take", take);
        command.Parameters.AddWithValue("$skip", skip);
        if (customerId is not null)
        {
            command.Parameters.AddWithValue("$customer", customerId);
        }

        return await ReadAllAsync(command, collection, cancellationToken);
    }

    /// <summary>How many live records a list without paging would hold.</summary>
    public async Task<long> CountAsync(Collection collection, long? customerId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {collection.Table} WHERE deleted = 0" + (customerId is null ? "" : " AND customer_id = $customer");
        if (customerId is not null)
        {
            command.Parameters.AddWithValue("$customer", customerId);
        }

        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Every record (deleted ones as tombstones) whose version is above <paramref name="after"/>, in version order.</summary>
    public async Task<(IReadOnlyList<StoredRecord> Records, bool HasMore)> ChangesAsync(Collection collection, long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns(collection)} FROM {collection.Table} WHERE version > $after ORDER BY version LIMIT $limit";
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit + 1);
        var records = await ReadAllAsync(command, collection, cancellationToken);
        return records.Count > limit ? (records.Take(limit).ToList(), true) : (records, false);
    }

    /// <summary>Live ids after <paramref name="after"/> in ordinal (text) order, as the drift sweep lists them: the contract
    /// orders ids as strings, so "10" comes before "9".</summary>
    public async Task<(IReadOnlyList<(long Id, long Version, DateTimeOffset ModifiedAt, bool SyncDisabled)> Ids, bool HasMore)> IdsAsync(Collection collection, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, version, modified_at, sync_disabled FROM {collection.Table} WHERE deleted = 0 AND CAST(id AS TEXT) > $after ORDER BY CAST(id AS TEXT) LIMIT $limit";
        command.Parameters.AddWithValue("$after", after ?? "");
        command.Parameters.AddWithValue("$limit", limit + 1);
        var ids = new List<(long, long, DateTimeOffset, bool)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add((reader.GetInt64(0), reader.GetInt64(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), reader.GetInt64(3) != 0));
        }

        return ids.Count > limit ? (ids.Take(limit).ToList(), true) : (ids, false);
    }

    /// <summary>
    /// Live records matching any of the lookups: ids, Salesforce ids, e-mails (contacts), names (case-insensitively) or
    /// customer ids (contacts of those customers). With <paramref name="includeDeleted"/> the records asked for by id or
    /// Salesforce id come back even when deleted: tombstones keep the fields, Salesforce id and customer they had when deleted.
    /// </summary>
    public async Task<IReadOnlyList<StoredRecord>> LookupAsync(Collection collection, RecordLookup lookup, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var live = new List<string>();
        var byId = new List<string>();
        AddIn(command, lookup.IncludeDeleted ? byId : live, "id", "i", lookup.Ids.Cast<object>().ToList(), caseInsensitive: false);
        AddIn(command, lookup.IncludeDeleted ? byId : live, "salesforce_id", "s", lookup.SalesforceIds.Cast<object>().ToList(), caseInsensitive: false);
        if (collection.HasCustomer)
        {
            AddIn(command, live, "email", "e", lookup.Emails.Select(e => (object)e.Trim()).ToList(), caseInsensitive: true);
            AddIn(command, live, "customer_id", "c", lookup.CustomerIds.Cast<object>().ToList(), caseInsensitive: false);
        }

        AddIn(command, live, "name", "n", lookup.Names.Select(n => (object)n.Trim()).ToList(), caseInsensitive: true);
        var clauses = byId.Concat(live.Count == 0 ? [] : [$"(deleted = 0 AND ({string.Join(" OR ", live)}))"]).ToList();
        if (clauses.Count == 0)
        {
            return [];
        }

        command.CommandText = $"SELECT {Columns(collection)} FROM {collection.Table} WHERE {string.Join(" OR ", clauses)} ORDER BY id";
        return await ReadAllAsync(command, collection, cancellationToken);
    }

    // ---- Writes ----

    /// <summary>A person's create or edit through the app's own endpoints: sync_disabled does not stop them.</summary>
    public async Task<WriteOutcome> WriteAsUserAsync(Collection collection, long? id, RecordChange change, CancellationToken cancellationToken) =>
        (await WriteManyAsync(collection, [(id, change)], bySync: false, cancellationToken))[0];

    /// <summary>
    /// Creates (no id) or updates records in one transaction, each under a savepoint so that one bad record fails
    /// alone. A sync create that names a Salesforce id already held by a live record writes nothing and returns that
    /// record unchanged (<see cref="WriteOutcome.Existing"/>): a retried create is never a duplicate, and never
    /// overwrites an edit a person made after the first attempt. A person's create through the app's own endpoints
    /// still updates that record, as before.
    /// </summary>
    /// <param name="bySync">True for the sync API, which must not change records flagged sync_disabled.</param>
    public async Task<IReadOnlyList<WriteOutcome>> WriteManyAsync(Collection collection, IReadOnlyList<(long? Id, RecordChange Change)> writes, bool bySync, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var results = new List<WriteOutcome>(writes.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            var savepoint = $"w{i}";
            await transaction.SaveAsync(savepoint, cancellationToken);
            try
            {
                var outcome = await WriteOneAsync(connection, collection, writes[i].Id, writes[i].Change, bySync, cancellationToken);
                if (outcome.Error is not null)
                {
                    await transaction.RollbackAsync(savepoint, cancellationToken);
                }

                results.Add(outcome);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
            {
                await transaction.RollbackAsync(savepoint, cancellationToken);
                results.Add(WriteOutcome.Fail("Conflict", "The record conflicts with another record (a Salesforce id may be used once)."));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    /// <summary>Deletes records (a tombstone stays for the change feed); a customer's contacts go with it. Missing ids succeed.</summary>
    public async Task<IReadOnlyList<long?>> DeleteManyAsync(Collection collection, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var versions = new List<long?>();
        foreach (var id in ids)
        {
            versions.Add(await DeleteOneAsync(connection, collection, id, cancellationToken));
            if (collection == Collection.Customers)
            {
                await using var contacts = connection.CreateCommand();
                contacts.CommandText = "SELECT id FROM contacts WHERE customer_id = $id AND deleted = 0";
                contacts.Parameters.AddWithValue("$id", id);
                var contactIds = new List<long>();
                await using (var reader = await contacts.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        contactIds.Add(reader.GetInt64(0));
                    }
                }

                foreach (var contactId in contactIds)
                {
                    await DeleteOneAsync(connection, Collection.Contacts, contactId, cancellationToken);
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return versions;
    }

    private async Task<long?> DeleteOneAsync(SqliteConnection connection, Collection collection, long id, CancellationToken cancellationToken)
    {
        var current = await GetAsync(connection, collection, id, cancellationToken);
        if (current is null || current.Deleted)
        {
            return current?.Version;
        }

        var version = await NextVersionAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE {collection.Table} SET deleted = 1, version = $version, modified_at = $now WHERE id = $id";
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$now", Timestamp(time.GetUtcNow()));
        command.Parameters.AddWithValue("$id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return version;
    }

    private async Task<WriteOutcome> WriteOneAsync(SqliteConnection connection, Collection collection, long? id, RecordChange change, bool bySync, CancellationToken cancellationToken)
    {
        StoredRecord? current = null;
        if (id is { } existingId)
        {
            current = await GetAsync(connection, collection, existingId, cancellationToken);
            if (current is null || current.Deleted)
            {
                return WriteOutcome.Fail("NotFound", $"No {collection.Name} record {existingId}.");
            }

            if (change.ExpectedVersion is { } expected && current.Version != expected)
            {
                return VersionConflict(collection, current.Id, expected, current.Version);
            }
        }
        else if (change.SalesforceId is { } salesforceId)
        {
            var found = await LookupInAsync(connection, collection, "salesforce_id", salesforceId, cancellationToken);
            current = found.Count > 0 ? found[0] : null;
        }

        if (bySync && current is { SyncDisabled: true })
        {
            return WriteOutcome.Fail("SyncDisabled", "The record is flagged sync_disabled; clear the flag to change it through sync.");
        }

        if (bySync && id is null && current is not null)
        {
            // A create retried after its answer was lost (or one racing the first): the record it names may have been
            // edited by a person since, so it is handed back as it is, never written over.
            return WriteOutcome.Found(current);
        }

        var fields = new Dictionary<string, string?>(current?.Fields ?? new Dictionary<string, string?>(), StringComparer.Ordinal);
        foreach (var (name, value) in change.Fields)
        {
            fields[name] = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        if (Validate(collection, fields, change) is { } invalid)
        {
            return new WriteOutcome(null, invalid);
        }

        var customerId = change.CustomerId ?? current?.CustomerId;
        if (collection.HasCustomer && change.CustomerId is { } newCustomer && !await ExistsAsync(connection, Collection.Customers, newCustomer, cancellationToken))
        {
            return WriteOutcome.Fail("NotFound", $"No customer {newCustomer}.", "customer_id");
        }

        var version = await NextVersionAsync(connection, cancellationToken);
        var now = time.GetUtcNow();
        var extra = fields.Where(f => !collection.Fields.Contains(f.Key)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        var typed = collection.Fields.ToList();
        if (collection.HasCustomer)
        {
            typed.Add("customer_id");
            command.Parameters.AddWithValue("$customer_id", (object?)customerId ?? DBNull.Value);
        }

        foreach (var field in collection.Fields)
        {
            command.Parameters.AddWithValue("$" + field, (object?)fields.GetValueOrDefault(field) ?? DBNull.Value);
        }

        command.Parameters.AddWithValue("$extra", extra.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(extra));
        command.Parameters.AddWithValue("$salesforce_id", (object?)(change.SalesforceId ?? current?.SalesforceId) ?? DBNull.Value);
        command.Parameters.AddWithValue("$sync_disabled", (change.SyncDisabled ?? current?.SyncDisabled ?? false) ? 1 : 0);
        command.Parameters.AddWithValue("$now", Timestamp(now));
        command.Parameters.AddWithValue("$version", version);
        if (current is null)
        {
            command.CommandText = $"INSERT INTO {collection.Table} ({string.Join(", ", typed)}, extra, salesforce_id, sync_disabled, created_at, modified_at, version) "
                + $"VALUES ({string.Join(", ", typed.Select(f => "$" + f))}, $extra, $salesforce_id, $sync_disabled, $now, $now, $version) RETURNING id";
            var newId = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            return WriteOutcome.Ok((await GetAsync(connection, collection, newId, cancellationToken))!);
        }

        // The version read above is the one the update replaces: the WHERE clause makes that a condition of the write
        // itself, so the check and the write are one statement even if this ever ran outside a write transaction.
        command.CommandText = $"UPDATE {collection.Table} SET {string.Join(", ", typed.Select(f => $"{f} = ${f}"))}, extra = $extra, salesforce_id = $salesforce_id, "
            + "sync_disabled = $sync_disabled, modified_at = $now, version = $version WHERE id = $id AND version = $read_version AND deleted = 0";
        command.Parameters.AddWithValue("$id", current.Id);
        command.Parameters.AddWithValue("$read_version", current.Version);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return VersionConflict(collection, current.Id, change.ExpectedVersion ?? current.Version, null);
        }

        return WriteOutcome.Ok((await GetAsync(connection, collection, current.Id, cancellationToken))!);
    }

    private static WriteOutcome VersionConflict(Collection collection, long id, long expected, long? actual) => WriteOutcome.Fail(
        "VersionConflict",
        $"{collection.Name} record {id} is at version {(actual is { } a ? a.ToString(CultureInfo.InvariantCulture) : "a newer one")}, not {expected}: it changed since it was read; read it again.");

    private static RecordError? Validate(Collection collection, Dictionary<string, string?> fields, RecordChange change)
    {
        foreach (var (name, value) in fields)
        {
            if (!IsFieldName(name))
            {
                return new RecordError("UnknownField", $"'{name}' is not a field name (snake_case, at most 63 characters).", name);
            }

            if (value is not null && value.Length > Collection.MaxLength(name))
            {
                return new RecordError("TooLong", $"{name} is {value.Length} characters; at most {Collection.MaxLength(name)} are allowed.", name);
            }
        }

        if (string.IsNullOrWhiteSpace(fields.GetValueOrDefault("name")))
        {
            return new RecordError("Required", "name is required.", "name");
        }

        if (collection.HasCustomer && fields.GetValueOrDefault("email") is { } email && !IsEmail(email))
        {
            return new RecordError("InvalidEmail", "email is not an e-mail address.", "email");
        }

        if (change.SalesforceId is { } salesforceId && (salesforceId.Length is not (15 or 18) || !salesforceId.All(char.IsAsciiLetterOrDigit)))
        {
            return new RecordError("InvalidSalesforceId", "salesforce_id must be a 15- or 18-character Salesforce id.", "salesforce_id");
        }

        return null;
    }

    private static bool IsFieldName(string name) =>
        name.Length is > 0 and < 64 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var address) && address.Address == value && value.Contains('.', StringComparison.Ordinal);

    private static async Task<long> NextVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE change_sequence SET value = value + 1 WHERE id = 1 RETURNING value";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<bool> ExistsAsync(SqliteConnection connection, Collection collection, long id, CancellationToken cancellationToken) =>
        await GetAsync(connection, collection, id, cancellationToken) is { Deleted: false };

    private static async Task<StoredRecord?> GetAsync(SqliteConnection connection, Collection collection, long id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns(collection)} FROM {collection.Table} WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        var found = await ReadAllAsync(command, collection, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    private static async Task<IReadOnlyList<StoredRecord>> LookupInAsync(SqliteConnection connection, Collection collection, string column, string value, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns(collection)} FROM {collection.Table} WHERE deleted = 0 AND {column} = $value";
        command.Parameters.AddWithValue("$value", value);
        return await ReadAllAsync(command, collection, cancellationToken);
    }

    private static void AddIn(SqliteCommand command, List<string> clauses, string column, string prefix, List<object> values, bool caseInsensitive)
    {
        if (values.Count == 0)
        {
            return;
        }

        var names = values.Select((v, i) =>
        {
            var name = $"${prefix}{i}";
            command.Parameters.AddWithValue(name, v);
            return name;
        });
        clauses.Add($"{column}{(caseInsensitive ? " COLLATE NOCASE" : "")} IN ({string.Join(", ", names)})");
    }

    private static string Columns(Collection collection) =>
        $"{SystemColumns}, {string.Join(", ", collection.Fields)}{(collection.HasCustomer ? ", customer_id" : "")}";

    private static async Task<IReadOnlyList<StoredRecord>> ReadAllAsync(SqliteCommand command, Collection collection, CancellationToken cancellationToken)
    {
        var records = new List<StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (!reader.IsDBNull(1))
            {
                foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, string?>>(reader.GetString(1)) ?? [])
                {
                    fields[k] = v;
                }
            }

            for (var i = 0; i < collection.Fields.Count; i++)
            {
                fields[collection.Fields[i]] = reader.IsDBNull(8 + i) ? null : reader.GetString(8 + i);
            }

            long? customerId = collection.HasCustomer && !reader.IsDBNull(8 + collection.Fields.Count) ? reader.GetInt64(8 + collection.Fields.Count) : null;
            records.Add(new StoredRecord(
                reader.GetInt64(0),
                fields,
                reader.IsDBNull(2) ? null : reader.GetString(2),
                customerId,
                reader.GetInt64(3) != 0,
                DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                reader.GetInt64(6),
                reader.GetInt64(7) != 0));
        }

        return records;
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
