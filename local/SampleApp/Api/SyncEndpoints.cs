using System.Globalization;
using SfSync.SampleApp.Data;

namespace SfSync.SampleApp.Api;

/// <summary>The app sync API contract (docs/app-sync-api.openapi.json), as the sample app implements it.</summary>
internal static class SyncEndpoints
{
    public const int MaxRecordsPerWrite = 200;
    public const int MaxLookupValues = 1000;
    public const int MaxPageSize = 2000;

    public static void MapSyncApi(this WebApplication app)
    {
        var sync = app.MapGroup("/sync/v1").AddEndpointFilter<ApiKeyFilter>();
        sync.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        sync.MapGet("/{collection}/changes", ChangesAsync);
        sync.MapGet("/{collection}/ids", IdsAsync);
        sync.MapPost("/{collection}/lookup", LookupAsync);
        sync.MapPost("/{collection}/upsert", UpsertAsync);
        sync.MapPost("/{collection}/delete", DeleteAsync);
    }

    private static async Task<IResult> ChangesAsync(string collection, string? cursor, int? limit, RecordStore store, CancellationToken cancellationToken)
    {
        if (!Collection.TryGet(collection, out var target))
        {
            return UnknownCollection(collection);
        }

        if (!TryParseCursor(cursor, out var after))
        {
            return Problem("Invalid cursor", "The cursor must be one this API returned (or absent to start from the beginning).");
        }

        var size = limit ?? 500;
        if (size is < 1 or > MaxPageSize)
        {
            return Problem("Invalid limit", $"limit must be between 1 and {MaxPageSize}.");
        }

        var (records, hasMore) = await store.ChangesAsync(target, after, size, cancellationToken);
        var next = records.Count == 0 ? after : records[^1].Version;
        return Results.Ok(new ChangesResponse(
            records.Select(r => new ChangeDto(Ids.Format(r.Id), r.Version, r.ModifiedAt, r.Deleted)).ToList(),
            FormatCursor(next),
            hasMore));
    }

    private static async Task<IResult> IdsAsync(string collection, string? after, int? limit, RecordStore store, CancellationToken cancellationToken)
    {
        if (!Collection.TryGet(collection, out var target))
        {
            return UnknownCollection(collection);
        }

        var size = limit ?? 2000;
        if (size is < 1 or > MaxPageSize)
        {
            return Problem("Invalid limit", $"limit must be between 1 and {MaxPageSize}.");
        }

        var (ids, hasMore) = await store.IdsAsync(target, after, size, cancellationToken);
        return Results.Ok(new IdsResponse(ids.Select(i => new IdDto(Ids.Format(i.Id), i.Version, i.ModifiedAt, i.SyncDisabled)).ToList(), hasMore));
    }

    private static async Task<IResult> LookupAsync(string collection, LookupRequest request, RecordStore store, CancellationToken cancellationToken)
    {
        if (!Collection.TryGet(collection, out var target))
        {
            return UnknownCollection(collection);
        }

        var lists = new[] { request.Ids, request.SalesforceIds, request.Emails, request.Names, request.CustomerIds };
        if (lists.Any(l => l?.Length > MaxLookupValues))
        {
            return Problem("Too many lookup values", $"Each lookup list takes at most {MaxLookupValues} values.");
        }

        // Values that cannot be ids of this app match nothing, as an unknown id would.
        static List<long> Parsed(string[]? values) => (values ?? []).Select(i => Ids.TryParse(i, out var id) ? id : 0).Where(id => id > 0).ToList();
        var lookup = new RecordLookup(Parsed(request.Ids), request.SalesforceIds ?? [], request.Emails ?? [], request.Names ?? [], Parsed(request.CustomerIds), request.IncludeDeleted ?? false);
        var records = await store.LookupAsync(target, lookup, cancellationToken);
        return Results.Ok(new RecordsResponse(records.Select(r => SyncRecordDto.From(target, r)).ToList()));
    }

    private static async Task<IResult> UpsertAsync(string collection, UpsertRequest request, RecordStore store, CancellationToken cancellationToken)
    {
        if (!Collection.TryGet(collection, out var target))
        {
            return UnknownCollection(collection);
        }

        if (request.Records is not { Length: > 0 and <= MaxRecordsPerWrite })
        {
            return Problem("Invalid batch", $"records must hold 1 to {MaxRecordsPerWrite} records.");
        }

        // Shape errors of one record become that record's result; the others are still written.
        var results = new ResultDto?[request.Records.Length];
        var writes = new List<(int Index, long? Id, RecordChange Change)>();
        for (var i = 0; i < request.Records.Length; i++)
        {
            var item = request.Records[i];
            long? id = null;
            long? customer = null;
            if (item.Id is not null)
            {
                if (!Ids.TryParse(item.Id, out var parsed))
                {
                    results[i] = Failed("InvalidId", $"'{item.Id}' is not an id of this app.", "id");
                    continue;
                }

                id = parsed;
            }

            if (item.CustomerId is not null)
            {
                if (!target.HasCustomer || !Ids.TryParse(item.CustomerId, out var parsed))
                {
                    results[i] = Failed("InvalidId", target.HasCustomer ? $"'{item.CustomerId}' is not a customer id." : "customers have no customerId.", "customerId");
                    continue;
                }

                customer = parsed;
            }

            writes.Add((i, id, new RecordChange(item.Fields ?? [], item.SalesforceId, customer, ExpectedVersion: id is null ? null : item.ExpectedVersion)));
        }

        var outcomes = await store.WriteManyAsync(target, writes.Select(w => (w.Id, w.Change)).ToList(), bySync: true, cancellationToken);
        for (var w = 0; w < writes.Count; w++)
        {
            var outcome = outcomes[w];
            results[writes[w].Index] = outcome.Record is { } record
                ? new ResultDto(true, Ids.Format(record.Id), record.Version, null, outcome.Existing)
                : Failed(outcome.Error!.Code, outcome.Error.Message, outcome.Error.Field);
        }

        return Results.Ok(new ResultsResponse(results.Select(r => r!).ToList()));
    }

    private static async Task<IResult> DeleteAsync(string collection, DeleteRequest request, RecordStore store, CancellationToken cancellationToken)
    {
        if (!Collection.TryGet(collection, out var target))
        {
            return UnknownCollection(collection);
        }

        if (request.Ids is not { Length: > 0 and <= MaxRecordsPerWrite })
        {
            return Problem("Invalid batch", $"ids must hold 1 to {MaxRecordsPerWrite} ids.");
        }

        var valid = request.Ids.Select(i => Ids.TryParse(i, out var id) ? id : (long?)null).ToList();
        var versions = await store.DeleteManyAsync(target, valid.OfType<long>().ToList(), cancellationToken);
        var next = 0;
        var results = request.Ids.Select((raw, i) => valid[i] is { } id
            ? new ResultDto(true, Ids.Format(id), versions[next++], null)
            : Failed("InvalidId", $"'{raw}' is not an id of this app.", "id")).ToList();
        return Results.Ok(new ResultsResponse(results));
    }

    private static ResultDto Failed(string code, string message, string? field) => new(false, null, null, new ErrorDto(code, message, field));

    private static bool TryParseCursor(string? cursor, out long after)
    {
        after = 0;
        return string.IsNullOrEmpty(cursor)
            || (cursor.StartsWith("v1.", StringComparison.Ordinal) && long.TryParse(cursor.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out after));
    }

    private static string FormatCursor(long version) => "v1." + version.ToString(CultureInfo.InvariantCulture);

    private static IResult UnknownCollection(string collection) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown collection",
        detail: $"'{collection}' is not a collection of this app; use customers or contacts.");

    private static IResult Problem(string title, string detail) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
}
