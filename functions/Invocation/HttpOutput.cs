using System.Text.Json;

namespace SfSync.Functions.Invocation;

/// <summary>The <c>res</c> output: the status, headers and (pre-serialized) body the host returns to the HTTP caller.</summary>
internal static class HttpOutput
{
    // Quotes and apostrophes as they are: the body is JSON for API clients, never embedded in HTML.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Dictionary<string, object?> Json200(object body, int status = 200, Dictionary<string, string>? headers = null)
    {
        var all = new Dictionary<string, string>(headers ?? [], StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };
        return new Dictionary<string, object?> { ["statusCode"] = status, ["headers"] = all, ["body"] = JsonSerializer.Serialize(body, Json) };
    }

    /// <summary>RFC 9457 problem details.</summary>
    public static Dictionary<string, object?> Problem(int status, string title, string detail, object? extensions = null)
    {
        var problem = new Dictionary<string, object?>
        {
            ["type"] = $"https://httpstatuses.io/{status}",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
        if (extensions is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extensions, Json).EnumerateObject())
            {
                problem[property.Name] = property.Value;
            }
        }

        return new Dictionary<string, object?>
        {
            ["statusCode"] = status,
            ["headers"] = new Dictionary<string, string> { ["Content-Type"] = "application/problem+json" },
            ["body"] = JsonSerializer.Serialize(problem, Json),
        };
    }
}
