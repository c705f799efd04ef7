using System.Text.Json;

namespace SfSync.Functions.Invocation;

/// <summary>
/// What the Functions host POSTs to /{FunctionName}: trigger and input data by binding name, and trigger metadata.
/// Scalars arrive JSON-encoded a second time (a Service Bus body {"a":1} is the string "\"{\\\"a\\\":1}\""); objects do not.
/// </summary>
internal sealed class InvocationRequest
{
    private Dictionary<string, JsonElement> _data = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<string, JsonElement> _metadata = new(StringComparer.OrdinalIgnoreCase);

    // Binding names are matched case-insensitively, as the host matches them.
    public Dictionary<string, JsonElement> Data { get => _data; set => _data = new(value, StringComparer.OrdinalIgnoreCase); }

    public Dictionary<string, JsonElement> Metadata { get => _metadata; set => _metadata = new(value, StringComparer.OrdinalIgnoreCase); }

    /// <summary>A scalar binding value with the host's extra layer of JSON encoding removed (either form is accepted).</summary>
    public static string? Scalar(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null || value.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return value.GetRawText();
        }

        var text = value.GetString()!;
        try
        {
            using var inner = JsonDocument.Parse(text);
            return inner.RootElement.ValueKind switch
            {
                JsonValueKind.String => inner.RootElement.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => inner.RootElement.GetRawText(),
                _ => text,
            };
        }
        catch (JsonException)
        {
            return text;
        }
    }

    /// <summary>
    /// The values of a <c>cardinality: many</c> binding — the trigger's data, or a metadata key's <c>&lt;Key&gt;Array</c> —
    /// which the host sends as a JSON array serialized into a string (either form is accepted); null when absent.
    /// </summary>
    public static IReadOnlyList<string?>? Elements(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var inner = JsonDocument.Parse(value.GetString()!);
                return inner.RootElement.ValueKind == JsonValueKind.Array ? Elements(inner.RootElement) : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(e => e.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => e.GetString(),
                _ => e.GetRawText(),
            }).ToList()
            : null;
    }

    public IReadOnlyList<string?>? DataArray(string name) => Data.TryGetValue(name, out var value) ? Elements(value) : null;

    public IReadOnlyList<string?>? MetadataArray(string name) => Metadata.TryGetValue(name + "Array", out var value) ? Elements(value) : null;

    public string? DataScalar(string name) => Data.TryGetValue(name, out var value) ? Scalar(value) : null;

    public string? MetadataScalar(string name) => Metadata.TryGetValue(name, out var value) ? Scalar(value) : null;
}
