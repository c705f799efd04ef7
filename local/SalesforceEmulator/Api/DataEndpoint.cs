using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SfSync.SalesforceEmulator.Api;

/// <summary>
/// /services/data: the version list (free, unauthenticated, like Salesforce's), and every versioned call with what
/// Salesforce does around it — bearer session check, injected faults, the daily API counter, Sforce-Limit-Info.
/// </summary>
internal static partial class DataEndpoint
{
    public static void MapData(this WebApplication app)
    {
        app.MapGet("/services/data", (HttpContext http) => Results.Json(new[] { new { label = "Winter '26", url = "/services/data/v62.0", version = "62.0" } }));
        app.Map("/services/data/{version}/{**path}", HandleAsync);
    }

    private static async Task HandleAsync(HttpContext http, string version, string? path, DataApi api, EmulatorState state, IOptions<EmulatorOptions> options)
    {
        if (!Version().IsMatch(version))
        {
            await WriteAsync(http, ApiResult.Error(404, "NOT_FOUND", "The requested resource does not exist"));
            return;
        }

        var faults = state.Faults;
        if (faults.LatencyMs > 0)
        {
            await Task.Delay(faults.LatencyMs, http.RequestAborted);
        }

        var authorization = http.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";
        if (state.Touch(token) is not { } userId)
        {
            await WriteAsync(http, ApiResult.Error(401, "INVALID_SESSION_ID", "Session expired or invalid"));
            return;
        }

        if (state.TakeUnavailableFault())
        {
            http.Response.StatusCode = 503;
            http.Response.ContentType = "text/html";
            await http.Response.WriteAsync("<html><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>");
            return;
        }

        if (state.TakeThrottleFault())
        {
            http.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await WriteAsync(http, ApiResult.Error(429, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."));
            return;
        }

        if (!state.TryCount(path?.Split('/', 2)[0] ?? ""))
        {
            http.Response.Headers["Sforce-Limit-Info"] = state.LimitInfo;
            await WriteAsync(http, ApiResult.Error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."));
            return;
        }

        http.Response.Headers["Sforce-Limit-Info"] = state.LimitInfo;
        JsonNode? body = null;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            }
            catch (JsonException ex)
            {
                await WriteAsync(http, ApiResult.Error(400, "JSON_PARSER_ERROR", ex.Message));
                return;
            }
        }

        var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var result = api.Handle(userId, http.Request.Method, version, path ?? "", query, body, BatchSize(http));
        if (http.Request.Method != "GET" && state.TakeDropAnswerFault())
        {
            http.Abort(); // applied, but the caller never hears: what a timeout after commit looks like
            return;
        }

        await WriteAsync(http, result);
    }

    private static int? BatchSize(HttpContext http)
    {
        var match = BatchSizeOption().Match(http.Request.Headers["Sforce-Query-Options"].ToString());
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static async Task WriteAsync(HttpContext http, ApiResult result)
    {
        http.Response.StatusCode = result.Status;
        if (result.Body is not null)
        {
            http.Response.ContentType = "application/json;charset=UTF-8";
            await http.Response.WriteAsync(result.Body.ToJsonString(Json));
        }
    }

    // Salesforce writes + and ' as they are; the default encoder's \u002B is valid JSON but not what clients see from a real org.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"^v\d{2}\.\d$")]
    private static partial Regex Version();

    [GeneratedRegex(@"batchSize\s*=\s*(\d+)")]
    private static partial Regex BatchSizeOption();
}
