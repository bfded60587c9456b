using System.Buffers.Binary;
using System.Text;
using PcapWatch.Packets;

namespace PcapWatch.Flows;

/// <summary>
/// The value of a <c>WATCHED_EMP_PACKETS</c> record: a <see cref="FlowPacket"/> in a compact binary layout (version 1),
/// written by the packet stage for each watched host of a packet and read by the flow stage. The key is the host's MAC
/// (so a host's packets share a partition) and the packet's pcap position travels in the <see cref="Output.MatchOrigin"/>
/// header, as on the match topic. Anything may be written to a topic: <see cref="TryDecode"/> refuses what is not this
/// layout exactly, and never throws.
/// </summary>
/// <remarks>
/// Layout, big-endian: version (1) · flags (bit 0: outgoing) · time µs (8) · frame length (4) · protocol (1) · local
/// address (16) · remote address (16) · local port (2) · remote port (2) · TCP flags (2) · host MAC (6) · protocols ·
/// name (absent: length 0xFFFF) · owner count (1) · per owner: employee id, employee name. Texts: length (2) + UTF-8.
/// </remarks>
public static class FlowPacketCodec
{
    public const byte Version = 1;
    private const int FixedLength = 1 + 1 + 8 + 4 + 1 + 16 + 16 + 2 + 2 + 2 + 6;
    private const ushort Absent = 0xFFFF;
    private const int MaxText = 1024, MaxOwners = 64;

    public static byte[] Encode(FlowPacket packet)
    {
        var owners = packet.Owners.Count > MaxOwners ? packet.Owners.Take(MaxOwners).ToList() : packet.Owners;
        int length = FixedLength + TextLength(packet.Protocols) + TextLength(packet.Name) + 1
            + owners.Sum(o => TextLength(o.EmpId) + TextLength(o.EmpName));
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        span[0] = Version;
        span[1] = packet.Outgoing ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64BigEndian(span[2..], packet.TimeUs);
        BinaryPrimitives.WriteInt32BigEndian(span[10..], packet.FrameLength);
        span[14] = packet.Protocol;
        BinaryPrimitives.WriteUInt128BigEndian(span[15..], packet.LocalIp.Value);
        BinaryPrimitives.WriteUInt128BigEndian(span[31..], packet.RemoteIp.Value);
        BinaryPrimitives.WriteUInt16BigEndian(span[47..], packet.LocalPort);
        BinaryPrimitives.WriteUInt16BigEndian(span[49..], packet.RemotePort);
        BinaryPrimitives.WriteUInt16BigEndian(span[51..], packet.TcpFlags);
        WriteMac(span[53..], packet.Host);
        int at = FixedLength;
        at += WriteText(span[at..], packet.Protocols);
        at += WriteText(span[at..], packet.Name);
        span[at++] = (byte)owners.Count;
        foreach (var owner in owners)
        {
            at += WriteText(span[at..], owner.EmpId);
            at += WriteText(span[at..], owner.EmpName);
        }
        return bytes;
    }

    /// <summary>The packet, with its pcap position from the record's origin; null when the bytes are not version 1.</summary>
    public static FlowPacket? TryDecode(ReadOnlySpan<byte> value, int pcapPartition, long pcapOffset, int matchIndex)
    {
        if (value.Length < FixedLength + 5 || value[0] != Version || value[1] > 1) return null;
        int at = FixedLength;
        if (!TryReadText(value, ref at, out var protocols) || protocols is null || !TryReadText(value, ref at, out var name)) return null;
        if (at >= value.Length) return null;
        int count = value[at++];
        if (count is 0 or > MaxOwners) return null;
        var owners = new FlowOwner[count];
        for (int i = 0; i < count; i++)
        {
            if (!TryReadText(value, ref at, out var id) || id is null || !TryReadText(value, ref at, out var empName) || empName is null) return null;
            owners[i] = new FlowOwner(id, empName);
        }
        if (at != value.Length) return null;
        int frameLength = BinaryPrimitives.ReadInt32BigEndian(value[10..]);
        if (frameLength < 0) return null;
        return new FlowPacket(ReadMac(value[53..]), value[1] == 1, BinaryPrimitives.ReadInt64BigEndian(value[2..]), frameLength, value[14],
            new IpAddressKey(BinaryPrimitives.ReadUInt128BigEndian(value[15..])), BinaryPrimitives.ReadUInt16BigEndian(value[47..]),
            new IpAddressKey(BinaryPrimitives.ReadUInt128BigEndian(value[31..])), BinaryPrimitives.ReadUInt16BigEndian(value[49..]),
            BinaryPrimitives.ReadUInt16BigEndian(value[51..]), owners, protocols, name, pcapPartition, pcapOffset, matchIndex);
    }

    private static int TextLength(string? text) => 2 + (text is null ? 0 : Math.Min(Encoding.UTF8.GetByteCount(text), MaxText));

    private static int WriteText(Span<byte> into, string? text)
    {
        if (text is null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(into, Absent);
            return 2;
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        int length = Math.Min(bytes.Length, MaxText);
        BinaryPrimitives.WriteUInt16BigEndian(into, (ushort)length);
        bytes.AsSpan(0, length).CopyTo(into[2..]);
        return 2 + length;
    }

    private static bool TryReadText(ReadOnlySpan<byte> value, ref int at, out string? text)
    {
        text = null;
        if (at + 2 > value.Length) return false;
        ushort length = BinaryPrimitives.ReadUInt16BigEndian(value[at..]);
        at += 2;
        if (length == Absent) return true;
        if (length > MaxText || at + length > value.Length) return false;
        text = Encoding.UTF8.GetString(value.Slice(at, length));
        at += length;
        return true;
    }

    private static void WriteMac(Span<byte> into, MacAddress mac)
    {
        for (int i = 0; i < 6; i++) into[i] = (byte)(mac.Value >> (40 - 8 * i));
    }

    private static MacAddress ReadMac(ReadOnlySpan<byte> from)
    {
        long value = 0;
        for (int i = 0; i < 6; i++) value = (value << 8) | from[i];
        return new MacAddress(value);
    }
}
