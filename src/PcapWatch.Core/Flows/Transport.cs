namespace PcapWatch.Flows;

/// <summary>
/// A packet's transport as flows key it: the protocol (IANA number) and both ports, or for ICMP and ICMPv6 the type
/// (in the source port) and the code (in the destination port), as the Community ID spec maps them; and the TCP flags.
/// </summary>
public readonly record struct Transport(byte Protocol, ushort SourcePort, ushort DestinationPort, ushort TcpFlags)
{
    public const byte Icmp = 1, Tcp = 6, Udp = 17, Icmpv6 = 58, Sctp = 132;

    /// <summary>Whether <paramref name="protocol"/> has ports (or ICMP's type and code in their place): the Community ID
    /// hashes them only for these.</summary>
    public static bool HasPorts(byte protocol) => protocol is Tcp or Udp or Sctp or Icmp or Icmpv6;
}
