using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SfSync.SalesforceEmulator.Org;
using SfSync.SalesforceEmulator.Soql;

namespace SfSync.SalesforceEmulator.Api;

/// <summary>
/// The REST data API under /services/data/vNN.N: one dispatcher for direct calls and Composite subrequests alike, so a
/// subrequest behaves exactly as the same call made on its own (and costs nothing extra).
/// </summary>
internal sealed partial class DataApi(OrgStore org, QueryCursors cursors, EmulatorState state, IOptions<EmulatorOptions> options, ListViews listViews)
{
    private const int MaxCollection = 200;

    /// <param name="userId">The session's user: writes are made as this user (CreatedById, LastModifiedById).</param>
    public ApiResult Handle(string userId, string method, string version, string path, IReadOnlyDictionary<string, string> query, JsonNode? body, int? batchSize = null)
    {
        try
        {
            var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            return (method, segments) switch
            {
                ("GET", []) => ApiResult.Ok(Resources(version)),
                ("GET", ["limits"]) => ApiResult.Ok(Limits()),
                ("GET", ["query"]) => RunQuery(version, query.GetValueOrDefault("q"), includeDeleted: false, batchSize),
                ("GET", ["queryAll"]) => RunQuery(version, query.GetValueOrDefault("q"), includeDeleted: true, batchSize),
                ("GET", ["query" or "queryAll", var locator]) => NextPage(version, locator, batchSize),
                ("POST", ["composite"]) => Composite(userId, version, body),
                ("POST", ["composite", "sobjects"]) => Collection(body, record => Create(userId, record)),
                ("PATCH", ["composite", "sobjects"]) => Collection(body, record => Update(userId, record)),
                ("PATCH", ["composite", "sobjects", var type, var field]) => Collection(body, record => Guarded(() => org.Upsert(userId, type, field, record))),
                ("DELETE", ["composite", "sobjects"]) => DeleteCollection(userId, query.GetValueOrDefault("ids")),
                ("GET", ["sobjects"]) => ApiResult.Ok(new JsonObject { ["sobjects"] = new JsonArray(org.Schemas.Values.Select(s => (JsonNode?)Describe(s, version, full: false)).ToArray()) }),
                ("GET", ["sobjects", var type]) when org.Schema(type) is { } schema => ApiResult.Ok(new JsonObject { ["objectDescribe"] = Describe(schema, version, full: false) }),
                ("GET", ["sobjects", var type, "describe"]) when org.Schema(type) is { } schema => ApiResult.Ok(Describe(schema, version, full: true)),
                ("GET", ["sobjects", var type, "listviews"]) when org.Schema(type) is not null => ApiResult.Ok(ListViewListing(type, version)),
                ("GET", ["sobjects", var type, "listviews", var id, "describe"]) => listViews.Find(type, id) is { } view
                    ? ApiResult.Ok(ListViewDescribe(view))
                    : ApiResult.Error(404, "NOT_FOUND", "The requested resource does not exist"),
                ("GET", ["sobjects", var type, "updated"]) => Replication(type, query, deleted: false),
                ("GET", ["sobjects", var type, "deleted"]) => Replication(type, query, deleted: true),
                ("POST", ["sobjects", var type]) => Single(Create(userId, Typed(body, type)), created: true),
                ("GET", ["sobjects", var type, var id]) => org.Get(type, id) is { } record
                    ? ApiResult.Ok(SfJson.Retrieved(record, org.Schema(type)!, version))
                    : ApiResult.Error(404, "NOT_FOUND", "The requested resource does not exist"),
                ("PATCH", ["sobjects", var type, var id]) => Single(Guarded(() => org.Update(userId, type, id, body as JsonObject ?? []))),
                ("DELETE", ["sobjects", _, var id]) => Single(Guarded(() => org.Delete(userId, id))),
                _ => ApiResult.Error(404, "NOT_FOUND", "The requested resource does not exist"),
            };
        }
        catch (SoqlException ex)
        {
            return ApiResult.Error(400, ex.ErrorCode, ex.Message);
        }
    }

    /// <summary>GET /sobjects/{type}/listviews: one page holds them all here.</summary>
    private JsonObject ListViewListing(string type, string version)
    {
        var views = listViews.Of(type);
        return new JsonObject
        {
            ["done"] = true,
            ["listviews"] = new JsonArray(views.Select(v => (JsonNode?)new JsonObject
            {
                ["describeUrl"] = $"/services/data/{version}/sobjects/{type}/listviews/{v.Id}/describe",
                ["developerName"] = v.DeveloperName,
                ["id"] = v.Id,
                ["label"] = v.Label,
                ["resultsUrl"] = $"/services/data/{version}/sobjects/{type}/listviews/{v.Id}/results",
                ["soqlCompatible"] = true,
                ["url"] = $"/services/data/{version}/sobjects/{type}/listviews/{v.Id}",
            }).ToArray()),
            ["nextRecordsUrl"] = null,
            ["size"] = views.Count,
            ["sobjectType"] = type,
        };
    }

    /// <summary>GET /sobjects/{type}/listviews/{id}/describe, without the structured whereCondition (the query says it).</summary>
    private static JsonObject ListViewDescribe(ListView view) => new()
    {
        ["columns"] = new JsonArray(
            new JsonObject { ["fieldNameOrPath"] = "Name", ["label"] = "Name", ["sortable"] = true, ["type"] = "string" },
            new JsonObject { ["fieldNameOrPath"] = "Id", ["label"] = "Id", ["hidden"] = true, ["sortable"] = false, ["type"] = "id" }),
        ["id"] = view.Id,
        ["orderBy"] = new JsonArray(new JsonObject { ["fieldNameOrPath"] = "Name", ["nullsPosition"] = "first", ["sortDirection"] = "ascending" }),
        ["query"] = view.Query,
        ["relatedEntityId"] = null,
        ["scope"] = view.Scope,
        ["scopeEntityId"] = null,
        ["sobjectType"] = view.SObject,
    };

    private ApiResult RunQuery(string version, string? soql, bool includeDeleted, int? batchSize)
    {
        if (string.IsNullOrWhiteSpace(soql))
        {
            return ApiResult.Error(400, "MALFORMED_QUERY", "A query string has to be specified");
        }

        var parsed = SoqlParser.Parse(soql);
        var rows = org.Query(parsed, includeDeleted).Select(r => SfJson.Record(r, version)).ToList();
        return ApiResult.Ok(cursors.Page(rows, 0, PageSize(batchSize), version));
    }

    private ApiResult NextPage(string version, string locator, int? batchSize)
    {
        var dash = locator.LastIndexOf('-');
        if (dash < 0 || !int.TryParse(locator.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || !cursors.TryGet(locator[..dash], out var rows))
        {
            return ApiResult.Error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }

        return ApiResult.Ok(cursors.Page(rows, offset, PageSize(batchSize), version, locator[..dash]));
    }

    private int PageSize(int? batchSize) => Math.Min(batchSize is >= 200 ? batchSize.Value : options.Value.PageSize, options.Value.PageSize);

    private static ApiResult Collection(JsonNode? body, Func<JsonObject, SaveResult> save)
    {
        if (body?["records"] is not JsonArray records)
        {
            return ApiResult.Error(400, "JSON_PARSER_ERROR", "The request body must hold a records array.");
        }

        if (records.Count > MaxCollection)
        {
            return ApiResult.Error(400, "EXCEEDED_ID_LIMIT", $"record limit reached. cannot submit more than {MaxCollection} records into this call");
        }

        var allOrNone = body["allOrNone"]?.GetValue<bool>() ?? false;
        var results = new List<SaveResult>();
        foreach (var record in records)
        {
            results.Add(record is JsonObject fields ? save(fields) : SaveResult.Failed("JSON_PARSER_ERROR", "A record must be a JSON object."));
        }

        if (allOrNone && results.Any(r => !r.Success))
        {
            // The emulator reports allOrNone like Salesforce does; it does not undo the records it already saved.
            results = results.Select(r => r.Success ? SaveResult.Failed("ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all records were valid and the request was using AllOrNone header") : r).ToList();
        }

        return ApiResult.Ok(new JsonArray(results.Select(r => (JsonNode?)SfJson.SaveResult(r)).ToArray()));
    }

    private ApiResult DeleteCollection(string userId, string? ids)
    {
        var list = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length is 0 or > MaxCollection)
        {
            return ApiResult.Error(400, "EXCEEDED_ID_LIMIT", $"ids must name 1 to {MaxCollection} records");
        }

        return ApiResult.Ok(new JsonArray(list.Select(id =>
        {
            var result = Guarded(() => org.Delete(userId, id));
            return (JsonNode?)SfJson.SaveResult(result.Id is null ? result with { Id = id } : result);
        }).ToArray()));
    }

    private SaveResult Create(string userId, JsonObject record)
    {
        var type = record["attributes"]?["type"]?.GetValue<string>();
        return type is null
            ? SaveResult.Failed("INVALID_TYPE", "Must send a concrete entity type.")
            : Guarded(() => org.Create(userId, type, record));
    }

    private SaveResult Update(string userId, JsonObject record)
    {
        var id = (record["id"] ?? record["Id"])?.GetValue<string>();
        return id is null
            ? SaveResult.Failed("MISSING_ARGUMENT", "Id not specified in an update call")
            : Guarded(() => org.Update(userId, record["attributes"]?["type"]?.GetValue<string>(), id, record));
    }

    /// <summary>A write the lock-row fault may refuse, as Salesforce does when another transaction holds the row.</summary>
    private SaveResult Guarded(Func<SaveResult> write) =>
        state.TakeLockRowFault()
            ? SaveResult.Failed("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records")
            : write();

    private static JsonObject Typed(JsonNode? body, string type)
    {
        var record = body as JsonObject ?? [];
        record["attributes"] = new JsonObject { ["type"] = type };
        return record;
    }

    private static ApiResult Single(SaveResult result, bool created = false)
    {
        if (!result.Success)
        {
            var error = result.Errors[0];
            var status = error.StatusCode is "NOT_FOUND" or "ENTITY_IS_DELETED" ? 404 : 400;
            return new ApiResult(status, SfJson.Errors(error.StatusCode, error.Message, error.Fields));
        }

        return created ? new ApiResult(201, new JsonObject { ["id"] = result.Id, ["success"] = true, ["errors"] = new JsonArray() }) : new ApiResult(204, null);
    }

    private ApiResult Composite(string userId, string version, JsonNode? body)
    {
        if (body?["compositeRequest"] is not JsonArray requests)
        {
            return ApiResult.Error(400, "JSON_PARSER_ERROR", "The request body must hold a compositeRequest array.");
        }

        if (requests.Count > 25)
        {
            return ApiResult.Error(400, "INVALID_REQUEST", "Composite requests can have at most 25 subrequests.");
        }

        var heavy = requests.Count(r => Regex.IsMatch(r?["url"]?.GetValue<string>() ?? "", "/(query|queryAll)([/?]|$)|/composite/sobjects"));
        if (heavy > 5)
        {
            return ApiResult.Error(400, "INVALID_REQUEST", "Composite requests can hold at most 5 query or sObject Collections subrequests.");
        }

        var allOrNone = body["allOrNone"]?.GetValue<bool>() ?? false;
        var responses = new JsonArray();
        var byReference = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var halted = false;
        foreach (var request in requests.OfType<JsonObject>())
        {
            var referenceId = request["referenceId"]?.GetValue<string>() ?? "";
            ApiResult result;
            if (halted)
            {
                result = ApiResult.Error(400, "PROCESSING_HALTED", "The transaction was rolled back since another operation in the same transaction failed.");
            }
            else
            {
                var url = Substitute(request["url"]?.GetValue<string>() ?? "", byReference);
                var subBody = request["body"] is { } b ? JsonNode.Parse(Substitute(b.ToJsonString(), byReference)) : null;
                var match = SubrequestUrl().Match(url);
                result = match.Success
                    ? Handle(userId, request["method"]?.GetValue<string>()?.ToUpperInvariant() ?? "GET", match.Groups["version"].Value, match.Groups["path"].Value, ParseQuery(match.Groups["query"].Value), subBody)
                    : ApiResult.Error(400, "INVALID_URL", $"The subrequest URL '{url}' is not a data API URL.");
                halted = allOrNone && result.Status >= 400;
            }

            byReference[referenceId] = result.Body;
            responses.Add(new JsonObject { ["body"] = result.Body?.DeepClone(), ["httpHeaders"] = new JsonObject(), ["httpStatusCode"] = result.Status, ["referenceId"] = referenceId });
        }

        return ApiResult.Ok(new JsonObject { ["compositeResponse"] = responses });
    }

    private static string Substitute(string text, Dictionary<string, JsonNode?> byReference) => Reference().Replace(text, match =>
    {
        JsonNode? node = byReference.GetValueOrDefault(match.Groups["ref"].Value);
        foreach (var part in match.Groups["path"].Value.Split('.'))
        {
            var index = part.IndexOf('[', StringComparison.Ordinal);
            node = index < 0 ? node?[part] : node?[part[..index]]?[int.Parse(part[(index + 1)..^1], CultureInfo.InvariantCulture)];
        }

        return node?.GetValue<string>() ?? match.Value;
    });

    public static Dictionary<string, string> ParseQuery(string query) => query.TrimStart('?')
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "", StringComparer.Ordinal);

    private ApiResult Replication(string type, IReadOnlyDictionary<string, string> query, bool deleted)
    {
        if (org.Schema(type) is not { } schema)
        {
            return ApiResult.Error(404, "NOT_FOUND", "The requested resource does not exist");
        }

        if (!DateTimeOffset.TryParse(query.GetValueOrDefault("start"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
            || !DateTimeOffset.TryParse(query.GetValueOrDefault("end"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var end)
            || start >= end)
        {
            return ApiResult.Error(400, "INVALID_REPLICATION_DATE", "start and end must be dateTimes with start before end");
        }

        // Seconds are truncated, and the windows are 30 days (updated) and 15 days (deleted) back from now.
        start = TruncateToMinute(start.ToUniversalTime());
        end = TruncateToMinute(end.ToUniversalTime());
        var earliest = org.Now - TimeSpan.FromDays(deleted ? 15 : 30);
        if (start < earliest)
        {
            return ApiResult.Error(400, "INVALID_REPLICATION_DATE", $"start must be within the last {(deleted ? 15 : 30)} days");
        }

        // As the org says it: changes from here on may still be committing — the start of the oldest transaction still
        // open, else the end asked.
        var covered = org.OpenSince is { } open && open < end ? open : end;
        var (ids, gone) = org.Replication(schema.Name, start, end);
        return ApiResult.Ok(deleted
            ? new JsonObject
            {
                ["deletedRecords"] = new JsonArray(gone.Select(g => (JsonNode?)new JsonObject { ["id"] = g.Id, ["deletedDate"] = SfJson.DateTime(g.At) }).ToArray()),
                ["earliestDateAvailable"] = SfJson.DateTime(earliest),
                ["latestDateCovered"] = SfJson.DateTime(covered),
            }
            : new JsonObject
            {
                ["ids"] = new JsonArray(ids.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()),
                ["latestDateCovered"] = SfJson.DateTime(covered),
            });
    }

    private JsonObject Limits() => new()
    {
        ["DailyApiRequests"] = new JsonObject { ["Max"] = state.DailyMax, ["Remaining"] = Math.Max(0, state.DailyMax - state.Used) },
    };

    private static JsonObject Resources(string version) => new()
    {
        ["limits"] = $"/services/data/{version}/limits",
        ["query"] = $"/services/data/{version}/query",
        ["queryAll"] = $"/services/data/{version}/queryAll",
        ["sobjects"] = $"/services/data/{version}/sobjects",
        ["composite"] = $"/services/data/{version}/composite",
    };

    private static JsonObject Describe(SObjectSchema schema, string version, bool full)
    {
        var describe = new JsonObject
        {
            ["name"] = schema.Name,
            ["label"] = schema.Name,
            ["keyPrefix"] = schema.KeyPrefix,
            ["queryable"] = true,
            ["createable"] = true,
            ["updateable"] = true,
            ["deletable"] = true,
            ["urls"] = new JsonObject { ["sobject"] = $"/services/data/{version}/sobjects/{schema.Name}", ["describe"] = $"/services/data/{version}/sobjects/{schema.Name}/describe" },
        };
        if (full)
        {
            describe["fields"] = new JsonArray(schema.Fields.Select(f => (JsonNode?)new JsonObject
            {
                ["name"] = f.Name,
                ["type"] = f.Type switch { FieldType.Id => "id", FieldType.Email => "email", FieldType.Reference => "reference", FieldType.DateTime => "datetime", FieldType.Boolean => "boolean", _ => "string" },
                ["length"] = f.MaxLength,
                ["createable"] = f.Writable,
                ["updateable"] = f.Writable,
                ["nillable"] = !f.Required && f.Type != FieldType.Boolean,
                ["externalId"] = f.ExternalId,
            }).ToArray());
        }

        return describe;
    }

    private static DateTimeOffset TruncateToMinute(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    [GeneratedRegex(@"^/services/data/(?<version>v\d+\.\d)(?<path>/[^?]*)?(?<query>\?.*)?$")]
    private static partial Regex SubrequestUrl();

    [GeneratedRegex(@"@\{(?<ref>\w+)\.(?<path>[\w\[\]\.]+)\}")]
    private static partial Regex Reference();
}
