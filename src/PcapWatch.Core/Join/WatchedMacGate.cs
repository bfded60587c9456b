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
    // One rule per side, used by the scan (ShouldContinue) and the prefilter (WouldMatch*) alike: the prefilter is
    // sound only because both ask exactly the same question.
    public bool ShouldContinue(in PacketFields fields) =>
        (fields.EthSrc is { } src && WouldMatchSource(src)) || (fields.EthDst is { } dst && WouldMatchDestination(dst));

    /// <summary>Whether this mode joins on eth.src at all.</summary>
    public bool JoinsSource => mode != MatchMode.Dst;

    /// <summary>Whether this mode joins on eth.dst at all.</summary>
    public bool JoinsDestination => mode != MatchMode.Src;

    /// <summary>Whether a packet with this eth.src matches.</summary>
    public bool WouldMatchSource(MacAddress mac) => JoinsSource && index.Contains(mac);

    /// <summary>Whether a packet with this eth.dst matches.</summary>
    public bool WouldMatchDestination(MacAddress mac) => JoinsDestination && !mac.IsGroup && index.Contains(mac);

    /// <summary>The watched owners of eth.src, when this mode joins on it.</summary>
    public bool TryGetSenders(in PacketFields fields, out MacAddress mac, out OwnerList owners) =>
        TryGetOwners(JoinsSource ? fields.EthSrc : null, out mac, out owners);

    /// <summary>The watched owners of eth.dst, when this mode joins on it and it is not a group address.</summary>
    public bool TryGetReceivers(in PacketFields fields, out MacAddress mac, out OwnerList owners) =>
        TryGetOwners(JoinsDestination && fields.EthDst is { IsGroup: false } dst ? dst : null, out mac, out owners);

    private bool TryGetOwners(MacAddress? candidate, out MacAddress mac, out OwnerList owners)
    {
        mac = candidate ?? default;
        owners = default;
        return candidate is not null && index.TryGetOwners(mac, out owners);
    }
}
