using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Join;

/// <summary>
/// The join condition, decided as soon as the Ethernet layer is read: the recipe's <c>P.ETH_SRC = C.MACADDR</c>, and
/// with <see cref="MatchMode.Dst"/>/<see cref="MatchMode.Both"/> also eth.dst. A group (broadcast or multicast)
/// destination never matches: it is nobody's computer.
/// </summary>
internal readonly struct WatchedMacGate(WatchIndex index, MatchMode mode) : IEthernetGate
{
    public bool ShouldContinue(in PacketFields fields) => SourceMatches(fields) || DestinationMatches(fields);

    public bool SourceMatches(in PacketFields fields) =>
        mode != MatchMode.Dst && fields.EthSrc is { } src && index.Contains(src);

    public bool DestinationMatches(in PacketFields fields) =>
        mode != MatchMode.Src && fields.EthDst is { IsGroup: false } dst && index.Contains(dst);
}
