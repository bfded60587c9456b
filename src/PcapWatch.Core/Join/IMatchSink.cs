using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Join;

/// <summary>
/// Receives each match a <see cref="PacketProcessor"/> finds: one call per (packet, side, watched owner).
/// </summary>
public interface IMatchSink
{
    /// <param name="direction">null in the recipe's shape (src only, by MAC); else <c>out</c> or <c>in</c>.</param>
    /// <param name="attributedBy">null unless attributing by IP is on; then <c>mac</c> or <c>ip</c>.</param>
    /// <param name="contested">Attributed by IP through an address that two or more MACs claimed at the packet's
    /// time.</param>
    void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
        string? attributedBy, bool contested);
}
