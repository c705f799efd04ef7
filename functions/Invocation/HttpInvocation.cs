using System.Text.Json;

namespace SfSync.Functions.Invocation;

/// <summary>The HTTP request of an httpTrigger invocation (<c>Data.req</c>) and the helpers to answer it through the <c>res</c> output.</summary>
internal sealed class HttpInvocation
{
    public string Method { get; init; } = "GET";

    public string Url { get; init; } = "";

    public Dictionary<string, string> Query { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> Params { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public string? Body { get; init; }

    public static HttpInvocation From(InvocationRequest request, string binding = "req")
    {
        if (!request.Data.TryGetValue(binding, out var req) || req.ValueKind != JsonValueKind.Object)
        {
            return new HttpInvocation();
        }

        return new HttpInvocation
        {
            Method = Property(req, nameof(Method)) is { ValueKind: JsonValueKind.String } method ? method.GetString() ?? "GET" : "GET",
            Url = Property(req, nameof(Url)) is { ValueKind: JsonValueKind.String } url ? url.GetString() ?? "" : "",
            Query = Strings(req, nameof(Query)),
            Params = Strings(req, nameof(Params)),
            Headers = Strings(req, nameof(Headers)),
            Body = Property(req, nameof(Body)) is { } body ? body.ValueKind == JsonValueKind.String ? body.GetString() : body.ValueKind is JsonValueKind.Null ? null : body.GetRawText() : null,
        };
    }

    /// <summary>The host writes PascalCase names; matching them case-insensitively costs nothing and tolerates other writers.</summary>
    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    public string? ContentType => Headers.TryGetValue("Content-Type", out var value) ? value : null;

    // Headers arrive as arrays of strings; Query as an object (or, in some hosts' samples, as a JSON string of one).
    private static Dictionary<string, string> Strings(JsonElement req, string name)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Property(req, name) is not { } value)
        {
            return result;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var parsed = JsonDocument.Parse(value.GetString()!);
                Fill(result, parsed.RootElement);
            }
            catch (JsonException)
            {
                // not an object: no values
            }

            return result;
        }

        Fill(result, value);
        return result;
    }

    private static void Fill(Dictionary<string, string> result, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Array => string.Join(",", property.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())),
                JsonValueKind.String => property.Value.GetString() ?? "",
                _ => property.Value.GetRawText(),
            };
        }
    }
}
