using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace PcapWatch.FlowStage;

/// <summary>
/// A <see cref="FlowCheckpoint"/> as records of the checkpoint topic: the state compressed and cut into chunks small
/// enough for any broker's record limit, each saying which checkpoint it belongs to (a random id), where it goes, how
/// many there are, the input offset, and the SHA-256 of the whole compressed state. A reader takes a checkpoint only
/// when all its chunks are there and their bytes hash to that sum, so a checkpoint cut short by a crash, two writers'
/// chunks interleaved, or records written by anyone else are never taken for state.
/// </summary>
/// <remarks>
/// Chunk layout, big-endian: magic "PWFC" (4) · version (1) · id (16) · index (4) · count (4) · partition (4) · next
/// offset (8) · SHA-256 (32) · payload.
/// </remarks>
public static class FlowCheckpointCodec
{
    public const int ChunkPayloadBytes = 256 * 1024;
    private const byte Version = 1;
    private const int HeaderBytes = 4 + 1 + 16 + 4 + 4 + 4 + 8 + 32;
    private static ReadOnlySpan<byte> Magic => "PWFC"u8;

    /// <summary>A chunk read back.</summary>
    public readonly record struct Chunk(Guid Id, int Index, int Count, int Partition, long NextOffset, byte[] Sha256, byte[] Payload);

    public static List<byte[]> Encode(FlowCheckpoint checkpoint)
    {
        var compressed = Compress(checkpoint.State);
        var sum = SHA256.HashData(compressed);
        var id = Guid.NewGuid();
        int count = Math.Max(1, (compressed.Length + ChunkPayloadBytes - 1) / ChunkPayloadBytes);
        var chunks = new List<byte[]>(count);
        for (int i = 0; i < count; i++)
        {
            var payload = compressed.AsSpan(i * ChunkPayloadBytes, Math.Min(ChunkPayloadBytes, compressed.Length - i * ChunkPayloadBytes));
            var value = new byte[HeaderBytes + payload.Length];
            var span = value.AsSpan();
            Magic.CopyTo(span);
            span[4] = Version;
            id.TryWriteBytes(span[5..]);
            BinaryPrimitives.WriteInt32BigEndian(span[21..], i);
            BinaryPrimitives.WriteInt32BigEndian(span[25..], count);
            BinaryPrimitives.WriteInt32BigEndian(span[29..], checkpoint.Partition);
            BinaryPrimitives.WriteInt64BigEndian(span[33..], checkpoint.NextOffset);
            sum.CopyTo(span[41..]);
            payload.CopyTo(span[HeaderBytes..]);
            chunks.Add(value);
        }
        return chunks;
    }

    /// <summary>A chunk's fields; false for anything that is not one.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, out Chunk chunk)
    {
        chunk = default;
        if (value.Length < HeaderBytes || !value.StartsWith(Magic) || value[4] != Version) return false;
        int index = BinaryPrimitives.ReadInt32BigEndian(value[21..]), count = BinaryPrimitives.ReadInt32BigEndian(value[25..]);
        int partition = BinaryPrimitives.ReadInt32BigEndian(value[29..]);
        long next = BinaryPrimitives.ReadInt64BigEndian(value[33..]);
        if (count < 1 || index < 0 || index >= count || partition < 0 || next < 0) return false;
        chunk = new Chunk(new Guid(value.Slice(5, 16)), index, count, partition, next, value.Slice(41, 32).ToArray(), value[HeaderBytes..].ToArray());
        return true;
    }

    /// <summary>The checkpoint whose chunks these are, in order; null when they do not make one whole.</summary>
    public static FlowCheckpoint? Assemble(IReadOnlyList<Chunk> chunks)
    {
        if (chunks.Count == 0 || chunks.Count != chunks[0].Count) return null;
        var first = chunks[0];
        using var joined = new MemoryStream();
        for (int i = 0; i < chunks.Count; i++)
        {
            var c = chunks[i];
            if (c.Index != i || c.Id != first.Id || c.Count != first.Count || c.NextOffset != first.NextOffset || c.Partition != first.Partition)
            {
                return null;
            }
            joined.Write(c.Payload);
        }
        var compressed = joined.ToArray();
        if (!SHA256.HashData(compressed).AsSpan().SequenceEqual(first.Sha256)) return null;
        try
        {
            return new FlowCheckpoint(first.Partition, first.NextOffset, Decompress(compressed));
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static byte[] Compress(byte[] state)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(state);
        return output.ToArray();
    }

    // A checkpoint holds at most FlowStateFormat's counts; a payload that inflates past this is not ours.
    private const long MaxStateBytes = 1L << 30;

    private static byte[] Decompress(byte[] compressed)
    {
        using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = zlib.Read(buffer)) > 0)
        {
            if (output.Length + read > MaxStateBytes) throw new InvalidDataException("a checkpoint that inflates without end");
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }
}
