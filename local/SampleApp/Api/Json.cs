using System.Globalization;
using System.Text.Json.Serialization;
using SfSync.SampleApp.Data;

namespace SfSync.SampleApp.Api;

/// <summary>Ids travel as strings (the contract treats them as opaque); the sample app's are integers.</summary>
internal static class Ids
{
    public static string Format(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
}

internal sealed record SyncRecordDto(
    string Id,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    string? SalesforceId,
    bool SyncDisabled,
    string? CustomerId,
    IReadOnlyDictionary<string, string?> Fields,
    bool Deleted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CompanyName)
{
    /// <summary>A contact's <c>company_name</c> (a field its users fill in) is the contract's <c>companyName</c>, not one of its fields.</summary>
    public const string CompanyField = "company_name";

    public static SyncRecordDto From(Collection collection, StoredRecord record)
    {
        var contact = collection.HasCustomer;
        var fields = contact ? record.Fields.Where(f => f.Key != CompanyField).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal) : record.Fields;
        return new(
            Ids.Format(record.Id),
            record.Version,
            record.CreatedAt,
            record.ModifiedAt,
            record.SalesforceId,
            record.SyncDisabled,
            record.CustomerId is { } customer ? Ids.Format(customer) : null,
            fields,
            record.Deleted,
            contact ? record.Fields.GetValueOrDefault(CompanyField) : null);
    }
}

internal sealed record ChangeDto(string Id, long Version, DateTimeOffset ModifiedAt, bool Deleted);

internal sealed record ChangesResponse(IReadOnlyList<ChangeDto> Changes, string NextCursor, bool HasMore);

internal sealed record IdDto(string Id, long Version, DateTimeOffset ModifiedAt, bool SyncDisabled);

internal sealed record IdsResponse(IReadOnlyList<IdDto> Ids, bool HasMore);

internal sealed record LookupRequest(string[]? Ids, string[]? SalesforceIds, string[]? Emails, string[]? Names, string[]? CustomerIds, bool? IncludeDeleted);

internal sealed record RecordsResponse(IReadOnlyList<SyncRecordDto> Records);

/// <param name="ExpectedVersion">With <paramref name="Id"/>: write only if the record is still at this version.</param>
internal sealed record UpsertItem(string? Id, Dictionary<string, string?>? Fields, string? SalesforceId, string? CustomerId, long? ExpectedVersion);

internal sealed record UpsertRequest(UpsertItem[]? Records);

internal sealed record DeleteRequest(string[]? Ids);

internal sealed record ErrorDto(string Code, string Message, string? Field);

/// <param name="Existing">A create whose salesforceId a live record already carries: that record, returned unchanged.
/// Written only when true.</param>
internal sealed record ResultDto(
    bool Success,
    string? Id,
    long? Version,
    ErrorDto? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Existing = false);

internal sealed record ResultsResponse(IReadOnlyList<ResultDto> Results);
