using System.Text.Json.Serialization;

namespace SfSync.Functions.Invocation;

/// <summary>
/// The answer to the host: always 200 with a JSON object, because on any other status the host discards Outputs and
/// Logs and (for HTTP) gives the caller a bare 500. Failures the caller must see travel in the HTTP output's status.
/// </summary>
internal sealed class InvocationResponse
{
    [JsonPropertyName("Outputs")]
    public Dictionary<string, object?> Outputs { get; } = new(StringComparer.Ordinal);

    [JsonPropertyName("Logs")]
    public List<string> Logs { get; init; } = [];

    [JsonPropertyName("ReturnValue")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? ReturnValue { get; set; }
}
