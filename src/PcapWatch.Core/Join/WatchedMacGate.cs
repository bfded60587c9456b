using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Join;

/// <summary>
/// The join condition, decided as soon as the Ethernet layer is read: the recipe's <c>P.ETH_SRC = C.MACADDR</c>, and
/// with <see cref="MatchMode.Dst"/> also eth.dst. A group (broadcast or multicast) destination never matches: it is
/// nobody's computer. With <see cref="MatchMode.Ip"/> every packet is read on to its IP layer, whose addresses may be
/// bound to a watched MAC (<see cref="IpBindings"/>). With a <see cref="OwnershipHistory"/> (attribution at capture
/// time) a MAC passes when it was watched at any time kept, and its owners are those valid at the packet's time. With
/// <paramref name="learnsAnswers"/> (names on) a packet sent to a watched MAC is read on too, whatever the mode joins
/// on: a DNS answer to a watched host names the addresses it connects to next. With <paramref name="flows"/> every
/// packet a watched MAC sends or receives is read on, whatever the mode joins on: flows need both directions.
/// </summary>
internal readonly struct WatchedMacGate(WatchIndex index, MatchMode mode, IpBindings? bindings = null, OwnershipHistory? history = null,
    bool learnsAnswers = false, bool flows = false) : IEthernetGate
{
    private IWatchedMacs Watched => history is null ? index : history;

    // One rule per side, used by the scan (ShouldContinue) and the prefilter (WouldMatch*, MightAttribute*) alike: the
    // prefilter is sound only because both ask exactly the same question.
    public bool ShouldContinue(in PacketFields fields) =>
        ByIp || (fields.EthSrc is { } src && WouldReadSource(src)) || (fields.EthDst is { } dst && WouldReadDestination(dst));

    /// <summary>Whether eth.src is looked at at all: this mode joins on it, or flows are on.</summary>
    public bool ReadsSource => JoinsSource || flows;

    /// <summary>Whether a packet with this eth.src is read on: it matches, or (flows on) its sender is watched.</summary>
    public bool WouldReadSource(MacAddress mac) => ReadsSource && Watched.Contains(mac);

    /// <summary>Flows on: the watched hosts' packets are reported in both directions.</summary>
    public bool Flows => flows;

    /// <summary>Whether this mode joins on eth.src at all.</summary>
    public bool JoinsSource => (mode & MatchMode.Src) != 0;

    /// <summary>Whether this mode joins on eth.dst at all.</summary>
    public bool JoinsDestination => (mode & MatchMode.Dst) != 0;

    /// <summary>Whether sides are also attributed by IP address (and bindings learned from the packets).</summary>
    public bool ByIp => bindings is not null && (mode & MatchMode.Ip) != 0;

    /// <summary>Whether <paramref name="mac"/> is watched (at any time kept, attributing at capture time).</summary>
    public bool IsWatched(MacAddress mac) => Watched.Contains(mac);

    /// <summary>Whether a packet with this eth.src matches.</summary>
    public bool WouldMatchSource(MacAddress mac) => JoinsSource && Watched.Contains(mac);

    /// <summary>Whether a packet with this eth.dst matches.</summary>
    public bool WouldMatchDestination(MacAddress mac) => JoinsDestination && !mac.IsGroup && Watched.Contains(mac);

    /// <summary>Whether a packet sent to a watched host is read for its DNS answers (names on).</summary>
    public bool LearnsAnswers => learnsAnswers;

    /// <summary>Whether eth.dst is looked at at all: it may match, be told a DNS answer (names on), or receive a flow's
    /// packet (flows on).</summary>
    public bool ReadsDestination => JoinsDestination || learnsAnswers || flows;

    /// <summary>Whether a packet with this eth.dst is read on: it matches, or it may tell a watched host something (a DNS
    /// answer, its flow).</summary>
    public bool WouldReadDestination(MacAddress mac) => ReadsDestination && !mac.IsGroup && Watched.Contains(mac);

    /// <summary>The watched host a packet is sent to, when names are on (its DNS answers are learned).</summary>
    public MacAddress? AnswerClient(in PacketFields fields) =>
        learnsAnswers && fields.EthDst is { IsGroup: false } dst && Watched.Contains(dst) ? dst : null;

    /// <summary>
    /// Whether a source address could be attributed: some MAC that held it (at any time kept) is watched.
    /// </summary>
    public bool MightAttributeSource(IpAddressKey address) => ByIp && JoinsSource && bindings!.AnyHolderIn(address, Watched);

    /// <summary>
    /// Whether a destination address could be attributed (as <see cref="MightAttributeSource"/>), or (names on) be a
    /// watched host told a DNS answer behind a router.
    /// </summary>
    public bool MightAttributeDestination(IpAddressKey address) => ByIp && ReadsDestination && bindings!.AnyHolderIn(address, Watched);

    /// <summary>
    /// The watched owners of eth.src (at <paramref name="atMs"/>, attributing at capture time), when this mode joins on
    /// it.
    /// </summary>
    public bool TryGetSenders(in PacketFields fields, long atMs, out MacAddress mac, out OwnerList owners) =>
        TryGetOwners(JoinsSource ? fields.EthSrc : null, atMs, out mac, out owners);

    /// <summary>The watched owners of eth.dst, when this mode joins on it and it is not a group address.</summary>
    public bool TryGetReceivers(in PacketFields fields, long atMs, out MacAddress mac, out OwnerList owners) =>
        TryGetOwners(JoinsDestination && fields.EthDst is { IsGroup: false } dst ? dst : null, atMs, out mac, out owners);

    private bool TryGetOwners(MacAddress? candidate, long atMs, out MacAddress mac, out OwnerList owners)
    {
        mac = candidate ?? default;
        owners = default;
        return candidate is not null && OwnersOf(mac, atMs, out owners);
    }

    /// <summary>
    /// The watched owners of <paramref name="mac"/> (at <paramref name="atMs"/>, attributing at capture time).
    /// </summary>
    public bool OwnersOf(MacAddress mac, long atMs, out OwnerList owners) =>
        history is null ? index.TryGetOwners(mac, out owners) : history.TryGetOwners(mac, atMs, out owners);
}
