using System.Buffers;

namespace PcapWatch.Ingest;

/// <summary>
/// A buffered byte reader with the two scanners the input formats need, each keeping at most a limit of bytes of one
/// record: input of any size (a gigabyte line, an endless array element) costs the limit in memory, never more. What
/// lies past the limit is read and counted, so the record can be reported with its true size.
/// </summary>
internal sealed class BoundedByteSource(Stream stream, int limit)
{
    private readonly byte[] _buffer = new byte[256 * 1024];
    private int _pos;
    private int _len;

    /// <summary>The most bytes of one record kept.</summary>
    public int Limit => limit;

    private bool Fill()
    {
        if (_pos < _len) return true;
        _len = stream.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        return _len > 0;
    }

    public int PeekNonWhitespace()
    {
        while (Fill())
        {
            byte b = _buffer[_pos];
            if (!LeadingBytes.IsSkippable(b)) return b;
            _pos++;
        }
        return -1;
    }

    public void Next() => _pos++;

    /// <summary>
    /// Appends the bytes up to the next '\n' (excluded), at most <see cref="Limit"/> of them; returns the line's whole
    /// length, or -1 at the end of input with nothing read.
    /// </summary>
    public long ReadLine(ArrayBufferWriter<byte> into)
    {
        long length = -1;
        while (Fill())
        {
            if (length < 0) length = 0;
            var span = _buffer.AsSpan(_pos, _len - _pos);
            int nl = span.IndexOf((byte)'\n');
            var part = nl >= 0 ? span[..nl] : span;
            Keep(into, part);
            length += part.Length;
            _pos += nl >= 0 ? nl + 1 : part.Length;
            if (nl >= 0) return length;
        }
        return length;
    }

    /// <summary>
    /// Copies one array element, minus whitespace outside strings (at most <see cref="Limit"/> bytes kept), and
    /// consumes the separator after it. Returns ',' when another element follows, ']' at the array's end, -1 at end of
    /// input; <paramref name="length"/> is the element's whole length.
    /// </summary>
    public int ReadElement(ArrayBufferWriter<byte> into, out long length)
    {
        length = 0;
        int depth = 0;
        bool inString = false, escaped = false;
        while (Fill())
        {
            byte b = _buffer[_pos++];
            if (inString)
            {
                KeepByte(into, b, ref length);
                if (escaped) escaped = false;
                else if (b == '\\') escaped = true;
                else if (b == '"') inString = false;
                continue;
            }
            switch (b)
            {
                case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                    continue;
                case (byte)',' or (byte)']' when depth == 0:
                    return b;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                case (byte)'}' or (byte)']':
                    depth--;
                    break;
                case (byte)'"':
                    inString = true;
                    break;
            }
            KeepByte(into, b, ref length);
        }
        return -1;
    }

    private void Keep(ArrayBufferWriter<byte> into, ReadOnlySpan<byte> bytes)
    {
        int room = limit - into.WrittenCount;
        if (room > 0) into.Write(bytes.Length <= room ? bytes : bytes[..room]);
    }

    private void KeepByte(ArrayBufferWriter<byte> into, byte b, ref long length)
    {
        length++;
        if (into.WrittenCount >= limit) return;
        into.GetSpan(1)[0] = b;
        into.Advance(1);
    }
}
