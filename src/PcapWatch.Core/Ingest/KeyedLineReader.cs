using System.Buffers;
using System.Text;
using PcapWatch.Kafka;

namespace PcapWatch.Ingest;

/// <summary>
/// Reads table files in kcat's <c>-K:</c> layout: <c>key:json</c> per line, <c>key:</c> alone is a tombstone, blank
/// lines are skipped. A line that starts with <c>{</c> has no key (the row key then comes from the value). Streams with
/// at most one line in memory: a line over the maximum record size comes back as <see cref="InputRecord.TooLarge"/>.
/// </summary>
public static class KeyedLineReader
{
    public static IEnumerable<InputRecord> Read(Stream input)
    {
        var source = new BoundedByteSource(input, ClientSettings.MaxRecordBytes + 1);
        var buffer = new ArrayBufferWriter<byte>(4096);
        long lineNumber = 0;
        while (true)
        {
            buffer.ResetWrittenCount();
            long length = source.ReadLine(buffer);
            if (length < 0) yield break;
            lineNumber++;
            if (length > ClientSettings.MaxRecordBytes)
            {
                yield return InputRecord.TooLarge(null, length, lineNumber);
                continue;
            }
            var bytes = buffer.WrittenSpan;
            if (lineNumber == 1 && bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
            var trimmed = Encoding.UTF8.GetString(bytes).Trim();
            if (trimmed.Length == 0) continue;
            if (trimmed[0] == '{')
            {
                yield return new InputRecord(null, Encoding.UTF8.GetBytes(trimmed), lineNumber);
                continue;
            }
            int colon = trimmed.IndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"line {lineNumber}: expected 'key:json' (kcat -K: layout), got '{Shorten(trimmed)}'");
            }
            var key = Encoding.UTF8.GetBytes(trimmed[..colon]);
            var value = trimmed[(colon + 1)..].Trim();
            yield return new InputRecord(key, value.Length == 0 ? null : Encoding.UTF8.GetBytes(value), lineNumber);
        }
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
