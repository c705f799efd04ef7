using Azure.Data.Tables;
using SfSync.Model;

namespace SfSync.State.Tables;

/// <summary>A feed position stored in a table entity (cursors and plans): watermark, overlap window and app cursor.</summary>
internal static class PositionBlob
{
    public static void Write(TableEntity row, string name, FeedPosition position) =>
        EntityBlob.Write(row, name, new Dto(
            position.SalesforceWatermark,
            position.RecentSalesforce.ToDictionary(p => p.Key.Value, p => p.Value.UtcTicks, StringComparer.Ordinal),
            position.AppCursor), StateJson.Options);

    public static FeedPosition? Read(TableEntity row, string name) =>
        EntityBlob.Read<Dto>(row, name, StateJson.Options) is { } dto
            ? new FeedPosition(dto.W, (dto.R ?? []).ToDictionary(p => SalesforceId.Parse(p.Key), p => new DateTimeOffset(p.Value, TimeSpan.Zero)), dto.A)
            : null;

    private sealed record Dto(DateTimeOffset? W, Dictionary<string, long>? R, string? A);
}
