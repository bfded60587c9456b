using PcapWatch.Packets;

namespace PcapWatch.Flows;

/// <summary>
/// The pieces of a flow stage checkpoint: keys, optional texts and waiting packets, in <see cref="BinaryWriter"/>'s
/// layout. A checkpoint is read back only by the flow stage, but it comes from a topic anyone with access may write to:
/// a reader refuses counts beyond <see cref="MaxCount"/> and anything that does not decode, with an <see
/// cref="InvalidDataException"/> or <see cref="EndOfStreamException"/>.
/// </summary>
internal static class FlowStateFormat
{
    /// <summary>The most items of one kind a checkpoint may hold (open flows, waiting packets, remembered origins).</summary>
    public const int MaxCount = 10_000_000;

    public static void WriteKey(this BinaryWriter writer, FlowKey key)
    {
        writer.Write(key.Host.Value);
        writer.Write(key.Protocol);
        writer.Write((ulong)(key.LocalIp.Value >> 64));
        writer.Write((ulong)key.LocalIp.Value);
        writer.Write(key.LocalPort);
        writer.Write((ulong)(key.RemoteIp.Value >> 64));
        writer.Write((ulong)key.RemoteIp.Value);
        writer.Write(key.RemotePort);
        writer.Write((byte)key.OneWay);
    }

    public static FlowKey ReadKey(this BinaryReader reader)
    {
        var host = new MacAddress(reader.ReadInt64());
        byte protocol = reader.ReadByte();
        var local = new IpAddressKey(new UInt128(reader.ReadUInt64(), reader.ReadUInt64()));
        ushort localPort = reader.ReadUInt16();
        var remote = new IpAddressKey(new UInt128(reader.ReadUInt64(), reader.ReadUInt64()));
        ushort remotePort = reader.ReadUInt16();
        byte way = reader.ReadByte();
        if (way > (byte)FlowKey.Way.In) throw new InvalidDataException($"flow direction {way}");
        return new FlowKey(host, protocol, local, localPort, remote, remotePort, (FlowKey.Way)way);
    }

    public static void WriteNullable(this BinaryWriter writer, string? text)
    {
        writer.Write(text is not null);
        if (text is not null) writer.Write(text);
    }

    public static string? ReadNullable(this BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    /// <summary>A packet waiting to be ordered: its value as the packet stage wrote it, and its pcap position.</summary>
    public static void WritePacket(this BinaryWriter writer, FlowPacket packet)
    {
        var value = FlowPacketCodec.Encode(packet);
        writer.Write(value.Length);
        writer.Write(value);
        writer.Write(packet.PcapPartition);
        writer.Write(packet.PcapOffset);
        writer.Write(packet.MatchIndex);
    }

    public static FlowPacket ReadPacket(this BinaryReader reader)
    {
        var value = reader.ReadBytes(ReadCount(reader, 1 << 20));
        int partition = reader.ReadInt32();
        long offset = reader.ReadInt64();
        int index = reader.ReadInt32();
        return FlowPacketCodec.TryDecode(value, partition, offset, index) ?? throw new InvalidDataException("a waiting packet that does not decode");
    }

    public static int ReadCount(this BinaryReader reader, int max = MaxCount)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > max) throw new InvalidDataException($"a count of {count}");
        return count;
    }
}
