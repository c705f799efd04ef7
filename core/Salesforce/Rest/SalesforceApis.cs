using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;
using SfSync.Http;

namespace SfSync.Salesforce.Rest;

/// <summary>The OAuth token endpoint on the login host (login, test or My Domain).</summary>
internal interface ISalesforceTokenApi
{
    [Post("/services/oauth2/token")]
    Task<IApiResponse<TokenResponse>> TokenAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken = default);
}

/// <summary>The REST data API on the org's instance. Everything the sync does travels in Composite requests (one API call each).</summary>
internal interface ISalesforceDataApi
{
    [Post("/services/data/{version}/composite")]
    Task<IApiResponse<CompositeResult>> CompositeAsync(string version, [Body] CompositeBody request, [Property(SideResilience.NotReplayable)] bool notReplayable, CancellationToken cancellationToken = default);

    [Get("/services/data/{version}/query/{locator}")]
    Task<IApiResponse<QueryResult>> QueryMoreAsync(string version, string locator, CancellationToken cancellationToken = default);

    [Get("/services/data/{version}/sobjects/{sobject}/listviews")]
    Task<IApiResponse<JsonElement>> ListViewsAsync(string version, string sobject, CancellationToken cancellationToken = default);

    [Get("/services/data/{version}/sobjects/{sobject}/listviews/{id}/describe")]
    Task<IApiResponse<JsonElement>> ListViewDescribeAsync(string version, string sobject, string id, CancellationToken cancellationToken = default);

    [Get("/services/data/{version}/limits")]
    Task<IApiResponse<JsonElement>> LimitsAsync(string version, CancellationToken cancellationToken = default);
}

internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("instance_url")] string? InstanceUrl,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("issued_at")] string? IssuedAt,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken);

internal sealed record CompositeSubrequest(string Method, string Url, string ReferenceId, JsonElement? Body = null);

internal sealed record CompositeBody(bool AllOrNone, bool CollateSubrequests, [property: JsonPropertyName("compositeRequest")] IReadOnlyList<CompositeSubrequest> Requests);

internal sealed record CompositeSubresponse(JsonElement Body, int HttpStatusCode, string ReferenceId);

internal sealed record CompositeResult([property: JsonPropertyName("compositeResponse")] IReadOnlyList<CompositeSubresponse> Responses);

internal sealed record QueryResult(int TotalSize, bool Done, string? NextRecordsUrl, IReadOnlyList<JsonElement> Records);
