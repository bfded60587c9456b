namespace PcapWatch.Index;

/// <summary>
/// Append-only storage for the index's owner records: 1 MiB chunks addressed by an <see cref="int"/> handle
/// (chunk number × 1 MiB + offset). A million small records cost a million slices of a few chunks, not a million
/// objects: no per-record header, nothing for the GC to trace. Replaced records become garbage that
/// <see cref="WatchIndex"/> reclaims by copying the live ones into a fresh arena.
/// </summary>
internal sealed class OwnerArena
{
    private const int ChunkBits = 20;
    private const int ChunkSize = 1 << ChunkBits;
    private const int MaxChunks = int.MaxValue >> ChunkBits;

    private readonly List<byte[]> _chunks = [];
    private int _used = ChunkSize; // bytes used in the last chunk; "full" until the first one exists

    /// <summary>Bytes held in chunks, used or not.</summary>
    public long CapacityBytes { get; private set; }

    /// <summary>
    /// Stores a copy of <paramref name="record"/>; the handle stays valid until the arena is dropped.
    /// </summary>
    public int Append(ReadOnlySpan<byte> record)
    {
        int length = record.Length + VarInt.SizeOf(record.Length);
        if (length > ChunkSize - _used)
        {
            // A record never spans chunks; one larger than a chunk gets a chunk of its own.
            if (_chunks.Count >= MaxChunks) throw new InvalidOperationException("the watch index is over 2 GiB");
            var chunk = new byte[Math.Max(ChunkSize, length)];
            _chunks.Add(chunk);
            CapacityBytes += chunk.Length;
            _used = 0;
        }
        var target = _chunks[^1].AsSpan(_used);
        int prefix = VarInt.Write(target, record.Length);
        record.CopyTo(target[prefix..]);
        int handle = ((_chunks.Count - 1) << ChunkBits) | _used;
        // An oversized chunk is full after its one record.
        _used = _chunks[^1].Length > ChunkSize ? ChunkSize : _used + length;
        return handle;
    }

    public ReadOnlySpan<byte> Get(int handle)
    {
        var from = _chunks[handle >> ChunkBits].AsSpan(handle & (ChunkSize - 1));
        int length = VarInt.Read(from, out int prefix);
        return from.Slice(prefix, length);
    }
}
