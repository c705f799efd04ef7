using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;
using SfSync.Model;

namespace SfSync.State.Tables;

/// <summary>
/// A feed position stored in a table entity (cursors and plans): watermark and app cursor as gzipped JSON
/// (<see cref="EntityBlob"/>, property <c>{name}</c>), the overlap memory as a deflated binary column store split
/// over 64 KiB properties (<c>{name}Memory0..N</c>).
/// </summary>
/// <remarks>
/// <para>The memory columns, sorted by stamp then id: the ids' 15-character form (the 18-character suffix is recomputed
/// on reading), the 64-bit fingerprints, the stamps as varint tick deltas; then the ids a relative position does not
/// remember. Deflated at the optimal level, a version takes about 10 bytes for the ids of one org and 19 for random
/// ids (the worst case, tested at <see cref="FeedPosition.MaxRecent"/>).</para>
/// <para>Rows written before fingerprints hold the memory in the JSON as <c>R</c> (id → stamp ticks). They are still
/// read: their versions carry no fingerprint, so the first run after the upgrade plans its lookback window once more —
/// planning twice is safe, skipping is not. A relative position (<c>D</c>) holds only its differences from another
/// position of the same row. A position whose memory was left out for size (<c>U</c>) reads with an empty memory.</para>
/// </remarks>
internal static class PositionBlob
{
    private const int IdChars = 15;
    private const byte FormatVersion = 1;
    private const int ChunkBytes = 64 * 1024;
    private const int MaxChunks = 14;

    public static void Write(TableEntity row, string name, FeedPosition position)
    {
        EntityBlob.Write(row, name, new Dto(position.SalesforceWatermark, null, position.AppCursor, null, null, position.SalesforceSettled), StateJson.Options);
        WriteChunks(row, name, Memory(position.RecentSalesforce, []));
    }

    /// <summary>
    /// Writes <paramref name="position"/> as its differences from <paramref name="basis"/> (which is read first), or —
    /// when those take more than <paramref name="maxMemoryBytes"/> compressed — without its memory. False in that case.
    /// </summary>
    public static bool WriteRelative(TableEntity row, string name, FeedPosition position, FeedPosition basis, long maxMemoryBytes)
    {
        var differing = position.RecentSalesforce.Where(p => !basis.RecentSalesforce.TryGetValue(p.Key, out var theirs) || theirs != p.Value);
        var missing = basis.RecentSalesforce.Keys.Where(id => !position.RecentSalesforce.ContainsKey(id));
        var memory = Memory(differing, missing);
        if (memory.Length > maxMemoryBytes)
        {
            WriteWithoutMemory(row, name, position);
            return false;
        }

        EntityBlob.Write(row, name, new Dto(position.SalesforceWatermark, null, position.AppCursor, true, null, position.SalesforceSettled), StateJson.Options);
        WriteChunks(row, name, memory);
        return true;
    }

    /// <summary>Writes the position without its overlap memory: for a position that only serves as a rewind target.</summary>
    public static void WriteWithoutMemory(TableEntity row, string name, FeedPosition position) =>
        EntityBlob.Write(row, name, new Dto(position.SalesforceWatermark, null, position.AppCursor, null, true, position.SalesforceSettled), StateJson.Options);

    /// <summary>Removes what was stored under <paramref name="name"/>.</summary>
    public static void Remove(TableEntity row, string name)
    {
        foreach (var prefix in new[] { name, name + "Memory" })
        {
            var chunks = row.GetInt32(prefix + "Chunks") ?? 0;
            row.Remove(prefix + "Chunks");
            for (var i = 0; i < chunks; i++)
            {
                row.Remove(prefix + i);
            }
        }
    }

    /// <summary>The compressed bytes stored under <paramref name="name"/>, its memory included.</summary>
    public static long Bytes(TableEntity row, string name)
    {
        long bytes = 0;
        foreach (var prefix in new[] { name, name + "Memory" })
        {
            var chunks = row.GetInt32(prefix + "Chunks") ?? 0;
            for (var i = 0; i < chunks; i++)
            {
                bytes += row.GetBinary(prefix + i)?.Length ?? 0;
            }
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
        else if (dto.U == true)
        {
            recent = [];
        }
        else
        {
            var (versions, missing) = ReadMemory(row, name);
            if (dto.D == true)
            {
                recent = new Dictionary<SalesforceId, SeenVersion>(basis?.RecentSalesforce ?? throw new InvalidOperationException($"{name} is relative to a position that was not read."));
                foreach (var id in missing)
                {
                    recent.Remove(id);
                }

                foreach (var (id, version) in versions)
                {
                    recent[id] = version;
                }
            }
            else
            {
                recent = versions.ToDictionary(v => v.Id, v => v.Version);
            }
        }

        return new FeedPosition(dto.W, recent, dto.A, dto.S);
    }

    private static byte[] Memory(IEnumerable<KeyValuePair<SalesforceId, SeenVersion>> versions, IEnumerable<SalesforceId> missing)
    {
        var sorted = versions.OrderBy(p => p.Value.SystemModstamp.UtcTicks).ThenBy(p => p.Key.Value, StringComparer.Ordinal).ToList();
        var gone = missing.Select(id => id.Value).Order(StringComparer.Ordinal).ToList();
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        using (var writer = new BinaryWriter(deflate, Encoding.ASCII, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write7BitEncodedInt(sorted.Count);
            foreach (var (id, _) in sorted)
            {
                writer.Write(Encoding.ASCII.GetBytes(id.Value, 0, IdChars));
            }

            Span<byte> fingerprint = stackalloc byte[sizeof(ulong)];
            foreach (var (_, version) in sorted)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(fingerprint, version.Fingerprint);
                writer.Write(fingerprint);
            }

            long previous = 0;
            foreach (var (_, version) in sorted)
            {
                writer.Write7BitEncodedInt64(version.SystemModstamp.UtcTicks - previous); // ascending: never negative
                previous = version.SystemModstamp.UtcTicks;
            }

            writer.Write7BitEncodedInt(gone.Count);
            foreach (var id in gone)
            {
                writer.Write(Encoding.ASCII.GetBytes(id, 0, IdChars));
            }
        }

        return buffer.ToArray();
    }

    private static void WriteChunks(TableEntity row, string name, byte[] bytes)
    {
        var chunks = (bytes.Length + ChunkBytes - 1) / ChunkBytes;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"{name}'s overlap memory is {bytes.Length} bytes compressed; at most {MaxChunks * ChunkBytes} fit in one table entity.");
        }

        row[name + "MemoryChunks"] = chunks;
        for (var i = 0; i < chunks; i++)
        {
            row[name + "Memory" + i] = bytes.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, bytes.Length - (i * ChunkBytes))).ToArray();
        }
    }

    private static (List<(SalesforceId Id, SeenVersion Version)> Versions, List<SalesforceId> Missing) ReadMemory(TableEntity row, string name)
    {
        var chunks = row.GetInt32(name + "MemoryChunks") ?? 0;
        if (chunks == 0)
        {
            return ([], []);
        }

        using var buffer = new MemoryStream();
        for (var i = 0; i < chunks; i++)
        {
            buffer.Write(row.GetBinary(name + "Memory" + i));
        }

        buffer.Position = 0;
        using var deflate = new DeflateStream(buffer, CompressionMode.Decompress);
        using var reader = new BinaryReader(deflate, Encoding.ASCII);
        if (reader.ReadByte() is var format && format != FormatVersion)
        {
            throw new InvalidDataException($"{name}'s overlap memory has format {format}; this release reads {FormatVersion}.");
        }

        var count = reader.Read7BitEncodedInt();
        var ids = new SalesforceId[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = SalesforceId.Parse(Encoding.ASCII.GetString(reader.ReadBytes(IdChars)));
        }

        var fingerprints = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            fingerprints[i] = BinaryPrimitives.ReadUInt64LittleEndian(reader.ReadBytes(sizeof(ulong)));
        }

        var versions = new List<(SalesforceId, SeenVersion)>(count);
        long ticks = 0;
        for (var i = 0; i < count; i++)
        {
            ticks += reader.Read7BitEncodedInt64();
            versions.Add((ids[i], new SeenVersion(new DateTimeOffset(ticks, TimeSpan.Zero), fingerprints[i])));
        }

        var missingCount = reader.Read7BitEncodedInt();
        var missing = new List<SalesforceId>(missingCount);
        for (var i = 0; i < missingCount; i++)
        {
            missing.Add(SalesforceId.Parse(Encoding.ASCII.GetString(reader.ReadBytes(IdChars))));
        }

        return (versions, missing);
    }

    /// <param name="W">Watermark.</param>
    /// <param name="R">Legacy memory (id → stamp ticks), read only.</param>
    /// <param name="A">App cursor.</param>
    /// <param name="D">Relative: the memory holds differences from another position.</param>
    /// <param name="U">The memory was left out.</param>
    private sealed record Dto(DateTimeOffset? W, Dictionary<string, long>? R, string? A, bool? D, bool? U, DateTimeOffset? S = null);
}
