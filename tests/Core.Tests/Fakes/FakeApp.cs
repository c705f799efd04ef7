using SfSync.App;
using SfSync.Model;

namespace SfSync.Tests.Fakes;

/// <summary>
/// An in-memory app implementing the sync contract: a monotonic change sequence (deletions included), bulk
/// lookups, upserts with per-record results, and deleting a customer deletes its contacts, as most apps do.
/// </summary>
internal sealed class FakeApp(TimeProvider time) : IAppRecords
{
    private readonly Lock _gate = new();
    private readonly Dictionary<AppId, Row> _rows = [];
    private readonly List<(long Version, EntityKind Entity, AppId Id, bool Deleted, DateTimeOffset At)> _feed = [];
    private long _sequence;
    private long _nextId = 1;

    public int WriteCalls { get; private set; }

    public int Calls { get; private set; }

    public string? Unavailable { get; set; }

    public Func<EntityKind, IReadOnlyDictionary<string, string?>, (string Code, string Message)?>? Reject { get; set; }

    /// <summary>Makes the next upsert call apply but lose its answer, as a timeout would.</summary>
    public bool LoseNextUpsertAnswer { get; set; }

    /// <summary>Runs at the start of every upsert call, to let a test act as a person at that instant.</summary>
    public Action? BeforeUpsert { get; set; }

    /// <summary>Runs at the start of every record read, to let a test slip in a person or another batch.</summary>
    public Action? BeforeRead { get; set; }

    public sealed class Row
    {
        public required AppId Id { get; init; }

        public required EntityKind Entity { get; init; }

        public Dictionary<string, string?> Fields { get; } = new(StringComparer.Ordinal);

        public SalesforceId? SalesforceId { get; set; }

        public AppId? ParentId { get; set; }

        public bool SyncDisabled { get; set; }

        public DateTimeOffset CreatedAt { get; init; }

        public long Version { get; set; }

        public bool Deleted { get; set; }

        public AppRecord ToRecord() => new(Id, new Dictionary<string, string?>(Fields), SalesforceId, ParentId, SyncDisabled, CreatedAt, Version, Deleted);
    }

    // ---- What a user of the app does ----

    public AppId Create(EntityKind entity, IReadOnlyDictionary<string, string?> fields, AppId? parent = null, bool syncDisabled = false, SalesforceId? salesforceId = null)
    {
        lock (_gate)
        {
            var row = new Row { Id = NewId(entity), Entity = entity, CreatedAt = time.GetUtcNow(), ParentId = parent, SyncDisabled = syncDisabled, SalesforceId = salesforceId };
            foreach (var (k, v) in fields)
            {
                row.Fields[k] = v;
            }

            _rows[row.Id] = row;
            Touch(row);
            return row.Id;
        }
    }

    public void Edit(AppId id, IReadOnlyDictionary<string, string?> fields, AppId? parent = null)
    {
        lock (_gate)
        {
            var row = _rows[id];
            foreach (var (k, v) in fields)
            {
                row.Fields[k] = v;
            }

            if (parent is not null)
            {
                row.ParentId = parent;
            }

            Touch(row);
        }
    }

    /// <summary>A person takes a contact off its customer.</summary>
    public void ClearParent(AppId id)
    {
        lock (_gate)
        {
            var row = _rows[id];
            row.ParentId = null;
            Touch(row);
        }
    }

    public void Delete(AppId id)
    {
        lock (_gate)
        {
            DeleteRow(id);
        }
    }

    public Row Get(AppId id)
    {
        lock (_gate)
        {
            return _rows[id];
        }
    }

    public IReadOnlyList<Row> All(EntityKind entity)
    {
        lock (_gate)
        {
            return _rows.Values.Where(r => r.Entity == entity && !r.Deleted).OrderBy(r => r.Version).ToList();
        }
    }

    // ---- The port ----

    public Task<AppChangePage> ReadChangesAsync(EntityKind entity, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Count();
            var after = cursor is null ? 0 : long.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
            var all = _feed.Where(f => f.Entity == entity && f.Version > after).ToList();
            var page = all.Take(limit).Select(f => new AppChange(f.Id, f.Version, f.At, f.Deleted)).ToList();
            var next = page.Count == 0 ? cursor : page[^1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.FromResult(new AppChangePage(page, next, all.Count > limit));
        }
    }

    public Task<IReadOnlyList<AppRecord>> ReadAsync(EntityKind entity, AppReadRequest request, CancellationToken cancellationToken = default)
    {
        BeforeRead?.Invoke();
        lock (_gate)
        {
            Count();
            var emails = request.Emails.Select(e => e.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var names = request.Names.Select(e => e.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            IReadOnlyList<AppRecord> found = _rows.Values
                .Where(r => r.Entity == entity)
                .Where(r => (request.IncludeDeleted && (request.Ids.Contains(r.Id) || (r.SalesforceId is { } t && request.SalesforceIds.Contains(t)))) || (!r.Deleted && (request.Ids.Contains(r.Id)
                    || (r.SalesforceId is { } s && request.SalesforceIds.Contains(s))
                    || (r.ParentId is { } p && request.CustomerIds.Contains(p))
                    || emails.Contains(r.Fields.GetValueOrDefault("email")?.Trim() ?? "\0")
                    || names.Contains(r.Fields.GetValueOrDefault("name")?.Trim() ?? "\0"))))
                .Select(r => r.ToRecord())
                .ToList();
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<AppWriteResult>> UpsertAsync(EntityKind entity, IReadOnlyList<AppUpsert> records, CancellationToken cancellationToken = default)
    {
        BeforeUpsert?.Invoke();
        lock (_gate)
        {
            Count();
            WriteCalls++;
            IReadOnlyList<AppWriteResult> results = records.Select(u =>
            {
                if (Reject?.Invoke(entity, u.Fields) is { } rejected)
                {
                    return AppWriteResult.Failed(rejected.Code, rejected.Message);
                }

                Row? row;
                if (u.Id is { } id)
                {
                    if (!_rows.TryGetValue(id, out row) || row.Deleted)
                    {
                        return AppWriteResult.Failed("NotFound", "No such record.");
                    }

                    if (u.ExpectedVersion is { } expected && row.Version != expected)
                    {
                        return AppWriteResult.Failed(AppWriteResult.VersionConflict, "The record changed since it was read.");
                    }
                }
                else if (u.SalesforceId is { } stamped && (row = _rows.Values.FirstOrDefault(r => r.Entity == entity && !r.Deleted && r.SalesforceId == stamped)) is not null)
                {
                    // The contract: a create naming a live record's Salesforce id returns that record unchanged, so a
                    // retried create never duplicates and never overwrites what a person changed since.
                    return new AppWriteResult(true, row.Id, row.Version, Existing: true);
                }
                else
                {
                    row = new Row { Id = NewId(entity), Entity = entity, CreatedAt = time.GetUtcNow() };
                    _rows[row.Id] = row;
                }

                foreach (var (k, v) in u.Fields)
                {
                    row.Fields[k] = v;
                }

                row.SalesforceId = u.SalesforceId ?? row.SalesforceId;
                row.ParentId = u.ParentId ?? row.ParentId;
                Touch(row);
                return new AppWriteResult(true, row.Id, row.Version);
            }).ToList();
            if (LoseNextUpsertAnswer)
            {
                LoseNextUpsertAnswer = false;
                throw new SideUnavailableException(Side.App, "timeout after the request was sent");
            }

            return Task.FromResult(results);
        }
    }

    public Task<IReadOnlyList<AppWriteResult>> DeleteAsync(EntityKind entity, IReadOnlyList<AppId> ids, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Count();
            WriteCalls++;
            IReadOnlyList<AppWriteResult> results = ids.Select(id =>
            {
                if (_rows.TryGetValue(id, out var row) && !row.Deleted)
                {
                    DeleteRow(id);
                }

                return new AppWriteResult(true, id, _sequence);
            }).ToList();
            return Task.FromResult(results);
        }
    }

    private void DeleteRow(AppId id)
    {
        var row = _rows[id];
        row.Deleted = true;
        Touch(row);
        if (row.Entity == EntityKind.Account)
        {
            foreach (var contact in _rows.Values.Where(r => r.ParentId == id && !r.Deleted).ToList())
            {
                contact.Deleted = true;
                Touch(contact);
            }
        }
    }

    private void Touch(Row row)
    {
        row.Version = ++_sequence;
        _feed.Add((row.Version, row.Entity, row.Id, row.Deleted, time.GetUtcNow()));
    }

    private void Count()
    {
        if (Unavailable is { } reason)
        {
            throw new SideUnavailableException(Side.App, reason);
        }

        Calls++;
    }

    private AppId NewId(EntityKind entity) => AppId.Parse((entity == EntityKind.Account ? "cust-" : "cont-") + _nextId++);
}
