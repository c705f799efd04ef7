using System.Globalization;
using SfSync.App;
using SfSync.Model;

namespace SfSync.Tests.Convergence;

/// <summary>
/// A simulated line-of-business app behind the engine's port, with the app sync API's contract: a monotonic change
/// sequence with tombstones, deleting a customer deletes its contacts, conditional updates (<c>ExpectedVersion</c> →
/// per-record VersionConflict), a create naming a live record's Salesforce id updates that record, IncludeDeleted
/// tombstones and CustomerIds lookups, validation rules, and sync_disabled records (any engine write to one is recorded).
/// </summary>
internal sealed class SimApp(SimWorld world) : IAppRecords
{
    private readonly Dictionary<AppId, Row> _rows = [];
    private readonly List<(long Version, EntityKind Entity, AppId Id, bool Deleted, DateTimeOffset At)> _feed = [];
    private long _sequence;
    private long _nextId = 1;

    public sealed class Row
    {
        public required AppId Id { get; init; }

        public required EntityKind Entity { get; init; }

        public required Logical Logical { get; init; }

        public Dictionary<string, string?> Fields { get; } = new(StringComparer.Ordinal);

        public SalesforceId? SalesforceId { get; set; }

        public AppId? ParentId { get; set; }

        public bool SyncDisabled { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public long CreatedAtOperation { get; init; }

        public bool CreatedByEngine { get; init; }

        public long Version { get; set; }

        public bool Deleted { get; set; }

        public AppRecord ToRecord() => new(Id, new Dictionary<string, string?>(Fields), SalesforceId, ParentId, SyncDisabled, CreatedAt, Version, Deleted);
    }

    /// <summary>Logical records whose app writes a validation rule rejects until heal.</summary>
    public HashSet<Logical> Rejecting { get; } = [];

    public IEnumerable<Row> Rows => _rows.Values;

    public Row? Find(AppId id) => _rows.GetValueOrDefault(id);

    public IEnumerable<Row> Live(EntityKind entity) => _rows.Values.Where(r => r.Entity == entity && !r.Deleted);

    // ---- People ----

    public Row PersonCreate(Logical logical, IReadOnlyDictionary<string, string?> fields, AppId? parent, bool syncDisabled)
    {
        var row = new Row
        {
            Id = NewId(logical.Entity),
            Entity = logical.Entity,
            Logical = logical,
            CreatedAt = world.Time.GetUtcNow(),
            CreatedAtOperation = world.Scheduler.Operation,
            ParentId = parent,
            SyncDisabled = syncDisabled,
        };
        foreach (var (k, v) in fields)
        {
            row.Fields[k] = v;
        }

        _rows[row.Id] = row;
        logical.AppSince ??= world.Scheduler.Operation;
        Touch(row);
        return row;
    }

    public void PersonEdit(Row row, IReadOnlyDictionary<string, string?> fields, bool setsParent, AppId? parent)
    {
        foreach (var (k, v) in fields)
        {
            row.Fields[k] = v;
        }

        if (setsParent)
        {
            row.ParentId = parent;
        }

        Touch(row);
    }

    /// <summary>Deletes a record; a customer takes its contacts with it. Returns every record deleted.</summary>
    public List<Row> DeleteRow(Row row)
    {
        var deleted = new List<Row> { row };
        row.Deleted = true;
        Touch(row);
        if (row.Entity == EntityKind.Account)
        {
            foreach (var contact in _rows.Values.Where(r => r.Entity == EntityKind.Contact && r.ParentId == row.Id && !r.Deleted))
            {
                contact.Deleted = true;
                Touch(contact);
                deleted.Add(contact);
            }
        }

        return deleted;
    }

    // ---- The port ----

    public async Task<AppChangePage> ReadChangesAsync(EntityKind entity, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        Before(await world.Scheduler.EnterAsync(PortCall.AppReadChanges));
        var after = cursor is null ? 0 : long.Parse(cursor, CultureInfo.InvariantCulture);
        var all = _feed.Where(f => f.Entity == entity && f.Version > after).ToList();
        var page = all.Take(limit).Select(f => new AppChange(f.Id, f.Version, f.At, f.Deleted)).ToList();
        var next = page.Count == 0 ? cursor : page[^1].Version.ToString(CultureInfo.InvariantCulture);
        if (world.Scheduler.Tracing)
        {
            world.Scheduler.Annotate(SimScheduler.Current!, $"app {entity} feed after {cursor ?? "start"}: {string.Join(" ", page.Select(c => $"{c.Id}@{c.Version}{(c.Deleted ? "†" : "")}"))}");
        }
        return new AppChangePage(page, next, all.Count > limit);
    }

    public async Task<IReadOnlyList<AppRecord>> ReadAsync(EntityKind entity, AppReadRequest request, CancellationToken cancellationToken = default)
    {
        Before(await world.Scheduler.EnterAsync(PortCall.AppRead));
        var emails = request.Emails.Select(e => e.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = request.Names.Select(e => e.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var found = _rows.Values
            .Where(r => r.Entity == entity)
            .Where(r => (request.IncludeDeleted && (request.Ids.Contains(r.Id) || (r.SalesforceId is { } t && request.SalesforceIds.Contains(t)))) || (!r.Deleted && (request.Ids.Contains(r.Id)
                || (r.SalesforceId is { } s && request.SalesforceIds.Contains(s))
                || (r.ParentId is { } p && request.CustomerIds.Contains(p))
                || emails.Contains(r.Fields.GetValueOrDefault("email")?.Trim() ?? "\0")
                || names.Contains(r.Fields.GetValueOrDefault("name")?.Trim() ?? "\0"))))
            .ToList();
        var actor = SimScheduler.Current!;
        actor.FirstRead ??= world.Scheduler.Operation;
        foreach (var row in found)
        {
            actor.AppReads[row.Id.Value] = world.Scheduler.Operation;
        }

        world.Detail(() => $"  app {entity} read: {string.Join(" ", found.Select(Show))}");
        return found.Select(r => r.ToRecord()).ToList();
    }

    private static string Show(Row r) => $"{r.Id}@{r.Version}{(r.Deleted ? "†" : "")}[sf={r.SalesforceId?.Value[3..15].TrimStart('0')} cust={r.ParentId} {string.Join(",", r.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value))}]";

    public async Task<IReadOnlyList<AppWriteResult>> UpsertAsync(EntityKind entity, IReadOnlyList<AppUpsert> records, CancellationToken cancellationToken = default)
    {
        var fault = await world.Scheduler.EnterAsync(PortCall.AppUpsert);
        Before(fault);
        var actor = SimScheduler.Current!;
        var results = records.Select(u => Upsert(entity, u, actor)).ToList();
        world.Detail(() => $"  app {entity} upsert: {string.Join(" | ", records.Zip(results, (u, r) => $"{u.Id?.Value ?? "new"} exp={u.ExpectedVersion} sf={u.SalesforceId?.Value[3..15].TrimStart('0')} cust={u.ParentId} {{{string.Join(",", u.Fields.Select(f => f.Key + "=" + f.Value))}}} → {(r.Success ? $"ok {r.Id}@{r.Version}{(r.Existing ? " existing" : "")}" : r.ErrorCode)}"))}{(fault == Fault.LostAnswer ? " (answer lost)" : "")}");
        if (fault == Fault.LostAnswer)
        {
            throw new SideUnavailableException(Side.App, "timeout after the request was sent (simulated)");
        }

        return results;
    }

    private AppWriteResult Upsert(EntityKind entity, AppUpsert upsert, Actor actor)
    {
        Row? row;
        if (upsert.Id is { } id)
        {
            if (!_rows.TryGetValue(id, out row) || row.Deleted || row.Entity != entity)
            {
                return AppWriteResult.Failed("NotFound", "No such record.");
            }

            if (upsert.ExpectedVersion is { } expected && row.Version != expected)
            {
                return AppWriteResult.Failed(AppWriteResult.VersionConflict, "The record changed since it was read.");
            }
        }
        else if (upsert.SalesforceId is { } stamped && _rows.Values.FirstOrDefault(r => r.Entity == entity && !r.Deleted && r.SalesforceId == stamped) is { } existing)
        {
            // The contract: a create naming a live record's Salesforce id returns that record unchanged.
            return existing.SyncDisabled
                ? AppWriteResult.Failed("SyncDisabled", "The record is flagged sync_disabled.")
                : new AppWriteResult(true, existing.Id, existing.Version, Existing: true);
        }
        else
        {
            row = null;
        }

        var logical = row?.Logical
            ?? (upsert.SalesforceId is { } sf && world.Salesforce.Find(sf) is { } source ? source.Logical : null)
            ?? world.Orphan(entity, $"app create without a known Salesforce id ({upsert.SalesforceId})");
        if (world.Faults.Enabled && Rejecting.Contains(logical))
        {
            logical.PermanentlyRejected = true;
            world.Scheduler.Annotate(actor, $"app rejects {logical}: ValidationFailed");
            return AppWriteResult.Failed("ValidationFailed", "Rejected by the app's validation (simulated).");
        }

        if (upsert.ParentId is { } parent && (!_rows.TryGetValue(parent, out var customer) || customer.Deleted || customer.Entity != EntityKind.Account))
        {
            world.Scheduler.Annotate(actor, $"app rejects {logical}: unknown customer {parent}");
            logical.LastAttempt[Side.App] = "NotFound";
            return AppWriteResult.Failed("NotFound", "The customer does not exist."); // as the sample app answers
        }

        if (row is null)
        {
            if (logical.Disabled)
            {
                world.Violation(FindingKind.DisabledRecordTouched, logical, $"Salesforce {entity} {upsert.SalesforceId} matching a sync_disabled app record was copied to the app");
            }

            row = new Row
            {
                Id = NewId(entity),
                Entity = entity,
                Logical = logical,
                CreatedAt = world.Time.GetUtcNow(),
                CreatedAtOperation = world.Scheduler.Operation,
                CreatedByEngine = true,
            };
            _rows[row.Id] = row;
            logical.AppSince ??= world.Scheduler.Operation;
            world.Scheduler.Annotate(actor, $"created {entity} {row.Id} for {logical}");
        }
        else
        {
            if (row.SyncDisabled)
            {
                world.Violation(FindingKind.DisabledRecordTouched, logical, $"sync_disabled app record {row.Id} was written");
            }

            if (actor.AppReads.TryGetValue(row.Id.Value, out var readAt)
                && logical.Events.Any(e => e.Side == Side.App && !e.IsDeletion && e.Operation > readAt))
            {
                logical.AppEditInWindow = true;
            }
        }

        foreach (var (k, v) in upsert.Fields)
        {
            row.Fields[k] = v;
        }

        row.SalesforceId = upsert.SalesforceId ?? row.SalesforceId;
        row.ParentId = upsert.ParentId ?? row.ParentId;
        Touch(row);
        logical.LastAttempt[Side.App] = null;
        return new AppWriteResult(true, row.Id, row.Version);
    }

    public async Task<IReadOnlyList<AppWriteResult>> DeleteAsync(EntityKind entity, IReadOnlyList<AppId> ids, CancellationToken cancellationToken = default)
    {
        var fault = await world.Scheduler.EnterAsync(PortCall.AppDelete);
        Before(fault);
        var actor = SimScheduler.Current!;
        var operation = world.Scheduler.Operation;
        var results = ids.Select(id =>
        {
            if (_rows.TryGetValue(id, out var row) && !row.Deleted && row.Entity == entity)
            {
                if (row.SyncDisabled)
                {
                    world.Violation(FindingKind.DisabledRecordTouched, row.Logical, $"sync_disabled app record {row.Id} was deleted");
                }

                var deleted = DeleteRow(row);
                row.Logical.EngineDeletes.Add((Side.App, operation));
                foreach (var cascaded in deleted.Skip(1))
                {
                    cascaded.Logical.EngineCascadeDeleted = true;
                    cascaded.Logical.Events.Add(new HumanEvent(operation, Side.App, null, null) { ByEngine = true });
                }

                world.Scheduler.Annotate(actor, $"deleted {entity} {id} of {row.Logical}");
            }

            return new AppWriteResult(true, id, _sequence);
        }).ToList();
        if (fault == Fault.LostAnswer)
        {
            throw new SideUnavailableException(Side.App, "timeout after the request was sent (simulated)");
        }

        return results;
    }

    private static void Before(Fault fault)
    {
        switch (fault)
        {
            case Fault.Unavailable:
                throw new SideUnavailableException(Side.App, "503 (simulated)");
            case Fault.Throttled:
                throw new SideUnavailableException(Side.App, "429 (simulated)");
            case Fault.Crash:
                throw new SimCrashException("an app call");
        }
    }

    private void Touch(Row row)
    {
        row.Version = ++_sequence;
        _feed.Add((row.Version, row.Entity, row.Id, row.Deleted, world.Time.GetUtcNow()));
    }

    private AppId NewId(EntityKind entity) => AppId.Parse((entity == EntityKind.Account ? "cust-" : "cont-") + _nextId++);
}
