using SfSync.Model;
using SfSync.Salesforce;

namespace SfSync.Tests.Convergence;

/// <summary>
/// A simulated Salesforce org behind the engine's port: 18-character ids with 001/003 prefixes, SystemModstamp in whole
/// seconds (several writes share a second), queryAll semantics with IsDeleted, a recycle bin, cascade delete of an
/// account's contacts, CreatedBy the integration user only for the engine's creates, an optional External ID mode in which
/// creates upsert on the app id, a clock of its own (skewed from the engine's), slow transactions (a person's save stamped when it started and visible when it commits,
/// its row locked meanwhile), validation rules, API usage with spikes, and a call counter. Every port method first waits
/// for the scheduler and takes the fault it decides.
/// </summary>
internal sealed class SimSalesforce(SimWorld world) : ISalesforceRecords
{
    public const long DailyMax = 15_000;
    private const long BaseUsage = 1_000;
    private const long SpikeUsage = 12_500;
    private const string IdAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private readonly Dictionary<SalesforceId, Row> _rows = [];
    private long _nextId = 1;
    private bool _engineWriting;

    public sealed class Row
    {
        public required SalesforceId Id { get; init; }

        public required EntityKind Entity { get; init; }

        public required Logical Logical { get; init; }

        public Dictionary<string, string?> Fields { get; } = new(StringComparer.Ordinal);

        public SalesforceId? ParentId { get; set; }

        public DateTimeOffset CreatedDate { get; init; }

        public DateTimeOffset SystemModstamp { get; set; }

        public bool IsDeleted { get; set; }

        public bool CreatedByEngine { get; init; }

        /// <summary>Last saved by the engine (the integration user): the change feed's late-commit window leaves it out.</summary>
        public bool LastModifiedByEngine { get; set; }

        public long CreatedAtOperation { get; init; }

        public AppId? ExternalAppId { get; set; }

        /// <summary>For an engine create: the values it created with, and how many other creates of its request were refused.</summary>
        public Dictionary<string, string?>? CreatedFields { get; set; }

        public int RefusedSiblings { get; set; }

        /// <summary>A person's save that has not committed yet: its fields, its stamp and when it commits.</summary>
        public PendingSave? Pending { get; set; }

        public SalesforceRecord ToRecord() => new(Id, new Dictionary<string, string?>(Fields), ParentId, CreatedDate, SystemModstamp, IsDeleted, CreatedByEngine, ExternalAppId);
    }

    public sealed record PendingSave(Dictionary<string, string?> Fields, bool SetsParent, SalesforceId? Parent, DateTimeOffset Stamp, DateTimeOffset CommitsAt, long StartedOperation);

    public bool ExternalIdMode { get; set; }

    /// <summary>How far the org's clock (CreatedDate, SystemModstamp) is ahead of the engine's: the two are not one clock.</summary>
    public TimeSpan ClockSkew { get; set; }

    /// <summary>Whether the change feed says what is committed, as the REST adapter reads it from Get Updated: the start
    /// of the oldest slow transaction still open (else the minute of the read), cut to the minute, and nothing when that
    /// falls on the start of the two-minute span it asks about.</summary>
    public bool SaysCommitted { get; set; }

    /// <summary>The org's clock as the adapter learns it from answers' Date headers: whole seconds, so up to a second
    /// early — known once any call was answered.</summary>
    public TimeSpan? ClockOffset => Calls > 0 ? ClockSkew - TimeSpan.FromSeconds(1) : null;

    /// <summary>While true the org's daily usage is above the pause threshold.</summary>
    public bool UsageSpike { get; set; }

    /// <summary>Logical records whose Salesforce writes a validation rule rejects (FIELD_CUSTOM_VALIDATION_EXCEPTION) until heal.</summary>
    public HashSet<Logical> Rejecting { get; } = [];

    /// <summary>API calls served (each port method is one call, as the adapter's single Composite request).</summary>
    public long Calls { get; private set; }

    public ApiUsage? LastUsage { get; private set; }

    public IEnumerable<Row> Rows => _rows.Values;

    public Row? Find(SalesforceId id) => _rows.GetValueOrDefault(id);

    public IEnumerable<Row> Live(EntityKind entity) => _rows.Values.Where(r => r.Entity == entity && !r.IsDeleted);

    // ---- People ----

    public Row PersonCreate(Logical logical, IReadOnlyDictionary<string, string?> fields, SalesforceId? parent)
    {
        var stamp = Stamp();
        var row = new Row
        {
            Id = NewId(logical.Entity),
            Entity = logical.Entity,
            Logical = logical,
            CreatedDate = stamp,
            SystemModstamp = stamp,
            ParentId = parent,
            CreatedAtOperation = world.Scheduler.Operation,
        };
        foreach (var (k, v) in fields)
        {
            row.Fields[k] = v;
        }

        _rows[row.Id] = row;
        logical.SalesforceSince ??= world.Scheduler.Operation;
        return row;
    }

    /// <summary>A person's save; with a delay it is a slow transaction: stamped now, visible (and the row unlocked) later.</summary>
    /// <returns>Whether the save's stamp equals the stamp of the version before it (same second).</returns>
    public bool PersonEdit(Row row, IReadOnlyDictionary<string, string?> fields, bool setsParent, SalesforceId? parent, TimeSpan? delay, long operation)
    {
        if (delay is { } d)
        {
            var now = world.Time.GetUtcNow();
            row.Pending = new PendingSave(new Dictionary<string, string?>(fields), setsParent, parent, Stamp(), now + d, operation);
            return false;
        }

        Apply(row, fields);
        if (setsParent)
        {
            row.ParentId = parent;
        }

        var previous = row.SystemModstamp;
        row.SystemModstamp = Stamp();
        row.LastModifiedByEngine = false;
        return previous == row.SystemModstamp;
    }

    /// <summary>Commits the slow transactions that are due; returns them so the oracle can date the writes.</summary>
    public List<(Row Row, PendingSave Save, bool SameSecond)> CommitDue(bool all = false)
    {
        var now = world.Time.GetUtcNow();
        var due = new List<(Row, PendingSave, bool)>();
        foreach (var row in _rows.Values)
        {
            if (row.Pending is { } save && (all || save.CommitsAt <= now))
            {
                row.Pending = null;
                var sameSecond = row.SystemModstamp >= save.Stamp;
                if (!row.IsDeleted)
                {
                    Apply(row, save.Fields);
                    if (save.SetsParent)
                    {
                        row.ParentId = save.Parent;
                    }

                    row.SystemModstamp = save.Stamp; // the stamp of when the save started: behind what others saw meanwhile
                    row.LastModifiedByEngine = false;
                }

                due.Add((row, save, sameSecond));
            }
        }

        return due;
    }

    /// <summary>Deletes a record into the recycle bin; an account takes its contacts with it. Returns every record deleted.</summary>
    public List<Row> DeleteRow(Row row)
    {
        var stamp = Stamp();
        var deleted = new List<Row> { row };
        row.IsDeleted = true;
        row.SystemModstamp = stamp;
        row.LastModifiedByEngine = _engineWriting;
        if (row.Entity == EntityKind.Account)
        {
            foreach (var contact in _rows.Values.Where(r => r.Entity == EntityKind.Contact && r.ParentId == row.Id && !r.IsDeleted))
            {
                contact.IsDeleted = true;
                contact.SystemModstamp = stamp;
                contact.LastModifiedByEngine = _engineWriting;
                deleted.Add(contact);
            }
        }

        return deleted;
    }

    // ---- The port ----

    public async Task<ApiUsage> ReadUsageAsync(CancellationToken cancellationToken = default)
    {
        Before(await world.Scheduler.EnterAsync(PortCall.SfUsage));
        Served();
        return LastUsage!;
    }

    public async Task<IReadOnlyList<SalesforceChangePage>> ReadChangesAsync(IReadOnlyList<SalesforceChangeQuery> queries, CancellationToken cancellationToken = default)
    {
        Before(await world.Scheduler.EnterAsync(PortCall.SfReadChanges));
        Served();
        var committed = SaysCommitted ? Committed() : null;
        return queries.Select(q =>
        {
            var matching = _rows.Values
                .Where(r => r.Entity == q.Entity)
                .Where(r => q.AfterId is null
                    ? r.SystemModstamp >= q.From
                    : r.SystemModstamp > q.From || (r.SystemModstamp == q.From && string.CompareOrdinal(r.Id.Value, q.AfterId.Value.Value) > 0))
                .Where(r => q.Before is not { } before || r.SystemModstamp < before)
                .Where(r => !q.OthersOnly || !r.LastModifiedByEngine)
                .OrderBy(r => r.SystemModstamp).ThenBy(r => r.Id.Value, StringComparer.Ordinal)
                .ToList();
            var page = matching.Take(q.Limit)
                .Select(r => new SalesforceChange(r.Id, r.SystemModstamp, r.IsDeleted, new Dictionary<string, string?>(r.Fields), r.ParentId))
                .ToList();
            if (world.Scheduler.Tracing)
            {
                world.Scheduler.Annotate(SimScheduler.Current!, $"sf {q.Entity} feed from {(q.From == DateTimeOffset.MinValue ? "start" : Clock(q.From))}{(q.Before is { } b ? $" to {Clock(b)}, people's only" : "")}: {string.Join(" ", page.Select(c => $"{c.Id.Value[3..15].TrimStart('0')}@{Clock(c.SystemModstamp)}{(c.IsDeleted ? "†" : "")}"))}");
            }
            // The org's time, in whole seconds as a Date header says it (never later than the truth).
            return new SalesforceChangePage(q.Entity, page, matching.Count > q.Limit, ReadAt: Stamp(), committed);
        }).ToList();
    }

    private DateTimeOffset? Committed()
    {
        var end = Minute(Stamp());
        var open = _rows.Values.Where(r => r.Pending is not null).Select(r => r.Pending!.Stamp).DefaultIfEmpty(end).Min();
        var covered = Minute(open < end ? open : end);
        return covered == end - TimeSpan.FromMinutes(2) ? null : covered;
    }

    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    public async Task<SalesforceReadResult> ReadAsync(SalesforceReadRequest request, CancellationToken cancellationToken = default)
    {
        Before(await world.Scheduler.EnterAsync(PortCall.SfRead, new Gather(Queries(request), NotReplayable: false)));
        Served();
        var emails = request.ContactEmails.Select(e => e.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = request.AccountNames.Select(e => e.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var accounts = _rows.Values.Where(r => r.Entity == EntityKind.Account && (
            request.AccountIds.Contains(r.Id)
            || (!r.IsDeleted && names.Contains(r.Fields.GetValueOrDefault("Name")?.Trim() ?? "\0"))
            || (!r.IsDeleted && request.AccountNameFragments.Any(f => r.Fields.GetValueOrDefault("Name")?.Contains(f, StringComparison.OrdinalIgnoreCase) == true)))).ToList();
        var contacts = _rows.Values.Where(r => r.Entity == EntityKind.Contact && (
            request.ContactIds.Contains(r.Id)
            || (!r.IsDeleted && emails.Contains(r.Fields.GetValueOrDefault("Email")?.Trim() ?? "\0"))
            || (!r.IsDeleted && request.ContactLastNames.Contains(r.Fields.GetValueOrDefault("LastName")?.Trim() ?? "\0", StringComparer.OrdinalIgnoreCase))
            || (!r.IsDeleted && r.ParentId is { } p && request.ContactsOfAccounts.Contains(p)))).ToList();
        if (request.OwnCreates is { } own)
        {
            var mine = _rows.Values.Where(r => r.Entity == own.Entity && r.CreatedByEngine && r.CreatedDate >= own.Since).OrderBy(r => r.CreatedDate).Take(200);
            (own.Entity == EntityKind.Account ? accounts : contacts).AddRange(mine.Where(r => !(own.Entity == EntityKind.Account ? accounts : contacts).Contains(r)));
        }

        var actor = SimScheduler.Current!;
        actor.FirstRead ??= world.Scheduler.Operation;
        foreach (var row in accounts.Concat(contacts))
        {
            actor.SalesforceReads[row.Id.Value] = world.Scheduler.Operation;
        }

        world.Detail(() => $"  sf read: {string.Join(" ", accounts.Concat(contacts).Select(r => $"{r.Id.Value[3..15].TrimStart('0')}@{Clock(r.SystemModstamp)}{(r.IsDeleted ? "†" : "")}[acc={r.ParentId?.Value[3..15].TrimStart('0')} {string.Join(",", r.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value))}]"))}");
        return new SalesforceReadResult(accounts.Select(r => r.ToRecord()).ToList(), contacts.Select(r => r.ToRecord()).ToList());
    }

    public async Task<SalesforceWriteResult> WriteAsync(SalesforceWriteSet writes, CancellationToken cancellationToken = default)
    {
        var fault = await world.Scheduler.EnterAsync(PortCall.SfWrite, new Gather(
            Collections(writes.Creates.Count) + Collections(writes.Updates.Count) + Collections(writes.Deletes.Count),
            NotReplayable: writes.Creates.Count > 0 && !ExternalIdMode));
        Before(fault);
        Served();
        var actor = SimScheduler.Current!;
        var operation = world.Scheduler.Operation;
        var index = 0;
        var creates = writes.Creates.Select(c => Create(writes.Entity, c, actor, index++)).ToList();
        foreach (var created in creates.Where(c => c.Success && c.Id is not null).Select(c => _rows[c.Id!.Value]).Where(r => r.CreatedAtOperation == world.Scheduler.Operation))
        {
            created.RefusedSiblings = creates.Count(c => !c.Success);
        }

        var updates = writes.Updates.Select(u => Update(writes.Entity, u, actor, index++, operation)).ToList();
        _engineWriting = true;
        var deletes = writes.Deletes.Select(id => Delete(id, actor, index++, operation)).ToList();
        _engineWriting = false;
        world.Detail(() => $"  sf {writes.Entity} write: {string.Join(" | ", writes.Creates.Zip(creates, (c, r) => $"create for {c.AppId} {{{string.Join(",", c.Fields.Select(f => f.Key + "=" + f.Value))}}} → {r.Id?.Value ?? r.ErrorCode}").Concat(writes.Updates.Zip(updates, (u, r) => $"update {u.Id.Value[3..15].TrimStart('0')} {{{string.Join(",", u.Fields.Select(f => f.Key + "=" + f.Value))}}} → {(r.Success ? "ok" : r.ErrorCode)}")).Concat(writes.Deletes.Zip(deletes, (d, r) => $"delete {d.Value[3..15].TrimStart('0')} → {(r.Success ? "ok" : r.ErrorCode)}")))}{(fault == Fault.LostAnswer ? " (answer lost)" : "")}");
        if (fault == Fault.LostAnswer)
        {
            throw new SideUnavailableException(Side.Salesforce, "timeout after the request was sent (simulated)");
        }

        return new SalesforceWriteResult(creates, updates, deletes);
    }

    private WriteResult Create(EntityKind entity, SalesforceCreate create, Actor actor, int index)
    {
        var source = world.App.Find(create.AppId);
        var logical = source?.Logical ?? world.Orphan(entity, $"Salesforce create for unknown app id {create.AppId}");
        if (source is { SyncDisabled: true })
        {
            world.Violation(FindingKind.DisabledRecordTouched, logical, $"sync_disabled app record {create.AppId} copied to Salesforce");
        }

        var required = entity == EntityKind.Account ? "Name" : "LastName";
        if (string.IsNullOrWhiteSpace(create.Fields.GetValueOrDefault(required)))
        {
            return Reject(actor, logical, "REQUIRED_FIELD_MISSING", $"Required fields are missing: [{required}]", transient: false);
        }

        if (Invalid(actor, logical, create.Fields, index) is { } invalid)
        {
            return invalid;
        }

        if (ExternalIdMode && _rows.Values.FirstOrDefault(r => r.Entity == entity && !r.IsDeleted && r.ExternalAppId == create.AppId) is { } existing)
        {
            if (existing.Pending is not null)
            {
                return Reject(actor, logical, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record", transient: true);
            }

            Apply(existing, create.Fields);
            existing.SystemModstamp = Stamp();
            existing.LastModifiedByEngine = true;
            Succeeded(logical);
            return WriteResult.Ok(existing.Id);
        }

        var stamp = Stamp();
        var row = new Row
        {
            Id = NewId(entity),
            Entity = entity,
            Logical = logical,
            CreatedDate = stamp,
            SystemModstamp = stamp,
            CreatedByEngine = true,
            LastModifiedByEngine = true,
            CreatedAtOperation = world.Scheduler.Operation,
            ExternalAppId = ExternalIdMode ? create.AppId : null,
        };
        Apply(row, create.Fields);
        row.CreatedFields = new Dictionary<string, string?>(row.Fields, StringComparer.Ordinal);
        _rows[row.Id] = row;

        // The app record this create copies, read by this actor and deleted by a person since: a stale copy, as for an
        // update (the app's conditional write comes after this one; seed 16625 of the fate soak).
        if (source is not null && actor.AppReads.TryGetValue(source.Id.Value, out var sourceReadAt)
            && logical.Events.Any(e => e.Side == Side.App && e.IsDeletion && e.Operation > sourceReadAt && e.Operation < world.Scheduler.Operation))
        {
            foreach (var field in create.Fields.Keys.Select(k => Spec.LogicalOfSalesforce(entity, k)).OfType<string>())
            {
                var copies = logical.StaleAppCopies.TryGetValue(field, out var known) ? known : logical.StaleAppCopies[field] = [];
                copies.Add(Spec.SalesforceValue(entity, row.Fields, field));
            }
        }

        logical.SalesforceSince ??= world.Scheduler.Operation;
        world.Scheduler.Annotate(actor, $"created {entity} {row.Id} for {logical}");
        Succeeded(logical);
        return WriteResult.Ok(row.Id);
    }

    private WriteResult Update(EntityKind entity, SalesforceUpdate update, Actor actor, int index, long operation)
    {
        if (!_rows.TryGetValue(update.Id, out var row) || row.Entity != entity)
        {
            return WriteResult.Failed("NOT_FOUND", "The requested resource does not exist");
        }

        if (row.IsDeleted)
        {
            return WriteResult.Failed("ENTITY_IS_DELETED", "entity is deleted");
        }

        if (row.Logical.Disabled)
        {
            world.Violation(FindingKind.DisabledRecordTouched, row.Logical, $"Salesforce record {row.Id} matching a sync_disabled app record was written");
        }

        if (row.Pending is not null)
        {
            return Reject(actor, row.Logical, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record", transient: true);
        }

        if (Invalid(actor, row.Logical, update.Fields, index) is { } invalid)
        {
            return invalid;
        }

        // A person's save of a field this write overwrites, made after this actor read the record: the one divergence a
        // person can cause on purpose (the oracle lets that save be lost, but the pair must still converge).
        var readAt = actor.SalesforceReads.GetValueOrDefault(row.Id.Value, long.MaxValue);
        var written = update.Fields.Keys.Select(k => Spec.LogicalOfSalesforce(entity, k)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var human in row.Logical.Events)
        {
            if (human.Side == Side.Salesforce && human.Field is { } field && written.Contains(field) && human.Operation > readAt && human.Operation < operation)
            {
                human.Exempt = true;
            }
        }

        // An app record this actor read, deleted by a person since, or whose field a person saved since: what this write
        // copies of it is a stale copy (seed 248109: a value copied after a person replaced and then cleared it in the app;
        // a clear never overwrites, so the copy is what the pair converges on).
        var stale = written.Where(field => world.App.Rows.Where(a => a.Logical == row.Logical).Any(a => actor.AppReads.TryGetValue(a.Id.Value, out var appReadAt)
            && row.Logical.Events.Any(e => e.Side == Side.App && (e.IsDeletion || e.Field == field) && e.Operation > appReadAt && e.Operation < operation))).ToList();
        Apply(row, update.Fields);
        foreach (var field in stale)
        {
            var copies = row.Logical.StaleAppCopies.TryGetValue(field, out var known) ? known : row.Logical.StaleAppCopies[field] = [];
            copies.Add(Spec.SalesforceValue(entity, row.Fields, field));
        }

        row.SystemModstamp = Stamp();
        row.LastModifiedByEngine = true;
        row.Logical.EngineSalesforceWrites.Add(operation);
        Succeeded(row.Logical);
        return WriteResult.Ok(row.Id);
    }

    private WriteResult Delete(SalesforceId id, Actor actor, int index, long operation)
    {
        if (!_rows.TryGetValue(id, out var row))
        {
            return WriteResult.Failed("NOT_FOUND", "The requested resource does not exist");
        }

        if (row.IsDeleted)
        {
            return WriteResult.Failed("ENTITY_IS_DELETED", "entity is deleted");
        }

        if (row.Pending is not null || (row.Entity == EntityKind.Account && _rows.Values.Any(c => c.ParentId == row.Id && c.Pending is not null)))
        {
            return Reject(actor, row.Logical, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record", transient: true);
        }

        if (world.Faults.RowLocked(actor, index))
        {
            return Reject(actor, row.Logical, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record", transient: true);
        }

        if (row.Logical.Disabled)
        {
            world.Violation(FindingKind.DisabledRecordTouched, row.Logical, $"Salesforce record {row.Id} matching a sync_disabled app record was deleted");
        }

        foreach (var gone in DeleteRow(row))
        {
            gone.Logical.EngineDeletes.Add((Side.Salesforce, operation));
        }

        world.Scheduler.Annotate(actor, $"deleted {row.Entity} {row.Id} of {row.Logical}");
        Succeeded(row.Logical);
        return WriteResult.Ok(id);
    }

    /// <summary>Validation rules, transient row locks and a parent that does not exist, in that order.</summary>
    private WriteResult? Invalid(Actor actor, Logical logical, IReadOnlyDictionary<string, string?> fields, int index)
    {
        if (world.Faults.Enabled && Rejecting.Contains(logical))
        {
            logical.PermanentlyRejected = true;
            return Reject(actor, logical, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Rejected by a validation rule (simulated)", transient: false);
        }

        if (world.Faults.RowLocked(actor, index))
        {
            return Reject(actor, logical, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record", transient: true);
        }

        if (fields.TryGetValue("AccountId", out var parent) && parent is not null
            && (!SalesforceId.TryParse(parent, out var parentId) || !_rows.TryGetValue(parentId, out var account) || account.IsDeleted || account.Entity != EntityKind.Account))
        {
            return Reject(actor, logical, "ENTITY_IS_DELETED", "entity is deleted: AccountId", transient: true);
        }

        return null;
    }

    private WriteResult Reject(Actor actor, Logical logical, string code, string message, bool transient)
    {
        logical.LastAttempt[Side.Salesforce] = transient ? code : null;
        world.Scheduler.Annotate(actor, $"sf rejects {logical}: {code}");
        return WriteResult.Failed(code, message);
    }

    private static void Succeeded(Logical logical) => logical.LastAttempt[Side.Salesforce] = null;

    private static void Apply(Row row, IReadOnlyDictionary<string, string?> fields)
    {
        foreach (var (k, v) in fields)
        {
            if (k == "AccountId")
            {
                row.ParentId = v is null ? null : SalesforceId.Parse(v);
            }
            else if (k != "OwnerId")
            {
                row.Fields[k] = v;
            }
        }
    }

    private static void Before(Fault fault)
    {
        switch (fault)
        {
            case Fault.Unavailable:
                throw new SideUnavailableException(Side.Salesforce, "service unavailable (simulated)");
            case Fault.Throttled:
                throw new SideUnavailableException(Side.Salesforce, "REQUEST_LIMIT_EXCEEDED (simulated)");
            case Fault.Crash:
                throw new SimCrashException("a Salesforce call");
        }
    }

    /// <summary>
    /// The queries the REST adapter's <c>ReadAsync</c> sends for a request (one per id or value list of up to 200, up to 40
    /// name fragments, the own-creates query): what a member's read adds to a gathered Composite request. Five or more go
    /// in Composite requests of their own, never gathered (the adapter's coalescer sends a full request at once).
    /// </summary>
    private static int Queries(SalesforceReadRequest request) =>
        Collections(request.AccountIds.Distinct().Count()) + Collections(request.ContactIds.Distinct().Count())
        + Collections(request.ContactEmails.Distinct(StringComparer.OrdinalIgnoreCase).Count()) + (request.OwnCreates is null ? 0 : 1)
        + Collections(request.ContactLastNames.Distinct(StringComparer.OrdinalIgnoreCase).Count()) + Collections(request.AccountNames.Distinct(StringComparer.OrdinalIgnoreCase).Count())
        + (request.AccountNameFragments.Distinct(StringComparer.OrdinalIgnoreCase).Count() + 39) / 40 + Collections(request.ContactsOfAccounts.Distinct().Count());

    /// <summary>sObject Collections (or id-list queries) of up to 200 records for <paramref name="records"/> records.</summary>
    private static int Collections(int records) => (records + 199) / 200;

    private void Served()
    {
        if (world.Scheduler.SharedCall)
        {
            return; // a later member of one gathered Composite request: the first one counted the call
        }

        Calls++;
        LastUsage = new ApiUsage(BaseUsage + Calls + (UsageSpike ? SpikeUsage : 0), DailyMax, world.Time.GetUtcNow());
    }

    private SalesforceId NewId(EntityKind entity)
    {
        var n = _nextId++;
        var body = new char[12];
        for (var i = 11; i >= 0; i--)
        {
            body[i] = IdAlphabet[(int)(n % 62)];
            n /= 62;
        }

        return SalesforceId.Parse((entity == EntityKind.Account ? "001" : "003") + new string(body));
    }

    private static string Clock(DateTimeOffset at)
    {
        var seconds = (int)(at - SimWorld.Epoch).TotalSeconds;
        return $"{seconds / 3600}:{seconds / 60 % 60:D2}:{seconds % 60:D2}";
    }

    /// <summary>Whole seconds of the org's own clock, as Salesforce stamps: writes in the same second share a stamp.</summary>
    private DateTimeOffset Stamp()
    {
        var ticks = (world.Time.GetUtcNow() + ClockSkew).UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
