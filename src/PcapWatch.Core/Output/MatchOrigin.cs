using System.Buffers.Text;

namespace PcapWatch.Output;

/// <summary>
/// Where an output record came from, carried in its <see cref="Header"/> header as ASCII
/// <c>PARTITION/OFFSET/INDEX/FLOOR</c>: the <c>pcap</c> partition and offset of its packet, which of that packet's matches
/// it is (0, 1, … in the order they were decided), and the writer's floor for that partition — the offset below which
/// nothing will be produced again (its last commit, or where it began reading). A record produced again after a crash
/// or a rebalance carries the same partition, offset and index: that is how readers count it once
/// (docs/delivery.md). The recipe's value columns are untouched.
/// </summary>
public readonly record struct MatchOrigin(int Partition, long Offset, int Index, long Floor)
{
    public const string Header = "pcapwatch.origin";

    /// <summary>The longest header value: four numbers and three slashes.</summary>
    public const int MaxLength = 11 + 20 + 11 + 20 + 3;

    public byte[] Encode()
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        int n = 0;
        Utf8Formatter.TryFormat(Partition, buffer, out int w);
        n += w;
        buffer[n++] = (byte)'/';
        Utf8Formatter.TryFormat(Offset, buffer[n..], out w);
        n += w;
        buffer[n++] = (byte)'/';
        Utf8Formatter.TryFormat(Index, buffer[n..], out w);
        n += w;
        buffer[n++] = (byte)'/';
        Utf8Formatter.TryFormat(Floor, buffer[n..], out w);
        n += w;
        return buffer[..n].ToArray();
    }

    /// <summary>
    /// Reads a header value; false for anything that is not four non-negative numbers with the floor at or below the
    /// offset (another producer's header, a forgery that could make a reader forget too early).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, out MatchOrigin origin)
    {
        origin = default;
        if (value.Count((byte)'/') != 3) return false;
        if (!Next(ref value, out long partition) || partition > int.MaxValue || !Next(ref value, out long offset)
            || !Next(ref value, out long index) || index > int.MaxValue || !Next(ref value, out long floor) || !value.IsEmpty)
        {
            return false;
        }
        if (floor > offset) return false;
        origin = new MatchOrigin((int)partition, offset, (int)index, floor);
        return true;
    }

    private static bool Next(ref ReadOnlySpan<byte> value, out long number)
    {
        number = 0;
        int end = value.IndexOf((byte)'/');
        var part = end < 0 ? value : value[..end];
        if (part.IsEmpty || part.Length > 19) return false;
        foreach (byte b in part)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
        }
        if (!Utf8Parser.TryParse(part, out number, out int consumed) || consumed != part.Length) return false;
        value = end < 0 ? [] : value[(end + 1)..];
        return true;
    }
}
