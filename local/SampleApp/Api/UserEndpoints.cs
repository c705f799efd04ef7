using System.Text.Json;
using SfSync.SampleApp.Data;

namespace SfSync.SampleApp.Api;

/// <summary>
/// The app's ordinary endpoints, as its users (and the demos and tests acting as users) work with it:
/// list, read, create, edit and delete customers and contacts. Records are flat JSON objects with snake_case names.
/// </summary>
internal static class UserEndpoints
{
    private const int DefaultPageSize = 100;

    private const int MaxPageSize = 1000;

    public static void MapUserApi(this WebApplication app)
    {
        foreach (var collection in new[] { Collection.Customers, Collection.Contacts })
        {
            var group = app.MapGroup("/" + collection.Name);
            group.MapGet("/", (RecordStore store, long? customerId, int? skip, int? take, CancellationToken ct) => ListAsync(collection, store, customerId, skip, take, ct));
            group.MapGet("/{id}", (string id, RecordStore store, CancellationToken ct) => GetAsync(collection, id, store, ct));
            group.MapPost("/", (JsonElement body, RecordStore store, CancellationToken ct) => WriteAsync(collection, null, body, store, ct));
            group.MapPatch("/{id}", (string id, JsonElement body, RecordStore store, CancellationToken ct) => WriteAsync(collection, id, body, store, ct));
            group.MapDelete("/{id}", (string id, RecordStore store, CancellationToken ct) => DeleteAsync(collection, id, store, ct));
        }
    }

    private static async Task<IResult> ListAsync(Collection collection, RecordStore store, long? customerId, int? skip, int? take, CancellationToken cancellationToken)
    {
        // A page, never a silent cut: the total says how many there are and next links the following page (null on the last).
        var filter = collection.HasCustomer ? customerId : null;
        var from = Math.Max(0, skip ?? 0);
        var size = Math.Clamp(take ?? DefaultPageSize, 1, MaxPageSize);
        var records = await store.ListAsync(collection, filter, from, size, cancellationToken);
        var total = await store.CountAsync(collection, filter, cancellationToken);
        var next = from + records.Count < total
            ? $"/{collection.Name}?skip={from + records.Count}&take={size}" + (filter is { } c ? $"&customerId={c}" : "")
            : null;
        return Results.Ok(new { items = records.Select(Flat).ToList(), total, next });
    }

    private static async Task<IResult> GetAsync(Collection collection, string id, RecordStore store, CancellationToken cancellationToken) =>
        Ids.TryParse(id, out var parsed) && await store.GetAsync(collection, parsed, cancellationToken) is { Deleted: false } record
            ? Results.Ok(Flat(record))
            : NotFound(collection, id);

    private static async Task<IResult> WriteAsync(Collection collection, string? id, JsonElement body, RecordStore store, CancellationToken cancellationToken)
    {
        long? existing = null;
        if (id is not null)
        {
            if (!Ids.TryParse(id, out var parsed))
            {
                return NotFound(collection, id);
            }

            existing = parsed;
        }

        if (!TryReadChange(collection, body, out var change, out var problem))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid record", detail: problem);
        }

        var outcome = await store.WriteAsUserAsync(collection, existing, change, cancellationToken);
        return outcome switch
        {
            { Record: { } record } when id is null => Results.Created($"/{collection.Name}/{Ids.Format(record.Id)}", Flat(record)),
            { Record: { } record } => Results.Ok(Flat(record)),
            { Error.Code: "NotFound" } when outcome.Error.Field is null => NotFound(collection, id!),
            _ => Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid record",
                detail: outcome.Error!.Message,
                extensions: new Dictionary<string, object?> { ["code"] = outcome.Error.Code, ["field"] = outcome.Error.Field }),
        };
    }

    private static async Task<IResult> DeleteAsync(Collection collection, string id, RecordStore store, CancellationToken cancellationToken)
    {
        if (!Ids.TryParse(id, out var parsed) || await store.GetAsync(collection, parsed, cancellationToken) is not { Deleted: false })
        {
            return NotFound(collection, id);
        }

        await store.DeleteManyAsync(collection, [parsed], cancellationToken);
        return Results.NoContent();
    }

    private static bool TryReadChange(Collection collection, JsonElement body, out RecordChange change, out string? problem)
    {
        change = new RecordChange(new Dictionary<string, string?>());
        problem = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            problem = "The body must be a JSON object of fields.";
            return false;
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? salesforceId = null;
        long? customerId = null;
        bool? syncDisabled = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "id" or "version" or "created_at" or "modified_at":
                    continue; // read-only, ignored so a GET result can be sent back edited
                case "sync_disabled" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    syncDisabled = property.Value.GetBoolean();
                    continue;
                case "salesforce_id" when property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                    salesforceId = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    continue;
                case "customer_id" when collection.HasCustomer:
                    var text = property.Value.ValueKind == JsonValueKind.Number ? property.Value.GetRawText() : property.Value.GetString();
                    if (!Ids.TryParse(text, out var parsed))
                    {
                        problem = "customer_id must be the id of a customer.";
                        return false;
                    }

                    customerId = parsed;
                    continue;
                default:
                    if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        problem = $"'{property.Name}' must be a string or null.";
                        return false;
                    }

                    fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    continue;
            }
        }

        change = new RecordChange(fields, string.IsNullOrWhiteSpace(salesforceId) ? null : salesforceId.Trim(), customerId, syncDisabled);
        return true;
    }

    private static Dictionary<string, object?> Flat(StoredRecord record)
    {
        var flat = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = Ids.Format(record.Id) };
        foreach (var (name, value) in record.Fields)
        {
            flat[name] = value;
        }

        if (record.CustomerId is { } customer)
        {
            flat["customer_id"] = Ids.Format(customer);
        }

        flat["salesforce_id"] = record.SalesforceId;
        flat["sync_disabled"] = record.SyncDisabled;
        flat["created_at"] = record.CreatedAt;
        flat["modified_at"] = record.ModifiedAt;
        flat["version"] = record.Version;
        return flat;
    }

    private static IResult NotFound(Collection collection, string id) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Not found",
        detail: $"No {collection.Name} record '{id}'.");
}
