using SfSync.Model;
using SfSync.Salesforce;

namespace SfSync.Tests.Fakes;

/// <summary>
/// An in-memory Salesforce org for engine tests: 18-character ids with the right prefixes, SystemModstamp from
/// the shared clock, a recycle bin, required fields, cascade delete of an account's contacts, and a call counter.
/// Every port method counts as one API call, as the real adapter's single Composite request would.
/// </summary>
internal sealed class FakeSalesforce(TimeProvider time) : ISalesforceRecords
{
    private readonly Lock _gate = new();
    private readonly Dictionary<SalesforceId, Row> _rows = [];
    private long _nextId = 1;
    private long _stampTicks;
    private bool _writingAsIntegrationUser;

    public int Calls { get; private set; }

    public int WriteCalls { get; private set; }

    public int ReadCalls { get; private set; }

    public long DailyMax { get; set; } = 15_000;

    public long UsedBefore { get; set; }

    /// <summary>When set, every call throws as an adapter does after its retries.</summary>
    public string? Unavailable { get; set; }

    /// <summary>Rejects a record write with (code, message) when it returns non-null.</summary>
    public Func<EntityKind, IReadOnlyDictionary<string, string?>, (string Code, string Message)?>? Reject { get; set; }

    /// <summary>Makes the next create succeed in Salesforce but lose its answer, as a timeout would.</summary>
    public bool LoseNextCreateAnswer { get; set; }

    /// <summary>How far the org's clock is off ours: its CreatedDate and SystemModstamp stamps are shifted by this much.</summary>
    public TimeSpan ClockSkew { get; set; }

    /// <summary>Whether the change feed says what is committed (sObject Get Updated's <c>latestDateCovered</c>, which the
    /// REST adapter asks in every feed call); off, the planner has only its lookback to go by.</summary>
    public bool SaysCommitted { get; set; }

    /// <summary>When the transactions still open started (a person's slow save, a long batch job): while one is, the org
    /// says no record stamped from its start on is committed.</summary>
    public List<DateTimeOffset> OpenTransactions { get; } = [];

    /// <summary>Runs inside every write call before it is applied, to let a test act as a person at that instant.</summary>
    public Action? DuringWrite { get; set; }

    public ApiUsage? LastUsage { get; private set; }

    public TimeSpan? ClockOffset => ClockSkew;

    /// <summary>The org has the External ID field (<c>Salesforce:ExternalIdField</c>): creates are upserts on the app id,
    /// and records carry it (<see cref="SalesforceRecord.ExternalAppId"/>).</summary>
    public bool ExternalIdMode { get; set; }

    public sealed class Row
    {
        public required SalesforceId Id { get; init; }

        public required EntityKind Entity { get; init; }

        public Dictionary<string, string?> Fields { get; } = new(StringComparer.Ordinal);

        public SalesforceId? ParentId { get; set; }

        public DateTimeOffset CreatedDate { get; set; }

        public DateTimeOffset SystemModstamp { get; set; }

        public bool IsDeleted { get; set; }

        /// <summary>Created through the port (by the sync's integration user), not by a person.</summary>
        public bool CreatedByIntegrationUser { get; init; }

        /// <summary>Last modified through the port; the change feed's late-commit window leaves such records out.</summary>
        public bool LastModifiedByIntegrationUser { get; set; }

        public AppId? ExternalAppId { get; init; }

        public SalesforceRecord ToRecord() => new(Id, new Dictionary<string, string?>(Fields), ParentId, CreatedDate, SystemModstamp, IsDeleted, CreatedByIntegrationUser, ExternalAppId);
    }

    // ---- What a person (or a test) does in the org ----

    public SalesforceId Create(EntityKind entity, IReadOnlyDictionary<string, string?> fields, SalesforceId? parent = null)
    {
        lock (_gate)
        {
            var row = new Row { Id = NewId(entity), Entity = entity, CreatedDate = Stamp(), ParentId = parent };
            row.SystemModstamp = row.CreatedDate;
            foreach (var (k, v) in fields)
            {
                row.Fields[k] = v;
            }

            _rows[row.Id] = row;
            return row.Id;
        }
    }

    public void Edit(SalesforceId id, IReadOnlyDictionary<string, string?> fields, SalesforceId? parent = null)
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

    public void Delete(SalesforceId id)
    {
        lock (_gate)
        {
            DeleteRow(id);
        }
    }

    public Row Get(SalesforceId id)
    {
        lock (_gate)
        {
            return _rows[id];
        }
    }

    public IReadOnlyList<Row> All(EntityKind entity, bool includeDeleted = false)
    {
        lock (_gate)
        {
            return _rows.Values.Where(r => r.Entity == entity && (includeDeleted || !r.IsDeleted)).OrderBy(r => r.CreatedDate).ToList();
        }
    }

    // ---- The port ----

    public Task<ApiUsage> ReadUsageAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Count(read: true);
            return Task.FromResult(LastUsage!);
        }
    }

    public Task<IReadOnlyList<SalesforceChangePage>> ReadChangesAsync(IReadOnlyList<SalesforceChangeQuery> queries, CancellationToken cancellationToken = default)
    {
        // One call is one Composite request: more queries than it carries would be several calls in the adapter.
        Assert.InRange(queries.Count, 1, SalesforceChangeQuery.PerCall);
        lock (_gate)
        {
            Count(read: true);
            var committed = SaysCommitted ? Minute(OpenTransactions.Append(time.GetUtcNow() + ClockSkew).Min()) : (DateTimeOffset?)null;
            IReadOnlyList<SalesforceChangePage> pages = queries.Select(q =>
            {
                var matching = _rows.Values
                    .Where(r => r.Entity == q.Entity)
                    .Where(r => q.AfterId is null
                        ? r.SystemModstamp >= q.From
                        : r.SystemModstamp > q.From || (r.SystemModstamp == q.From && string.CompareOrdinal(r.Id.Value, q.AfterId.Value.Value) > 0))
                    .Where(r => q.Before is not { } before || r.SystemModstamp < before)
                    .Where(r => !q.OthersOnly || !r.LastModifiedByIntegrationUser)
                    .OrderBy(r => r.SystemModstamp).ThenBy(r => r.Id.Value, StringComparer.Ordinal)
                    .ToList();
                var page = matching.Take(q.Limit)
                    .Select(r => new SalesforceChange(r.Id, r.SystemModstamp, r.IsDeleted, new Dictionary<string, string?>(r.Fields), r.ParentId))
                    .ToList();
                return new SalesforceChangePage(q.Entity, page, matching.Count > q.Limit, ReadAt: time.GetUtcNow() + ClockSkew, committed);
            }).ToList();
            return Task.FromResult(pages);
        }
    }

    public Task<SalesforceReadResult> ReadAsync(SalesforceReadRequest request, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Count(read: true);
            var emails = request.ContactEmails.Select(e => e.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var names = request.AccountNames.Select(e => e.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var accounts = _rows.Values.Where(r => r.Entity == EntityKind.Account && (
                request.AccountIds.Contains(r.Id)
                || (!r.IsDeleted && names.Contains(r.Fields.GetValueOrDefault("Name")?.Trim() ?? ""))
                || (!r.IsDeleted && request.AccountNameFragments.Any(f => r.Fields.GetValueOrDefault("Name")?.Contains(f, StringComparison.OrdinalIgnoreCase) == true))));
            var contacts = _rows.Values.Where(r => r.Entity == EntityKind.Contact && (
                request.ContactIds.Contains(r.Id)
                || (!r.IsDeleted && emails.Contains(r.Fields.GetValueOrDefault("Email")?.Trim() ?? ""))
                || (!r.IsDeleted && request.ContactLastNames.Contains(r.Fields.GetValueOrDefault("LastName")?.Trim() ?? "", StringComparer.OrdinalIgnoreCase))
                || (!r.IsDeleted && r.ParentId is { } p && request.ContactsOfAccounts.Contains(p))));
            var own = request.OwnCreates is { } o
                ? _rows.Values.Where(r => r.Entity == o.Entity && r.CreatedByIntegrationUser && r.CreatedDate >= o.Since).OrderBy(r => r.CreatedDate).Take(200).ToList()
                : [];
            return Task.FromResult(new SalesforceReadResult(
                accounts.Concat(own.Where(r => r.Entity == EntityKind.Account)).Distinct().Select(r => r.ToRecord()).ToList(),
                contacts.Concat(own.Where(r => r.Entity == EntityKind.Contact)).Distinct().Select(r => r.ToRecord()).ToList()));
        }
    }

    public Task<SalesforceWriteResult> WriteAsync(SalesforceWriteSet writes, CancellationToken cancellationToken = default)
    {
        if (writes.Creates.Count + writes.Updates.Count + writes.Deletes.Count > 1000)
        {
            throw new InvalidOperationException("More than five collections of 200 in one request.");
        }

        DuringWrite?.Invoke();
        lock (_gate)
        {
            Count(read: false);
            _writingAsIntegrationUser = true;
            try
            {
                return Task.FromResult(Write(writes));
            }
            finally
            {
                _writingAsIntegrationUser = false;
            }
        }
    }

    private SalesforceWriteResult Write(SalesforceWriteSet writes)
    {
        var lostAnswer = false;
        var creates = writes.Creates.Select(c =>
        {
            var required = writes.Entity == EntityKind.Account ? "Name" : "LastName";
            if (string.IsNullOrWhiteSpace(c.Fields.GetValueOrDefault(required)))
            {
                return WriteResult.Failed("REQUIRED_FIELD_MISSING", $"Required fields are missing: [{required}]");
            }

            if (Reject?.Invoke(writes.Entity, c.Fields) is { } rejected)
            {
                return WriteResult.Failed(rejected.Code, rejected.Message);
            }

            if (ExternalIdMode && _rows.Values.FirstOrDefault(r => r.Entity == writes.Entity && !r.IsDeleted && r.ExternalAppId == c.AppId) is { } existing)
            {
                Apply(existing, c.Fields); // an upsert on the External ID: the record an earlier attempt made
                Touch(existing);
                return WriteResult.Ok(existing.Id);
            }

            var row = new Row { Id = NewId(writes.Entity), Entity = writes.Entity, CreatedDate = Stamp(), CreatedByIntegrationUser = true, LastModifiedByIntegrationUser = true, ExternalAppId = ExternalIdMode ? c.AppId : null };
            row.SystemModstamp = row.CreatedDate;
            Apply(row, c.Fields);
            _rows[row.Id] = row;
            lostAnswer |= LoseNextCreateAnswer;
            return WriteResult.Ok(row.Id);
        }).ToList();
        if (lostAnswer)
        {
            LoseNextCreateAnswer = false;
            throw new SideUnavailableException(Side.Salesforce, "timeout after the request was sent");
        }

        var updates = writes.Updates.Select(u =>
        {
            if (!_rows.TryGetValue(u.Id, out var row))
            {
                return WriteResult.Failed("NOT_FOUND", "The requested resource does not exist");
            }

            if (row.IsDeleted)
            {
                return WriteResult.Failed("ENTITY_IS_DELETED", "entity is deleted");
            }

            if (Reject?.Invoke(writes.Entity, u.Fields) is { } rejected)
            {
                return WriteResult.Failed(rejected.Code, rejected.Message);
            }

            Apply(row, u.Fields);
            Touch(row);
            return WriteResult.Ok(row.Id);
        }).ToList();
        var deletes = writes.Deletes.Select(id =>
        {
            if (!_rows.TryGetValue(id, out var row))
            {
                return WriteResult.Failed("NOT_FOUND", "The requested resource does not exist");
            }

            if (row.IsDeleted)
            {
                return WriteResult.Failed("ENTITY_IS_DELETED", "entity is deleted");
            }

            DeleteRow(id);
            return WriteResult.Ok(id);
        }).ToList();
        return new SalesforceWriteResult(creates, updates, deletes);
    }

    private static void Apply(Row row, IReadOnlyDictionary<string, string?> fields)
    {
        foreach (var (k, v) in fields)
        {
            if (k == "AccountId")
            {
                row.ParentId = v is null ? null : SalesforceId.Parse(v);
            }
            else
            {
                row.Fields[k] = v;
            }
        }
    }

    private void DeleteRow(SalesforceId id)
    {
        var row = _rows[id];
        row.IsDeleted = true;
        Touch(row);
        if (row.Entity == EntityKind.Account)
        {
            foreach (var contact in _rows.Values.Where(r => r.ParentId == id && !r.IsDeleted))
            {
                contact.IsDeleted = true;
                contact.SystemModstamp = row.SystemModstamp;
                contact.LastModifiedByIntegrationUser = row.LastModifiedByIntegrationUser;
            }
        }
    }

    private void Count(bool read)
    {
        if (Unavailable is { } reason)
        {
            throw new SideUnavailableException(Side.Salesforce, reason);
        }

        Calls++;
        if (read)
        {
            ReadCalls++;
        }
        else
        {
            WriteCalls++;
        }

        LastUsage = new ApiUsage(UsedBefore + Calls, DailyMax, time.GetUtcNow());
    }

    private SalesforceId NewId(EntityKind entity)
    {
        var prefix = entity == EntityKind.Account ? "001" : "003";
        var n = _nextId++;
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var body = new char[12];
        for (var i = 11; i >= 0; i--)
        {
            body[i] = alphabet[(int)(n % 62)];
            n /= 62;
        }

        return SalesforceId.Parse(prefix + new string(body));
    }

    // Whole seconds like Salesforce, strictly increasing so order is stable; the fake clock moves it forward.
    /// <summary>A save of the row: a new stamp, by the integration user while a port write is being applied.</summary>
    private void Touch(Row row)
    {
        row.SystemModstamp = Stamp();
        row.LastModifiedByIntegrationUser = _writingAsIntegrationUser;
    }

    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private DateTimeOffset Stamp()
    {
        var now = time.GetUtcNow() + ClockSkew;
        var ticks = Math.Max(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), _stampTicks + TimeSpan.TicksPerSecond);
        _stampTicks = ticks;
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }
}
