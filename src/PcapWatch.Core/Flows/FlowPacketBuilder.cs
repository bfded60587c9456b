using System.Buffers.Text;
using PcapWatch.Packets;

namespace PcapWatch.Flows;

/// <summary>
/// Makes a <see cref="FlowPacket"/> of a dissected packet for one watched host: its addresses, time, length and
/// protocols from the scan's fields, its transport from <see cref="TransportReader"/>. A packet without IP (ARP, LLDP,
/// …) belongs to no flow, as in Zeek's conn.log and the Community ID.
/// </summary>
public static class FlowPacketBuilder
{
    /// <summary>The longest <c>frame.protocols</c> kept: a real list is a few dozen characters.</summary>
    public const int MaxProtocolsLength = 256;

    /// <returns>The packet as <paramref name="host"/> sees it, or null when it is not an IP packet whose addresses and
    /// capture time can be read.</returns>
    public static FlowPacket? Build(ReadOnlySpan<byte> record, in PacketFields fields, MacAddress host, bool outgoing,
        IReadOnlyList<FlowOwner> owners, string? name, int pcapPartition, long pcapOffset, int matchIndex)
    {
        if (!IpAddressKey.TryParse(fields[PacketField.IpSrc].Of(record), out var source)
            || !IpAddressKey.TryParse(fields[PacketField.IpDst].Of(record), out var destination)
            || !CaptureTime.TryParseEpochUs(fields.TimeEpoch.Of(record), out long timeUs))
        {
            return null;
        }
        byte? ipProtocol = Utf8Parser.TryParse(fields[PacketField.IpProto].Of(record), out byte p, out int used)
            && used == fields[PacketField.IpProto].Of(record).Length ? p : null;
        if (TransportReader.Read(record, ipProtocol) is not { } transport) return null;
        var (localPort, remotePort) = FlowPacket.LocalPorts(outgoing, transport);
        return new FlowPacket(host, outgoing, timeUs, FrameLength(fields[PacketField.FrameLen].Of(record)), transport.Protocol,
            outgoing ? source : destination, localPort, outgoing ? destination : source, remotePort, transport.TcpFlags, owners,
            Protocols(fields[PacketField.FrameProtocols].Of(record)), name, pcapPartition, pcapOffset, matchIndex);
    }

    private static int FrameLength(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out int length, out int used) && used == text.Length && length >= 0 ? length : 0;

    // Protocol names are ASCII; anything else (an escape, a hostile value) is kept as text up to the bound.
    private static string Protocols(ReadOnlySpan<byte> text) =>
        System.Text.Encoding.UTF8.GetString(text[..Math.Min(text.Length, MaxProtocolsLength)]);
}
