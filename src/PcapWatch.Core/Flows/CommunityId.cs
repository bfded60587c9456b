using System.Buffers.Binary;
using System.Security.Cryptography;
using PcapWatch.Packets;

namespace PcapWatch.Flows;

/// <summary>
/// The Community ID v1 of a flow (github.com/corelight/community-id-spec): a SHA-1 over the seed, both addresses, the
/// protocol and both ports (for ICMP and ICMPv6, type and code as the spec maps them), the smaller endpoint first, as
/// <c>1:</c> and base64. Zeek, Suricata and tshark (<c>communityid</c>) compute the same string, so a flow of ours can be
/// looked up in their logs.
/// </summary>
public static class CommunityId
{
    /// <summary>
    /// The ID of the flow a packet from <paramref name="source"/> to <paramref name="destination"/> belongs to (either
    /// direction gives the same one). Ports of other protocols than TCP, UDP, SCTP, ICMP and ICMPv6 are not hashed.
    /// For ICMP, <paramref name="sourcePort"/> is the type and <paramref name="destinationPort"/> the code.
    /// </summary>
    public static string Of(byte protocol, IpAddressKey source, ushort sourcePort, IpAddressKey destination, ushort destinationPort,
        ushort seed = 0)
    {
        bool oneWay = false;
        if (protocol is Transport.Icmp or Transport.Icmpv6)
        {
            var counterpart = IcmpPorts.Counterpart(protocol, (byte)sourcePort);
            oneWay = counterpart is null;
            destinationPort = counterpart ?? destinationPort;
        }
        if (!oneWay && !IsLess(source, sourcePort, destination, destinationPort))
        {
            (source, destination) = (destination, source);
            (sourcePort, destinationPort) = (destinationPort, sourcePort);
        }
        return Hash(protocol, source, sourcePort, destination, destinationPort, seed);
    }

    private static bool IsLess(IpAddressKey a, ushort aPort, IpAddressKey b, ushort bPort) =>
        Compare(a, b) is var order && (order < 0 || (order == 0 && aPort < bPort));

    // Addresses compare as their bytes on the wire: IPv4 by its four bytes, IPv6 by sixteen (the mapped prefix is equal
    // for two IPv4 addresses, so comparing the 128-bit values orders them the same way).
    private static int Compare(IpAddressKey a, IpAddressKey b) => a.Value.CompareTo(b.Value);

    private static string Hash(byte protocol, IpAddressKey source, ushort sourcePort, IpAddressKey destination,
        ushort destinationPort, ushort seed)
    {
        bool v4 = source.IsIPv4 && destination.IsIPv4;
        Span<byte> input = stackalloc byte[2 + 2 * 16 + 2 + 4];
        BinaryPrimitives.WriteUInt16BigEndian(input, seed);
        int at = 2;
        at += WriteAddress(input[at..], source, v4);
        at += WriteAddress(input[at..], destination, v4);
        input[at++] = protocol;
        input[at++] = 0;
        if (Transport.HasPorts(protocol))
        {
            BinaryPrimitives.WriteUInt16BigEndian(input[at..], sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(input[(at + 2)..], destinationPort);
            at += 4;
        }
        Span<byte> digest = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input[..at], digest);
        return "1:" + Convert.ToBase64String(digest);
    }

    private static int WriteAddress(Span<byte> into, IpAddressKey address, bool v4)
    {
        if (v4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(into, (uint)address.Value);
            return 4;
        }
        BinaryPrimitives.WriteUInt128BigEndian(into, address.Value);
        return 16;
    }
}
