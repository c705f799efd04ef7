using System.IO.Compression;
using System.Text.Json;
using Azure.Data.Tables;

namespace SfSync.State.Tables;

/// <summary>
/// Stores a value as gzipped JSON across binary properties <c>Name0..NameN</c>. A table property holds at most
/// 64 KiB, and a base with a long Description, or a cursor's overlap window, can be larger than that.
/// </summary>
internal static class EntityBlob
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>An entity holds at most 1 MiB; leave room for the other properties.</summary>
    private const int MaxChunks = 14;

    public static void Write<T>(TableEntity entity, string name, T value, JsonSerializerOptions json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, value, json);
        }

        var bytes = buffer.ToArray();
        var chunks = (bytes.Length + ChunkBytes - 1) / ChunkBytes;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"{name} is {bytes.Length} bytes compressed; at most {MaxChunks * ChunkBytes} fit in one table entity.");
        }

        entity[name + "Chunks"] = chunks;
        for (var i = 0; i < chunks; i++)
        {
            entity[name + i] = bytes.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, bytes.Length - (i * ChunkBytes))).ToArray();
        }
    }

    public static T? Read<T>(TableEntity entity, string name, JsonSerializerOptions json)
    {
        var chunks = entity.GetInt32(name + "Chunks");
        if (chunks is null or 0)
        {
            return default;
        }

        using var buffer = new MemoryStream();
        for (var i = 0; i < chunks; i++)
        {
            buffer.Write(entity.GetBinary(name + i));
        }

        buffer.Position = 0;
        using var gzip = new GZipStream(buffer, CompressionMode.Decompress);
        return JsonSerializer.Deserialize<T>(gzip, json);
    }
}
