using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Join;

/// <summary>Receives each match a <see cref="PacketProcessor"/> finds: one call per (packet, side, watched owner).</summary>
public interface IMatchSink
{
    void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction);
}
