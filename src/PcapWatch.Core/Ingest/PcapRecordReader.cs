using System.Buffers;
using PcapWatch.Kafka;

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
/// nesting boundaries are tracked to find where array elements end. A record over the maximum record size is not
/// kept: it comes back as <see cref="InputRecord.TooLarge"/> with its size, so memory holds one record at most.
/// </summary>
public static class PcapRecordReader
{
    private static ReadOnlySpan<byte> EkIndexPrefix => "{\"index\""u8;

    public static IEnumerable<InputRecord> Read(Stream input)
    {
        var reader = new BoundedByteSource(input, ClientSettings.MaxRecordBytes + 1);
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

    private static IEnumerable<InputRecord> ReadLines(BoundedByteSource source)
    {
        var line = new ArrayBufferWriter<byte>(64 * 1024);
        long lineNumber = 0;
        while (true)
        {
            line.ResetWrittenCount();
            long length = source.ReadLine(line);
            if (length < 0) yield break;
            lineNumber++;
            if (length > ClientSettings.MaxRecordBytes)
            {
                yield return InputRecord.TooLarge(null, length, lineNumber);
                continue;
            }
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

    private static IEnumerable<InputRecord> ReadArrayElements(BoundedByteSource source)
    {
        var element = new ArrayBufferWriter<byte>(64 * 1024);
        long index = 0;
        while (true)
        {
            element.ResetWrittenCount();
            int end = source.ReadElement(element, out long length);
            if (length > ClientSettings.MaxRecordBytes)
            {
                index++;
                yield return InputRecord.TooLarge(null, length, index);
            }
            else if (element.WrittenCount > 0)
            {
                index++;
                yield return new InputRecord(null, element.WrittenSpan.ToArray(), index);
            }
            if (end != ',') yield break; // ']' or end of input
        }
    }
}
