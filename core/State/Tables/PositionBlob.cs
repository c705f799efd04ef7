using System.Buffers.Binary;
using System.Text;
using Azure.Data.Tables;
using SfSync.Model;

namespace SfSync.State.Tables;

/// <summary>
/// A feed position stored in a table entity (cursors and plans): watermark, app cursor and the overlap memory, as
/// gzipped JSON (<see cref="EntityBlob"/>).
/// </summary>
/// <remarks>
/// <para>The memory is written in columns (<c>M</c>), sorted by stamp then id: the ids' 15-character form concatenated
/// (the 18-character suffix is recomputed on reading), the stamps as tick deltas, the 64-bit fingerprints in base64.
/// That is about 10 bytes a version compressed for ids of one org, 20 for random ones.</para>
/// <para>Rows written before fingerprints hold the memory as <c>R</c> (id → stamp ticks). They are still read: their
/// versions carry no fingerprint, so the first run after the upgrade plans its lookback window once more — planning
/// twice is safe, skipping is not. A relative position (<c>D</c>) holds only its differences from another position
/// of the same row: <c>M</c> then lists the versions that differ, <c>X</c> the ids it does not remember. A position
/// whose memory was left out for size (<c>U</c>) reads with an empty memory.</para>
/// </remarks>
internal static class PositionBlob
{
    private const int IdChars = 15;

    public static void Write(TableEntity row, string name, FeedPosition position) =>
        EntityBlob.Write(row, name, new Dto(position.SalesforceWatermark, null, position.AppCursor, Columns.Of(position.RecentSalesforce), null, null, null), StateJson.Options);

    /// <summary>Writes <paramref name="position"/> as its differences from <paramref name="basis"/>, which must be read back first.</summary>
    public static void WriteRelative(TableEntity row, string name, FeedPosition position, FeedPosition basis)
    {
        var differing = position.RecentSalesforce.Where(p => !basis.RecentSalesforce.TryGetValue(p.Key, out var theirs) || theirs != p.Value);
        var missing = basis.RecentSalesforce.Keys.Where(id => !position.RecentSalesforce.ContainsKey(id)).Select(id => id.Value[..IdChars]).Order(StringComparer.Ordinal);
        EntityBlob.Write(row, name, new Dto(position.SalesforceWatermark, null, position.AppCursor, Columns.Of(differing), true, string.Concat(missing), null), StateJson.Options);
    }

    /// <summary>Writes the position without its overlap memory: for a position that only serves as a rewind target.</summary>
    public static void WriteWithoutMemory(TableEntity row, string name, FeedPosition position) =>
        EntityBlob.Write(row, name, new Dto(position.SalesforceWatermark, null, position.AppCursor, null, null, null, true), StateJson.Options);

    /// <summary>Removes what <see cref="Write"/> stored under <paramref name="name"/>.</summary>
    public static void Remove(TableEntity row, string name)
    {
        var chunks = row.GetInt32(name + "Chunks") ?? 0;
        row.Remove(name + "Chunks");
        for (var i = 0; i < chunks; i++)
        {
            row.Remove(name + i);
        }
    }

    /// <summary>The compressed bytes stored under <paramref name="name"/>.</summary>
    public static long Bytes(TableEntity row, string name)
    {
        var chunks = row.GetInt32(name + "Chunks") ?? 0;
        long bytes = 0;
        for (var i = 0; i < chunks; i++)
        {
            bytes += row.GetBinary(name + i)?.Length ?? 0;
        }

        return bytes;
    }

    /// <param name="basis">The position a relative one was written against.</param>
    public static FeedPosition? Read(TableEntity row, string name, FeedPosition? basis = null)
    {
        if (EntityBlob.Read<Dto>(row, name, StateJson.Options) is not { } dto)
        {
            return null;
        }

        Dictionary<SalesforceId, SeenVersion> recent;
        if (dto.R is { } legacy)
        {
            recent = legacy.ToDictionary(p => SalesforceId.Parse(p.Key), p => new SeenVersion(new DateTimeOffset(p.Value, TimeSpan.Zero), SeenVersion.UnknownFingerprint));
        }
        else if (dto.D == true)
        {
            recent = new Dictionary<SalesforceId, SeenVersion>(basis?.RecentSalesforce ?? throw new InvalidOperationException($"{name} is relative to a position that was not read."));
            foreach (var id in Ids(dto.X ?? ""))
            {
                recent.Remove(id);
            }

            foreach (var (id, version) in Columns.Read(dto.M))
            {
                recent[id] = version;
            }
        }
        else
        {
            recent = Columns.Read(dto.M).ToDictionary(p => p.Id, p => p.Version);
        }

        return new FeedPosition(dto.W, recent, dto.A);
    }

    private static IEnumerable<SalesforceId> Ids(string concatenated)
    {
        for (var i = 0; i + IdChars <= concatenated.Length; i += IdChars)
        {
            yield return SalesforceId.Parse(concatenated.Substring(i, IdChars));
        }
    }

    /// <param name="W">Watermark.</param>
    /// <param name="R">Legacy memory (id → stamp ticks), read only.</param>
    /// <param name="A">App cursor.</param>
    /// <param name="M">Memory in columns.</param>
    /// <param name="D">Relative: <see cref="M"/> and <see cref="X"/> are differences from another position.</param>
    /// <param name="X">Ids (15 characters each, concatenated) a relative position does not remember.</param>
    /// <param name="U">The memory was left out.</param>
    private sealed record Dto(DateTimeOffset? W, Dictionary<string, long>? R, string? A, Columns? M, bool? D, string? X, bool? U);

    /// <param name="I">Ids, 15 characters each, concatenated.</param>
    /// <param name="S">Stamps in UTC ticks: the first absolute, then the difference from the previous one.</param>
    /// <param name="F">Fingerprints, 8 bytes little-endian each, base64.</param>
    private sealed record Columns(string I, long[] S, string F)
    {
        public static Columns? Of(IEnumerable<KeyValuePair<SalesforceId, SeenVersion>> versions)
        {
            var sorted = versions.OrderBy(p => p.Value.SystemModstamp.UtcTicks).ThenBy(p => p.Key.Value, StringComparer.Ordinal).ToList();
            if (sorted.Count == 0)
            {
                return null;
            }

            var ids = new StringBuilder(sorted.Count * IdChars);
            var stamps = new long[sorted.Count];
            var fingerprints = new byte[sorted.Count * sizeof(ulong)];
            long previous = 0;
            for (var i = 0; i < sorted.Count; i++)
            {
                var (id, version) = (sorted[i].Key, sorted[i].Value);
                ids.Append(id.Value, 0, IdChars);
                stamps[i] = version.SystemModstamp.UtcTicks - previous;
                previous = version.SystemModstamp.UtcTicks;
                BinaryPrimitives.WriteUInt64LittleEndian(fingerprints.AsSpan(i * sizeof(ulong)), version.Fingerprint);
            }

            return new Columns(ids.ToString(), stamps, Convert.ToBase64String(fingerprints));
        }

        public static IEnumerable<(SalesforceId Id, SeenVersion Version)> Read(Columns? columns)
        {
            if (columns is null)
            {
                yield break;
            }

            var fingerprints = Convert.FromBase64String(columns.F);
            if (columns.I.Length != columns.S.Length * IdChars || fingerprints.Length != columns.S.Length * sizeof(ulong))
            {
                throw new InvalidDataException("A stored overlap memory has columns of different lengths.");
            }

            long ticks = 0;
            for (var i = 0; i < columns.S.Length; i++)
            {
                ticks += columns.S[i];
                yield return (
                    SalesforceId.Parse(columns.I.Substring(i * IdChars, IdChars)),
                    new SeenVersion(new DateTimeOffset(ticks, TimeSpan.Zero), BinaryPrimitives.ReadUInt64LittleEndian(fingerprints.AsSpan(i * sizeof(ulong)))));
            }
        }
    }
}
