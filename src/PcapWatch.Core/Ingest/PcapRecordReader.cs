using System.Buffers;

namespace PcapWatch.Ingest;

/// <summary>
/// Splits packet input into one record per packet, streaming (bounded memory per record), whatever tshark wrote:
/// <list type="bullet">
/// <item>a <c>tshark -T json</c> array, pretty-printed or not: each element becomes a record, with the whitespace
/// outside strings removed (tshark's indentation doubles the size);</item>
/// <item>NDJSON, one packet per line, kept byte for byte;</item>
/// <item><c>tshark -T ek</c> output: like NDJSON, its <c>{"index":…}</c> lines skipped.</item>
/// </list>
/// The bytes are not parsed here (a bad record is the pipeline's to report, with its offset); only string and
/// nesting boundaries are tracked to find where array elements end.
/// </summary>
public static class PcapRecordReader
{
    private static ReadOnlySpan<byte> EkIndexPrefix => "{\"index\""u8;

    public static IEnumerable<InputRecord> Read(Stream input)
    {
        var reader = new ByteSource(input);
        int first = reader.PeekNonWhitespace();
        if (first < 0) yield break;
        if (first == '[')
        {
            reader.Next();
            foreach (var r in ReadArrayElements(reader)) yield return r;
        }
        else
        {
            foreach (var r in ReadLines(reader)) yield return r;
        }
    }

    private static IEnumerable<InputRecord> ReadLines(ByteSource source)
    {
        var line = new ArrayBufferWriter<byte>(64 * 1024);
        long lineNumber = 0;
        while (true)
        {
            line.ResetWrittenCount();
            bool any = source.ReadLine(line);
            if (!any) yield break;
            lineNumber++;
            var span = line.WrittenSpan.TrimEnd("\r \t"u8).TrimStart(" \t"u8);
            if (span.IsEmpty || IsEkIndexLine(span)) continue;
            yield return new InputRecord(null, span.ToArray(), lineNumber);
        }
    }

    private static bool IsEkIndexLine(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith(EkIndexPrefix)) return false;
        var rest = line[EkIndexPrefix.Length..].TrimStart(" \t"u8);
        return rest.Length > 0 && rest[0] == ':';
    }

    private static IEnumerable<InputRecord> ReadArrayElements(ByteSource source)
    {
        var element = new ArrayBufferWriter<byte>(64 * 1024);
        long index = 0;
        while (true)
        {
            element.ResetWrittenCount();
            int end = source.ReadElement(element);
            if (element.WrittenCount > 0)
            {
                index++;
                yield return new InputRecord(null, element.WrittenSpan.ToArray(), index);
            }
            if (end != ',') yield break; // ']' or end of input
        }
    }

    /// <summary>A small buffered byte reader with the two scanners the formats need.</summary>
    private sealed class ByteSource(Stream stream)
    {
        private readonly byte[] _buffer = new byte[256 * 1024];
        private int _pos;
        private int _len;

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
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' || (b == 0xEF || b == 0xBB || b == 0xBF))
                {
                    _pos++; // whitespace or a UTF-8 byte order mark
                    continue;
                }
                return b;
            }
            return -1;
        }

        public void Next() => _pos++;

        /// <summary>Appends bytes up to the next '\n' (excluded); false at end of input with nothing read.</summary>
        public bool ReadLine(ArrayBufferWriter<byte> into)
        {
            bool any = false;
            while (Fill())
            {
                any = true;
                var span = _buffer.AsSpan(_pos, _len - _pos);
                int nl = span.IndexOf((byte)'\n');
                if (nl >= 0)
                {
                    into.Write(span[..nl]);
                    _pos += nl + 1;
                    return true;
                }
                into.Write(span);
                _pos = _len;
            }
            return any;
        }

        /// <summary>
        /// Copies one array element, minus whitespace outside strings, and consumes the separator after it.
        /// Returns ',' when another element follows, ']' at the array's end, -1 at end of input.
        /// </summary>
        public int ReadElement(ArrayBufferWriter<byte> into)
        {
            int depth = 0;
            bool inString = false, escaped = false;
            while (Fill())
            {
                byte b = _buffer[_pos++];
                if (inString)
                {
                    into.GetSpan(1)[0] = b;
                    into.Advance(1);
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
                into.GetSpan(1)[0] = b;
                into.Advance(1);
            }
            return -1;
        }
    }
}
