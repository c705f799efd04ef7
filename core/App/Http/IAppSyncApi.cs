using Refit;

namespace SfSync.App.Http;

/// <summary>The app sync API contract (docs/app-sync-api.openapi.json) as a Refit interface.</summary>
internal interface IAppSyncApi
{
    [Get("/sync/v1/health")]
    Task<IApiResponse> HealthAsync(CancellationToken cancellationToken = default);

    [Get("/sync/v1/{collection}/changes")]
    Task<IApiResponse<ChangePageDto>> ChangesAsync(string collection, string? cursor, int limit, CancellationToken cancellationToken = default);

    [Get("/sync/v1/{collection}/ids")]
    Task<IApiResponse<IdPageDto>> IdsAsync(string collection, string? after, int limit, CancellationToken cancellationToken = default);

    [Post("/sync/v1/{collection}/lookup")]
    Task<IApiResponse<RecordsDto>> LookupAsync(string collection, [Body] LookupDto request, CancellationToken cancellationToken = default);

    [Post("/sync/v1/{collection}/upsert")]
    Task<IApiResponse<ResultsDto>> UpsertAsync(string collection, [Body] UpsertDto request, CancellationToken cancellationToken = default);

    [Post("/sync/v1/{collection}/delete")]
    Task<IApiResponse<ResultsDto>> DeleteAsync(string collection, [Body] DeleteDto request, CancellationToken cancellationToken = default);
}

internal sealed record ChangeDto(string Id, long Version, DateTimeOffset ModifiedAt, bool Deleted);

internal sealed record ChangePageDto(IReadOnlyList<ChangeDto> Changes, string? NextCursor, bool HasMore);

internal sealed record IdDto(string Id, long Version, DateTimeOffset ModifiedAt, bool SyncDisabled);

internal sealed record IdPageDto(IReadOnlyList<IdDto> Ids, bool HasMore);

internal sealed record RecordDto(
    string Id,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    string? SalesforceId,
    bool SyncDisabled,
    string? CustomerId,
    Dictionary<string, string?>? Fields,
    bool Deleted = false,
    string? CompanyName = null);

internal sealed record RecordsDto(IReadOnlyList<RecordDto> Records);

internal sealed record LookupDto(
    IReadOnlyList<string> Ids,
    IReadOnlyList<string> SalesforceIds,
    IReadOnlyList<string> Emails,
    IReadOnlyList<string> Names,
    IReadOnlyList<string> CustomerIds,
    bool IncludeDeleted);

internal sealed record UpsertRecordDto(string? Id, IReadOnlyDictionary<string, string?> Fields, string? SalesforceId, string? CustomerId, long? ExpectedVersion);

internal sealed record UpsertDto(IReadOnlyList<UpsertRecordDto> Records);

internal sealed record DeleteDto(IReadOnlyList<string> Ids);

internal sealed record RecordErrorDto(string Code, string Message, string? Field);

/// <param name="Existing">A create whose salesforceId a live record already carries: that record, returned unchanged
/// (absent means false).</param>
internal sealed record ResultDto(bool Success, string? Id, long? Version, RecordErrorDto? Error, bool? Existing = null);

internal sealed record ResultsDto(IReadOnlyList<ResultDto> Results);
