using PcapWatch.Packets;

namespace PcapWatch.Flows;

/// <summary>
/// What flows need of one packet of a watched host, as the packet stage writes it to <c>WATCHED_EMP_PACKETS</c>: the
/// host and which way the packet went, its capture time and length, its transport seen from the host (local = the
/// watched host; ICMP's type and code in the ports, mapped as the Community ID maps them), the owners it was attributed
/// to (usually one), what <c>frame.protocols</c> says, its name (names on), and where in <c>pcap</c> it came from (<see
/// cref="Output.MatchOrigin"/>: its position orders packets of the same microsecond, and repeats are recognised by it).
/// </summary>
public sealed record FlowPacket(
    MacAddress Host,
    bool Outgoing,
    long TimeUs,
    int FrameLength,
    byte Protocol,
    IpAddressKey LocalIp,
    ushort LocalPort,
    IpAddressKey RemoteIp,
    ushort RemotePort,
    ushort TcpFlags,
    IReadOnlyList<FlowOwner> Owners,
    string Protocols,
    string? Name,
    int PcapPartition,
    long PcapOffset,
    int MatchIndex)
{
    public const ushort Fin = 0x01, Syn = 0x02, Rst = 0x04, Ack = 0x10;

    /// <summary>
    /// The packet as the watched host <paramref name="host"/> sees it, from what the dissection says (source,
    /// destination and <see cref="Transport"/>). ICMP's ports become the Community ID's: the type and, for messages with
    /// a counterpart, that counterpart's type (so a request and its reply share a flow), else the code.
    /// </summary>
    public static (ushort LocalPort, ushort RemotePort) LocalPorts(bool outgoing, Transport transport)
    {
        ushort source = transport.SourcePort, destination = transport.DestinationPort;
        if (transport.Protocol is Transport.Icmp or Transport.Icmpv6)
        {
            destination = IcmpPorts.Counterpart(transport.Protocol, (byte)source) is { } counterpart ? counterpart : destination;
        }
        return outgoing ? (source, destination) : (destination, source);
    }
}
