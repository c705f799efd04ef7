using System.Globalization;
using System.Text.Json.Nodes;
using SfSync.SalesforceEmulator.Org;

namespace SfSync.SalesforceEmulator.Api;

/// <summary>Salesforce's JSON shapes: records with attributes, datetimes as 2013-05-20T20:49:32.000+0000, errors as arrays.</summary>
internal static class SfJson
{
    public static string DateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    public static JsonObject Record(Dictionary<string, object?> row, string version)
    {
        var type = (string)row["attributes.type"]!;
        var id = row.GetValueOrDefault("attributes.id") ?? row.GetValueOrDefault("Id");
        var json = new JsonObject { ["attributes"] = new JsonObject { ["type"] = type, ["url"] = $"/services/data/{version}/sobjects/{type}/{id}" } };
        foreach (var (name, value) in row)
        {
            if (!name.StartsWith("attributes.", StringComparison.Ordinal))
            {
                json[name] = Value(value);
            }
        }

        return json;
    }

    /// <summary>
    /// A record as a retrieve (GET sobjects/{type}/{id}) answers it: every field of the object present, null when unset,
    /// in the schema's order — Salesforce leaves no field out, so a client must cope with nulls rather than absences.
    /// </summary>
    public static JsonObject Retrieved(Dictionary<string, object?> row, SObjectSchema schema, string version)
    {
        var json = Record(row, version);
        var all = new JsonObject { ["attributes"] = json["attributes"]!.DeepClone() };
        foreach (var field in schema.Fields)
        {
            all[field.Name] = json[field.Name]?.DeepClone();
        }

        return all;
    }

    public static JsonNode? Value(object? value) => value switch
    {
        null => null,
        DateTimeOffset date => JsonValue.Create(DateTime(date)),
        bool flag => JsonValue.Create(flag),
        string text => JsonValue.Create(text),
        _ => JsonValue.Create(value.ToString()),
    };

    /// <summary>A top-level REST error: an array with one error (the key is errorCode here, statusCode in save results).</summary>
    public static JsonArray Errors(string errorCode, string message, params string[] fields)
    {
        var error = new JsonObject { ["message"] = message, ["errorCode"] = errorCode };
        if (fields.Length > 0)
        {
            error["fields"] = new JsonArray(fields.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        }

        return [error];
    }

    public static JsonObject SaveResult(SaveResult result)
    {
        var json = new JsonObject
        {
            ["id"] = result.Id,
            ["success"] = result.Success,
            ["errors"] = new JsonArray(result.Errors.Select(e => (JsonNode?)new JsonObject
            {
                ["statusCode"] = e.StatusCode,
                ["message"] = e.Message,
                ["fields"] = new JsonArray(e.Fields.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
            }).ToArray()),
        };
        if (result.Created is { } created)
        {
            json["created"] = created;
        }

        return json;
    }
}
