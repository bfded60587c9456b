namespace PcapWatch.Index;

/// <summary>LEB128 unsigned integers: the owner records' lengths, one byte for anything under 128.</summary>
internal static class VarInt
{
    public static int SizeOf(int value)
    {
        int size = 1;
        for (uint v = (uint)value; v >= 0x80; v >>= 7) size++;
        return size;
    }

    public static int Write(Span<byte> target, int value)
    {
        int i = 0;
        uint v = (uint)value;
        for (; v >= 0x80; v >>= 7) target[i++] = (byte)(v | 0x80);
        target[i++] = (byte)v;
        return i;
    }

    public static int Read(ReadOnlySpan<byte> source, out int size)
    {
        uint value = 0;
        int shift = 0;
        size = 0;
        while (true)
        {
            byte b = source[size++];
            value |= (uint)(b & 0x7f) << shift;
            if (b < 0x80) return (int)value;
            shift += 7;
        }
    }
}
