using System.Buffers;

namespace PcapWatch.Ingest;

/// <summary>
/// The bytes that may come before a record and mean nothing: whitespace and a UTF-8 byte order mark (editors on
/// Windows write one). Format detection and the record readers skip the same set.
/// </summary>
internal static class LeadingBytes
{
    private static readonly SearchValues<byte> Skippable = SearchValues.Create([(byte)' ', (byte)'\t', (byte)'\r', (byte)'\n', 0xEF, 0xBB, 0xBF]);

    public static bool IsSkippable(byte b) => Skippable.Contains(b);

    /// <summary>The first byte that is not skippable, or -1 when there is none.</summary>
    public static int FirstSignificant(ReadOnlySpan<byte> bytes)
    {
        int at = bytes.IndexOfAnyExcept(Skippable);
        return at < 0 ? -1 : bytes[at];
    }
}
