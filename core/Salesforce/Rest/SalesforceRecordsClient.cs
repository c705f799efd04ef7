using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;
using SfSync.Http;
using SfSync.Mapping;
using SfSync.Model;

namespace SfSync.Salesforce.Rest;

/// <summary>
/// The engine's Salesforce port over the REST API. Every operation is packed into Composite requests — up to five
/// queries or sObject Collections of 200 each per request, one API call — so a run with no changes costs one call and
/// a batch of 200 records one read and one write. Failures after the resilience pipeline become
/// <see cref="SideUnavailableException"/>; per-record errors come back as per-record results.
/// </summary>
internal sealed partial class SalesforceRecordsClient(
    ISalesforceDataApi api,
    SalesforceSession session,
    ApiUsageTracker usage,
    SalesforceClock clock,
    SyncMap map,
    IOptions<SalesforceOptions> options,
    IOptions<Scope.ScopeOptions> scopeOptions,
    TimeProvider time,
    ILogger<SalesforceRecordsClient> logger) : ISalesforceRecords, ISalesforceListViews
{
    /// <summary>Ids per IN list: about 5.5 KB of URL, far below Salesforce's limits.</summary>
    private const int IdsPerQuery = 200;

    /// <summary>E-mails or names per IN list: a whole batch's in one query, about 9 KB of URL at 30-character values,
    /// under the 16 KB a REST URI may have.</summary>
    private const int ValuesPerQuery = 200;

    /// <summary>Name fragments per query, OR-ed LIKEs: about 1.5 KB of SOQL.</summary>
    private const int FragmentsPerQuery = 40;

    /// <summary>Composite allows 25 subrequests, of which at most 5 may be queries or sObject Collections.</summary>
    private const int HeavySubrequestsPerComposite = CompositeCoalescer.HeavySubrequests;

    private CompositeCoalescer? _coalescer;

    private CompositeCoalescer Coalescer => LazyInitializer.EnsureInitialized(ref _coalescer, () => new CompositeCoalescer(SendCompositeAsync, Settings.CompositeCoalescingWindow));
    private const int RecordsPerCollection = 200;

    /// <summary>Records refused with UNABLE_TO_LOCK_ROW are tried this many more times: a row lock clears in moments.</summary>
    private const int LockRetries = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private SalesforceOptions Settings => options.Value;

    /// <summary>The configured External ID field; an empty setting (the deployment's default) means none.</summary>
    private string? ExternalIdField => string.IsNullOrWhiteSpace(Settings.ExternalIdField) ? null : Settings.ExternalIdField.Trim();

    public ApiUsage? LastUsage => usage.Last;

    public TimeSpan? ClockOffset => clock.Offset;

    public async Task<IReadOnlyList<SalesforceChangePage>> ReadChangesAsync(IReadOnlyList<SalesforceChangeQuery> queries, CancellationToken cancellationToken = default)
    {
        var sentAt = time.GetUtcNow();
        var span = CommittedSpan.EndingAt(clock.At(sentAt) ?? sentAt - TimeSpan.FromMinutes(1));
        var entities = queries.Select(q => q.Entity).Distinct().ToList();
        var asks = entities.Select((e, i) => new CompositeSubrequest("GET", $"{DataPath}/sobjects/{e.SalesforceObject()}/updated?{span.Query}", $"u{i}")).ToList();
        var (results, answers) = await QueryAsync(queries.Select(q => (ChangeSoql(q), All: true)).ToList(), asks, cancellationToken).ConfigureAwait(false);
        var readAt = clock.At(sentAt);
        var committed = entities.Zip(answers).ToDictionary(p => p.First, p => span.Committed(p.Second));
        foreach (var entity in committed.Where(c => c.Value is null).Select(c => c.Key))
        {
            CommittedUnknown(logger, entity);
        }

        return queries.Select((q, i) => new SalesforceChangePage(
            q.Entity,
            results[i].Select(r => ToRecord(q.Entity, r)).Select(r => new SalesforceChange(r.Id, r.SystemModstamp, r.IsDeleted, r.Fields, r.ParentId, r.ExternalAppId)).ToList(),
            results[i].Count >= q.Limit,
            readAt,
            committed[q.Entity])).ToList();
    }

    public async Task<SalesforceReadResult> ReadAsync(SalesforceReadRequest request, CancellationToken cancellationToken = default)
    {
        var queries = new List<(EntityKind Entity, string Soql, bool All)>();
        foreach (var chunk in request.AccountIds.Distinct().Chunk(IdsPerQuery))
        {
            queries.Add((EntityKind.Account, Select(EntityKind.Account, $"Id IN {Soql.IdList(chunk)}"), true));
        }

        foreach (var chunk in request.ContactIds.Distinct().Chunk(IdsPerQuery))
        {
            queries.Add((EntityKind.Contact, Select(EntityKind.Contact, $"Id IN {Soql.IdList(chunk)}"), true));
        }

        foreach (var chunk in request.ContactEmails.Distinct(StringComparer.OrdinalIgnoreCase).Chunk(ValuesPerQuery))
        {
            queries.Add((EntityKind.Contact, Select(EntityKind.Contact, $"Email IN ({string.Join(",", chunk.Select(Soql.Literal))})"), false));
        }

        if (request.OwnCreates is { } own)
        {
            var creator = session.UserId is { } user ? $" AND CreatedById = '{user.Value}'" : "";
            queries.Add((own.Entity, Select(own.Entity, $"CreatedDate >= {Soql.DateTime(own.Since)}{creator}") + $" ORDER BY CreatedDate ASC LIMIT {IdsPerQuery}", true));
        }

        foreach (var chunk in request.ContactLastNames.Distinct(StringComparer.OrdinalIgnoreCase).Chunk(ValuesPerQuery))
        {
            queries.Add((EntityKind.Contact, Select(EntityKind.Contact, $"LastName IN ({string.Join(",", chunk.Select(Soql.Literal))})"), false));
        }

        foreach (var chunk in request.AccountNames.Distinct(StringComparer.OrdinalIgnoreCase).Chunk(ValuesPerQuery))
        {
            queries.Add((EntityKind.Account, Select(EntityKind.Account, $"Name IN ({string.Join(",", chunk.Select(Soql.Literal))})"), false));
        }

        foreach (var chunk in request.AccountNameFragments.Distinct(StringComparer.OrdinalIgnoreCase).Chunk(FragmentsPerQuery))
        {
            queries.Add((EntityKind.Account, Select(EntityKind.Account, string.Join(" OR ", chunk.Select(f => $"Name LIKE {Soql.ContainsPattern(f)}"))), false));
        }

        foreach (var chunk in request.ContactsOfAccounts.Distinct().Chunk(IdsPerQuery))
        {
            queries.Add((EntityKind.Contact, Select(EntityKind.Contact, $"AccountId IN {Soql.IdList(chunk)}"), false));
        }

        var (rows, _) = await QueryAsync(queries.Select(q => (q.Soql, q.All)).ToList(), [], cancellationToken).ConfigureAwait(false);
        var records = queries.Zip(rows).SelectMany(pair => pair.Second.Select(r => ToRecord(pair.First.Entity, r))).ToList();
        return new SalesforceReadResult(
            records.Where(r => r.Id.KeyPrefix == EntityKind.Account.KeyPrefix()).DistinctBy(r => r.Id).ToList(),
            records.Where(r => r.Id.KeyPrefix == EntityKind.Contact.KeyPrefix()).DistinctBy(r => r.Id).ToList());
    }

    public async Task<SalesforceWriteResult> WriteAsync(SalesforceWriteSet writes, CancellationToken cancellationToken = default)
    {
        var creates = new WriteResult[writes.Creates.Count];
        var updates = new WriteResult[writes.Updates.Count];
        var deletes = new WriteResult[writes.Deletes.Count];
        var pendingCreates = Enumerable.Range(0, creates.Length).ToList();
        var pendingUpdates = Enumerable.Range(0, updates.Length).ToList();
        var pendingDeletes = Enumerable.Range(0, deletes.Length).ToList();
        for (var attempt = 0; attempt <= LockRetries && pendingCreates.Count + pendingUpdates.Count + pendingDeletes.Count > 0; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), time, cancellationToken).ConfigureAwait(false);
            }

            var operations = new List<(string Kind, int[] Indexes, CompositeSubrequest Request)>();
            var type = writes.Entity.SalesforceObject();
            foreach (var chunk in pendingCreates.Chunk(RecordsPerCollection))
            {
                var records = new JsonArray(chunk.Select(i => (JsonNode?)Record(type, writes.Creates[i].Fields, id: null, externalId: writes.Creates[i].AppId)).ToArray());
                var request = ExternalIdField is { } field
                    ? Subrequest("PATCH", $"composite/sobjects/{type}/{Soql.Name(field)}", records)
                    : Subrequest("POST", "composite/sobjects", records);
                operations.Add(("create", chunk, request));
            }

            foreach (var chunk in pendingUpdates.Chunk(RecordsPerCollection))
            {
                operations.Add(("update", chunk, Subrequest("PATCH", "composite/sobjects", new JsonArray(chunk.Select(i => (JsonNode?)Record(type, writes.Updates[i].Fields, writes.Updates[i].Id, null)).ToArray()))));
            }

            foreach (var chunk in pendingDeletes.Chunk(RecordsPerCollection))
            {
                operations.Add(("delete", chunk, new CompositeSubrequest("DELETE", $"{DataPath}/composite/sobjects?ids={string.Join(",", chunk.Select(i => writes.Deletes[i].Value))}&allOrNone=false", "r")));
            }

            // A create that timed out may have been applied, so it is not replayed blindly — unless it is an upsert on the External ID.
            var notReplayable = pendingCreates.Count > 0 && ExternalIdField is null;
            foreach (var group in operations.Chunk(HeavySubrequestsPerComposite))
            {
                var responses = await CompositeAsync(group.Select((o, i) => o.Request with { ReferenceId = $"w{i}" }).ToList(), notReplayable, "write records", cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < group.Length; i++)
                {
                    var (kind, indexes, _) = group[i];
                    var results = SaveResults(responses[i], indexes.Length);
                    var target = kind switch { "create" => creates, "update" => updates, _ => deletes };
                    for (var r = 0; r < indexes.Length; r++)
                    {
                        target[indexes[r]] = results[r];
                    }
                }
            }

            pendingCreates = pendingCreates.Where(i => creates[i].ErrorCode == "UNABLE_TO_LOCK_ROW").ToList();
            pendingUpdates = pendingUpdates.Where(i => updates[i].ErrorCode == "UNABLE_TO_LOCK_ROW").ToList();
            pendingDeletes = pendingDeletes.Where(i => deletes[i].ErrorCode == "UNABLE_TO_LOCK_ROW").ToList();
            if (pendingCreates.Count + pendingUpdates.Count + pendingDeletes.Count > 0)
            {
                RowLocked(logger, writes.Entity, pendingCreates.Count + pendingUpdates.Count + pendingDeletes.Count, attempt + 1);
            }
        }

        return new SalesforceWriteResult(creates, updates, deletes);
    }

    public async Task<ApiUsage> ReadUsageAsync(CancellationToken cancellationToken = default)
    {
        var limits = await CallAsync(() => api.LimitsAsync(Settings.ApiVersion, cancellationToken), "read the API limits").ConfigureAwait(false);
        var daily = limits.GetProperty("DailyApiRequests");
        var max = daily.GetProperty("Max").GetInt64();
        return usage.Observe(max - daily.GetProperty("Remaining").GetInt64(), max);
    }

    public async Task<ListViewDescribe> DescribeListViewAsync(EntityKind entity, string listView, CancellationToken cancellationToken = default)
    {
        var sobject = entity.SalesforceObject();
        var id = listView;
        if (!listView.StartsWith("00B", StringComparison.Ordinal) || !SalesforceId.TryParse(listView, out _))
        {
            var views = await CallAsync(() => api.ListViewsAsync(Settings.ApiVersion, sobject, cancellationToken), "list the list views").ConfigureAwait(false);
            id = views.TryGetProperty("listviews", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(v => string.Equals(v.GetProperty("developerName").GetString(), listView, StringComparison.Ordinal)).Select(v => v.GetProperty("id").GetString()).FirstOrDefault()
                : null;
            if (id is null)
            {
                throw new SideUnavailableException(Side.Salesforce, $"{sobject} has no list view with the developer name '{listView}'");
            }
        }

        var describe = await CallAsync(() => api.ListViewDescribeAsync(Settings.ApiVersion, sobject, id, cancellationToken), "describe the list view").ConfigureAwait(false);
        var query = describe.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString()! : throw new SideUnavailableException(Side.Salesforce, $"the describe of list view {id} has no query");
        var scope = describe.TryGetProperty("scope", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return new ListViewDescribe(id, query, scope);
    }

    /// <summary>Null when the org answers with our credentials; else why not (for the health endpoint).</summary>
    public Task<SideProblem?> ProblemAsync(CancellationToken cancellationToken = default) =>
        SideCall.ProbeAsync(async () => await api.LimitsAsync(Settings.ApiVersion, cancellationToken).ConfigureAwait(false), response => Describe(response.StatusCode, (response.Error as ApiException)?.Content));

    private string DataPath => $"/services/data/{Settings.ApiVersion}";

    private string ChangeSoql(SalesforceChangeQuery query)
    {
        var from = Soql.DateTime(query.From);
        var conditions = new List<string>();
        if (query.From != DateTimeOffset.MinValue || query.AfterId is not null)
        {
            conditions.Add(query.AfterId is { } after
                ? $"(SystemModstamp > {from} OR (SystemModstamp = {from} AND Id > '{after.Value}'))"
                : $"SystemModstamp >= {from}");
        }

        if (query.Before is { } before)
        {
            conditions.Add($"SystemModstamp < {Soql.DateTime(before)}");
        }

        if (query.OthersOnly && session.UserId is { } integrationUser)
        {
            conditions.Add($"LastModifiedById != '{integrationUser.Value}'");
        }

        return Select(query.Entity, conditions.Count == 0 ? null : string.Join(" AND ", conditions)) + $" ORDER BY SystemModstamp ASC, Id ASC LIMIT {query.Limit}";
    }

    /// <summary>
    /// The SELECT of every record and change query: system fields, CreatedById (to tell our creates from people's), the
    /// External ID field when there is one, and the mapped fields. A longer field list costs no extra call.
    /// </summary>
    private string Select(EntityKind entity, string? where)
    {
        var fields = new List<string> { "Id", "SystemModstamp", "IsDeleted", "CreatedDate", "CreatedById" };
        if (entity == EntityKind.Contact)
        {
            fields.Add("AccountId");
        }

        if (ExternalIdField is { } externalId)
        {
            fields.Add(Soql.Name(externalId));
        }

        fields.AddRange(map.For(entity).SalesforceFields.Select(Soql.Name));
        // What a scope filters on beyond the map comes back with every read, so a record that left its scope is seen.
        fields.AddRange(Scope.ScopeFields.ExtraSalesforce(scopeOptions.Value.For(entity)));
        return $"SELECT {string.Join(", ", fields.Distinct(StringComparer.OrdinalIgnoreCase))} FROM {entity.SalesforceObject()}" + (where is null ? "" : " WHERE " + where);
    }

    /// <summary>Runs queries five to a Composite request, following nextRecordsUrl when a page is cut short.
    /// <paramref name="leading"/> are light subrequests (not queries) that go first in the first request, and come back
    /// as they were answered.</summary>
    private async Task<(List<List<JsonElement>> Rows, IReadOnlyList<CompositeSubresponse> Leading)> QueryAsync(List<(string Soql, bool All)> queries, IReadOnlyList<CompositeSubrequest> leading, CancellationToken cancellationToken)
    {
        var results = new List<List<JsonElement>>();
        IReadOnlyList<CompositeSubresponse> leadingAnswers = [];
        foreach (var group in queries.Chunk(HeavySubrequestsPerComposite))
        {
            var first = results.Count == 0 ? leading : [];
            var requests = first.Concat(group.Select((q, i) => new CompositeSubrequest("GET", $"{DataPath}/{(q.All ? "queryAll" : "query")}?q={Uri.EscapeDataString(q.Soql)}", $"q{i}"))).ToList();
            var responses = await CompositeAsync(requests, notReplayable: false, "read records", cancellationToken).ConfigureAwait(false);
            if (first.Count > 0)
            {
                leadingAnswers = responses.Take(first.Count).ToList();
            }

            foreach (var response in responses.Skip(first.Count))
            {
                if (response.HttpStatusCode != 200)
                {
                    throw new SideUnavailableException(Side.Salesforce, $"a query was refused: {Describe((System.Net.HttpStatusCode)response.HttpStatusCode, response.Body.GetRawText())}");
                }

                var page = response.Body.Deserialize<QueryResult>(Json)!;
                var rows = page.Records.ToList();
                while (!page.Done && page.NextRecordsUrl is { } next)
                {
                    page = await CallAsync(() => api.QueryMoreAsync(Settings.ApiVersion, next[(next.LastIndexOf('/') + 1)..], cancellationToken), "read the next page").ConfigureAwait(false);
                    rows.AddRange(page.Records);
                }

                results.Add(rows);
            }
        }

        return (results, leadingAnswers);
    }

    private Task<IReadOnlyList<CompositeSubresponse>> CompositeAsync(List<CompositeSubrequest> requests, bool notReplayable, string what, CancellationToken cancellationToken) =>
        Coalescer.SendAsync(requests, notReplayable, what, cancellationToken);

    private async Task<IReadOnlyList<CompositeSubresponse>> SendCompositeAsync(List<CompositeSubrequest> requests, bool notReplayable, string what, CancellationToken cancellationToken)
    {
        var result = await CallAsync(() => api.CompositeAsync(Settings.ApiVersion, new CompositeBody(false, false, requests), notReplayable, cancellationToken), what).ConfigureAwait(false);
        if (result.Responses.Count != requests.Count)
        {
            throw new SideUnavailableException(Side.Salesforce, $"Composite answered {result.Responses.Count} of {requests.Count} subrequests");
        }

        var byReference = result.Responses.ToDictionary(r => r.ReferenceId, StringComparer.Ordinal);
        return requests.Select(r => byReference[r.ReferenceId]).ToList();
    }

    private CompositeSubrequest Subrequest(string method, string path, JsonArray records) =>
        new(method, $"{DataPath}/{path}", "r", JsonSerializer.SerializeToElement(new JsonObject { ["allOrNone"] = false, ["records"] = records }));

    private JsonObject Record(string type, IReadOnlyDictionary<string, string?> fields, SalesforceId? id, AppId? externalId)
    {
        var record = new JsonObject { ["attributes"] = new JsonObject { ["type"] = type } };
        if (id is { } existing)
        {
            record["id"] = existing.Value;
        }

        foreach (var (name, value) in fields)
        {
            record[Soql.Name(name)] = value;
        }

        if (externalId is { } appId && ExternalIdField is { } field)
        {
            record[field] = appId.Value;
        }

        return record;
    }

    private static WriteResult[] SaveResults(CompositeSubresponse response, int expected)
    {
        if (response.HttpStatusCode is >= 200 and < 300 && response.Body.ValueKind == JsonValueKind.Array && response.Body.GetArrayLength() == expected)
        {
            return response.Body.EnumerateArray().Select(item =>
            {
                if (item.TryGetProperty("success", out var success) && success.GetBoolean())
                {
                    return WriteResult.Ok(item.TryGetProperty("id", out var id) && SalesforceId.TryParse(id.GetString(), out var parsed) ? parsed : null);
                }

                var error = item.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0 ? errors[0] : default;
                return WriteResult.Failed(
                    error.ValueKind == JsonValueKind.Object ? error.GetProperty("statusCode").GetString() ?? "UNKNOWN" : "UNKNOWN",
                    error.ValueKind == JsonValueKind.Object ? error.GetProperty("message").GetString() ?? "" : "Salesforce gave no reason.");
            }).ToArray();
        }

        // The whole collection was refused (malformed, too many records): every record gets that reason.
        var (code, message) = FirstError(response.Body);
        return Enumerable.Repeat(WriteResult.Failed(code, message), expected).ToArray();
    }

    private SalesforceRecord ToRecord(EntityKind entity, JsonElement row)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        var externalIdField = ExternalIdField;
        var mapped = map.For(entity).SalesforceFields;
        string? createdBy = null;
        AppId? externalAppId = null;
        foreach (var property in row.EnumerateObject())
        {
            if (property.Name is "attributes" or "Id" or "SystemModstamp" or "IsDeleted" or "CreatedDate" or "AccountId")
            {
                continue;
            }

            if (property.Name == "CreatedById")
            {
                createdBy = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                continue;
            }

            if (externalIdField is not null && string.Equals(property.Name, externalIdField, StringComparison.OrdinalIgnoreCase))
            {
                externalAppId = property.Value.ValueKind == JsonValueKind.String && AppId.TryParse(property.Value.GetString(), out var appId) ? appId : null;
                if (!mapped.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
                {
                    continue; // ours, not a field of the map: the merge must not see it
                }
            }

            fields[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => property.Value.GetString(),
                _ => property.Value.GetRawText(),
            };
        }

        SalesforceId? parent = entity == EntityKind.Contact && row.TryGetProperty("AccountId", out var account) && SalesforceId.TryParse(account.GetString(), out var accountId) ? accountId : null;
        return new SalesforceRecord(
            SalesforceId.Parse(row.GetProperty("Id").GetString()!),
            fields,
            parent,
            row.TryGetProperty("CreatedDate", out var created) && created.ValueKind == JsonValueKind.String ? SalesforceDates.Parse(created.GetString()!) : DateTimeOffset.MinValue,
            SalesforceDates.Parse(row.GetProperty("SystemModstamp").GetString()!),
            row.TryGetProperty("IsDeleted", out var deleted) && deleted.ValueKind == JsonValueKind.True,
            CreatedByIntegrationUser(createdBy),
            externalAppId);
    }

    /// <summary>
    /// Whether a record's creator is the user this sync signs in as. Lenient when either id is unknown (a token response
    /// without an identity URL, a row without CreatedById): then the engine's own rules decide, as before this was known.
    /// </summary>
    private bool CreatedByIntegrationUser(string? createdById) =>
        session.UserId is not { } integrationUser || !SalesforceId.TryParse(createdById, out var creator) || creator == integrationUser;

    private static Task<T> CallAsync<T>(Func<Task<IApiResponse<T>>> call, string what) =>
        SideCall.ContentAsync(Side.Salesforce, call, what, response => Describe(response.StatusCode, (response.Error as ApiException)?.Content));

    /// <summary>Status plus Salesforce's errorCode and message; never the request, which may hold record data.</summary>
    private static string Describe(System.Net.HttpStatusCode? status, string? body)
    {
        var prefix = status is { } s ? $"{(int)s} {s}" : "no answer";
        if (string.IsNullOrWhiteSpace(body))
        {
            return prefix;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var (code, message) = FirstError(json.RootElement);
            return $"{prefix}: {code}: {message}";
        }
        catch (JsonException)
        {
            return prefix; // an HTML maintenance page, say
        }
    }

    private static (string Code, string Message) FirstError(JsonElement body)
    {
        var error = body.ValueKind == JsonValueKind.Array && body.GetArrayLength() > 0 ? body[0] : body;
        if (error.ValueKind != JsonValueKind.Object)
        {
            return ("UNKNOWN", "Salesforce gave no reason.");
        }

        var code = error.TryGetProperty("errorCode", out var c) ? c.GetString() : error.TryGetProperty("statusCode", out var sc) ? sc.GetString() : null;
        var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
        return (code ?? "UNKNOWN", message ?? "");
    }

    [LoggerMessage(EventId = 5006, EventName = "SalesforceCommittedUnknown", Level = LogLevel.Information, Message = "Salesforce did not say which {Entity} changes are committed; the change feed re-reads the lookback")]
    private static partial void CommittedUnknown(ILogger logger, EntityKind entity);

    [LoggerMessage(EventId = 5003, EventName = "SalesforceRowLocked", Level = LogLevel.Warning, Message = "{Count} {Entity} records were locked by another transaction; retry {Attempt}")]
    private static partial void RowLocked(ILogger logger, EntityKind entity, int count, int attempt);
}
