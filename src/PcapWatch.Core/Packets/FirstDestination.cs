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
        return FirstProperty.TryString(record, "dst\""u8, out var text) == FirstProperty.Read.Text && MacAddress.TryParse(text, out mac);
    }

    /// <summary>Whether <paramref name="mac"/> (the scan's eth.dst) is also the record's first <c>dst</c>.</summary>
    public static bool Is(ReadOnlySpan<byte> record, MacAddress mac) => TryRead(record, out var first) && first == mac;
}
