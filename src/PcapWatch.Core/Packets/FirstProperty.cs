using System.Text.Json;

namespace PcapWatch.Packets;

/// <summary>
/// Byte-level reads of a dissection that the prefilter and the scan share, so that both ask exactly the same question:
/// the value of the first property whose name ends in a given suffix, and where <c>layers</c> starts.
/// </summary>
internal static class FirstProperty
{
    public enum Read : byte { None, Text, Escaped }

    /// <summary>
    /// The raw text of the first property whose name ends in <paramref name="nameEnd"/> (its closing quote included),
    /// when its value is a string or (-T ek) an array whose first element is: <see cref="Read.Escaped"/> when the text
    /// holds an escape before its end (then <paramref name="text"/> is what comes before it).
    /// </summary>
    public static Read TryString(ReadOnlySpan<byte> record, ReadOnlySpan<byte> nameEnd, out ReadOnlySpan<byte> text)
    {
        text = default;
        int hit = record.IndexOf(nameEnd);
        if (hit < 0) return Read.None;
        int at = SkipWhitespace(record, hit + nameEnd.Length);
        if (at >= record.Length || record[at] != (byte)':') return Read.None;
        at = SkipWhitespace(record, at + 1);
        if (at < record.Length && record[at] == (byte)'[') at = SkipWhitespace(record, at + 1);
        if (at >= record.Length || record[at] != (byte)'"') return Read.None;
        var rest = record[(at + 1)..];
        int end = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (end < 0) return Read.None;
        text = rest[..end];
        return rest[end] == (byte)'"' ? Read.Text : Read.Escaped;
    }

    /// <summary>Moves to the start of <c>layers</c> (or, at the root, <c>_source.layers</c>); whether there is one.</summary>
    public static bool FindLayers(ref Utf8JsonReader reader, bool allowSource = true)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isLayers = reader.ValueTextEquals("layers"u8);
            bool isSource = !isLayers && allowSource && reader.ValueTextEquals("_source"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                if (isLayers) return true;
                if (isSource) return FindLayers(ref reader, allowSource: false);
            }
            reader.Skip();
        }
        return false;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> record, int at)
    {
        while (at < record.Length && record[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') at++;
        return at;
    }
}
