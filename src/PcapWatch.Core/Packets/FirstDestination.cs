namespace PcapWatch.Packets;

/// <summary>
/// The record's first <c>dst</c> property (<c>eth.dst</c>, <c>eth_eth_dst</c>, or the recipe's plain <c>dst</c>:
/// tshark writes the frame layer, which has none, and then the Ethernet layer). A packet is read for what it tells the
/// host it was sent to — DNS answers (names on), its receiver's flow (flows on) — only when this is that host's MAC and
/// the scan's eth.dst too. So the prefilter can decide from the first <c>dst</c> alone, with the same rule asked of the
/// same bytes: one search that stops in the Ethernet layer, instead of a walk of every <c>dst</c> of every record.
/// </summary>
internal static class FirstDestination
{
    /// <summary>The MAC in the record's first <c>dst</c> property, if it holds one as a plain string.</summary>
    public static bool TryRead(ReadOnlySpan<byte> record, out MacAddress mac)
    {
        mac = default;
        int hit = record.IndexOf("dst\""u8);
        if (hit < 0) return false;
        int at = SkipWhitespace(record, hit + "dst\""u8.Length);
        if (at >= record.Length || record[at] != (byte)':') return false;
        at = SkipWhitespace(record, at + 1);
        if (at < record.Length && record[at] == (byte)'[') at = SkipWhitespace(record, at + 1);
        if (at >= record.Length || record[at] != (byte)'"') return false;
        var rest = record[(at + 1)..];
        int end = rest.IndexOfAny((byte)'"', (byte)'\\');
        return end >= 0 && rest[end] == (byte)'"' && MacAddress.TryParse(rest[..end], out mac);
    }

    /// <summary>Whether <paramref name="mac"/> (the scan's eth.dst) is also the record's first <c>dst</c>.</summary>
    public static bool Is(ReadOnlySpan<byte> record, MacAddress mac) => TryRead(record, out var first) && first == mac;

    private static int SkipWhitespace(ReadOnlySpan<byte> record, int at)
    {
        while (at < record.Length && record[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') at++;
        return at;
    }
}
