using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;
using SfSync.Http;
using SfSync.Model;

namespace SfSync.App.Http;

/// <summary>
/// The engine's app port over the app sync API. Per-record problems come back as per-record results; a call that
/// fails after the resilience pipeline's retries (or is refused: 401, 403, 5xx) becomes
/// <see cref="SideUnavailableException"/>, which defers the batch with the reason.
/// </summary>
internal sealed partial class AppApiClient(IAppSyncApi api, IOptions<AppApiOptions> options, ILogger<AppApiClient> logger) : IAppRecords
{
    /// <summary>The contract's limits per call.</summary>
    private const int MaxLookupValues = 1000;
    private const int MaxWrite = 200;

    public async Task<AppChangePage> ReadChangesAsync(EntityKind entity, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        var page = await CallAsync(() => api.ChangesAsync(entity.AppCollection(), cursor, Math.Clamp(limit, 1, options.Value.ChangePageSize), cancellationToken), "read the change feed").ConfigureAwait(false);
        var changes = new List<AppChange>(page.Changes.Count);
        foreach (var change in page.Changes)
        {
            if (AppId.TryParse(change.Id, out var id))
            {
                changes.Add(new AppChange(id, change.Version, change.ModifiedAt.ToUniversalTime(), change.Deleted));
            }
            else
            {
                InvalidId(logger, entity, change.Version);
            }
        }

        return new AppChangePage(changes, page.NextCursor ?? cursor, page.HasMore);
    }

    public async Task<IReadOnlyList<AppRecord>> ReadAsync(EntityKind entity, AppReadRequest request, CancellationToken cancellationToken = default)
    {
        var records = new Dictionary<AppId, AppRecord>();
        var askedIds = request.Ids.ToHashSet();
        var lists = new[]
        {
            request.Ids.Select(i => i.Value).ToArray(),
            request.SalesforceIds.Select(i => i.Value).ToArray(),
            request.Emails.ToArray(),
            request.Names.ToArray(),
            request.CustomerIds.Select(i => i.Value).ToArray(),
        };
        var rounds = lists.Max(l => (l.Length + MaxLookupValues - 1) / MaxLookupValues);
        for (var round = 0; round < rounds; round++)
        {
            var slice = lists.Select(l => (IReadOnlyList<string>)l.Skip(round * MaxLookupValues).Take(MaxLookupValues).ToArray()).ToArray();
            var lookup = new LookupDto(slice[0], slice[1], slice[2], slice[3], slice[4], request.IncludeDeleted);
            var found = await CallAsync(() => api.LookupAsync(entity.AppCollection(), lookup, cancellationToken), "look up records").ConfigureAwait(false);
            foreach (var dto in found.Records)
            {
                // The port promises tombstones only for ids and Salesforce ids asked for with IncludeDeleted; an app that
                // sends others (an older or looser implementation) must not make a deleted record look like a match.
                if (ToRecord(entity, dto) is { } record && (!record.Deleted || (request.IncludeDeleted
                    && (askedIds.Contains(record.Id) || (record.SalesforceId is { } carried && request.SalesforceIds.Contains(carried))))))
                {
                    records[record.Id] = record;
                }
            }
        }

        return records.Values.ToList();
    }

    public async Task<IReadOnlyList<AppWriteResult>> UpsertAsync(EntityKind entity, IReadOnlyList<AppUpsert> records, CancellationToken cancellationToken = default)
    {
        var results = new List<AppWriteResult>(records.Count);
        foreach (var chunk in records.Chunk(MaxWrite))
        {
            var body = new UpsertDto(chunk.Select(r => new UpsertRecordDto(r.Id?.Value, r.Fields, r.SalesforceId?.Value, r.ParentId?.Value, r.ExpectedVersion)).ToArray());
            var response = await CallAsync(() => api.UpsertAsync(entity.AppCollection(), body, cancellationToken), "write records").ConfigureAwait(false);
            results.AddRange(ToResults(response, chunk.Length));
        }

        return results;
    }

    public async Task<IReadOnlyList<AppWriteResult>> DeleteAsync(EntityKind entity, IReadOnlyList<AppId> ids, CancellationToken cancellationToken = default)
    {
        var results = new List<AppWriteResult>(ids.Count);
        foreach (var chunk in ids.Chunk(MaxWrite))
        {
            var response = await CallAsync(() => api.DeleteAsync(entity.AppCollection(), new DeleteDto(chunk.Select(i => i.Value).ToArray()), cancellationToken), "delete records").ConfigureAwait(false);
            results.AddRange(ToResults(response, chunk.Length));
        }

        return results;
    }

    /// <summary>Checks that the app answers and accepts our credentials, for the health endpoint.</summary>
    public Task<SideProblem?> ProblemAsync(CancellationToken cancellationToken = default) =>
        SideCall.ProbeAsync(async () => await api.HealthAsync(cancellationToken).ConfigureAwait(false), Describe);

    private static IEnumerable<AppWriteResult> ToResults(ResultsDto response, int expected)
    {
        if (response.Results.Count != expected)
        {
            throw new SideUnavailableException(Side.App, $"the app answered {response.Results.Count} results for {expected} records");
        }

        return response.Results.Select(r => r.Success && AppId.TryParse(r.Id, out var id)
            ? new AppWriteResult(true, id, r.Version ?? 0, Existing: r.Existing ?? false)
            : AppWriteResult.Failed(r.Error?.Code ?? "Rejected", r.Error?.Message ?? "The app rejected the record."));
    }

    private AppRecord? ToRecord(EntityKind entity, RecordDto dto)
    {
        if (!AppId.TryParse(dto.Id, out var id))
        {
            InvalidId(logger, entity, dto.Version);
            return null;
        }

        return new AppRecord(
            id,
            dto.Fields ?? [],
            SalesforceId.TryParse(dto.SalesforceId, out var salesforceId) ? salesforceId : null,
            AppId.TryParse(dto.CustomerId, out var customer) ? customer : null,
            dto.SyncDisabled,
            dto.CreatedAt.ToUniversalTime(),
            dto.Version,
            dto.Deleted,
            entity == EntityKind.Contact && !string.IsNullOrWhiteSpace(dto.CompanyName) ? dto.CompanyName.Trim() : null);
    }

    private static Task<T> CallAsync<T>(Func<Task<IApiResponse<T>>> call, string what) => SideCall.ContentAsync(Side.App, call, what, Describe);

    /// <summary>Status and the problem's title and detail: what operators need, and never the request (which may hold data).</summary>
    private static string Describe(IApiResponse response)
    {
        var status = response.StatusCode is { } code ? $"{(int)code} {code}" : $"no response ({response.Error?.InnerException?.Message ?? response.Error?.Message})";
        if (response.Error is ApiException { Content: { Length: > 0 } content })
        {
            try
            {
                using var problem = JsonDocument.Parse(content);
                var title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
                var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
                return $"{status}: {title}{(detail is null ? "" : " — " + detail)}";
            }
            catch (JsonException)
            {
                return status;
            }
        }

        return status;
    }

    [LoggerMessage(EventId = 4001, EventName = "AppInvalidId", Level = LogLevel.Warning, Message = "The app returned a {Entity} record without a usable id (version {Version}); it was skipped")]
    private static partial void InvalidId(ILogger logger, EntityKind entity, long version);
}
