using System.Text;

namespace PcapWatch.Ingest;

/// <summary>
/// Reads table files in kcat's <c>-K:</c> layout: <c>key:json</c> per line, <c>key:</c> alone is a tombstone, blank
/// lines are skipped. A line that starts with <c>{</c> has no key (the row key then comes from the value).
/// </summary>
public static class KeyedLineReader
{
    public static IEnumerable<InputRecord> Read(TextReader input)
    {
        long lineNumber = 0;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNumber++;
            var trimmed = line.Trim();
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
