using System.Text.Json.Nodes;

namespace SfSync.SalesforceEmulator.Api;

/// <summary>What one data API request answers; composite subrequests use the same value.</summary>
internal sealed record ApiResult(int Status, JsonNode? Body)
{
    public static ApiResult Ok(JsonNode? body) => new(200, body);

    public static ApiResult Error(int status, string errorCode, string message, params string[] fields) => new(status, SfJson.Errors(errorCode, message, fields));
}
