using SfSync.Model;
using SfSync.Sweeping;

namespace SfSync.App.Http;

/// <summary>The app sync API's id listing for the drift sweep: live ids in ascending ordinal order after an exclusive cursor id.</summary>
internal sealed partial class AppApiClient : IAppIdListing
{
    public async Task<AppIdPage> ListIdsAsync(EntityKind entity, AppId? after, int limit, CancellationToken cancellationToken = default)
    {
        var page = await CallAsync(() => api.IdsAsync(entity.AppCollection(), after?.Value, Math.Clamp(limit, 1, 2000), cancellationToken), "list record ids").ConfigureAwait(false);
        var rows = new List<AppIdRow>(page.Ids.Count);
        foreach (var dto in page.Ids)
        {
            if (AppId.TryParse(dto.Id, out var id))
            {
                rows.Add(new AppIdRow(id, dto.Version, dto.ModifiedAt.ToUniversalTime(), dto.SyncDisabled));
            }
            else
            {
                InvalidId(logger, entity, dto.Version);
            }
        }

        // Ordinal order is the contract; an app that sorts otherwise would make the ranges overlap, so keep our own.
        rows.Sort((a, b) => string.CompareOrdinal(a.Id.Value, b.Id.Value));
        return new AppIdPage(rows, page.HasMore);
    }
}
