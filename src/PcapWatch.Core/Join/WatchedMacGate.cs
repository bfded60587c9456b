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
    public bool ShouldContinue(in PacketFields fields) =>
        (Source(fields) is { } src && index.Contains(src)) || (Destination(fields) is { } dst && index.Contains(dst));

    /// <summary>Whether this mode joins on eth.src at all.</summary>
    public bool JoinsSource => mode != MatchMode.Dst;

    /// <summary>Whether this mode joins on eth.dst at all.</summary>
    public bool JoinsDestination => mode != MatchMode.Src;

    /// <summary>The same decision as <see cref="ShouldContinue"/> for one candidate eth.src value.</summary>
    public bool WouldMatchSource(MacAddress mac) => JoinsSource && index.Contains(mac);

    /// <summary>The same decision as <see cref="ShouldContinue"/> for one candidate eth.dst value.</summary>
    public bool WouldMatchDestination(MacAddress mac) => JoinsDestination && !mac.IsGroup && index.Contains(mac);

    /// <summary>The watched owners of eth.src, when this mode joins on it.</summary>
    public bool TryGetSenders(in PacketFields fields, out MacAddress mac, out OwnerList owners)
    {
        owners = default;
        mac = Source(fields) ?? default;
        return Source(fields) is not null && index.TryGetOwners(mac, out owners);
    }

    /// <summary>The watched owners of eth.dst, when this mode joins on it and it is not a group address.</summary>
    public bool TryGetReceivers(in PacketFields fields, out MacAddress mac, out OwnerList owners)
    {
        owners = default;
        mac = Destination(fields) ?? default;
        return Destination(fields) is not null && index.TryGetOwners(mac, out owners);
    }

    private MacAddress? Source(in PacketFields fields) => mode != MatchMode.Dst ? fields.EthSrc : null;

    private MacAddress? Destination(in PacketFields fields) =>
        mode != MatchMode.Src && fields.EthDst is { IsGroup: false } dst ? dst : null;
}
