using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Join;

/// <summary>The recipe's join condition, <c>P.ETH_SRC = C.MACADDR</c>, decided as soon as the Ethernet layer is read.</summary>
internal readonly struct WatchedSourceGate(WatchIndex index) : IEthernetGate
{
    public bool ShouldContinue(in PacketFields fields) => fields.EthSrc is { } src && index.Contains(src);
}
