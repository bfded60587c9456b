using PcapWatch.Flows;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Shared;

/// <summary>
/// Flows of a dissected capture as the flow stage makes them, every unicast MAC of the capture watched: each packet is
/// given to its sender's flows (out) and its receiver's (in).
/// </summary>
public static class FlowSamples
{
    /// <summary>No flow ends by time inside any capture of ours: idle a day, no interim records, no grace.</summary>
    public static readonly FlowTimeouts LongerThanAnyCapture = FlowTimeouts.Default with
    {
        TcpIdle = TimeSpan.FromDays(1),
        UdpIdle = TimeSpan.FromDays(1),
        IcmpIdle = TimeSpan.FromDays(1),
        OtherIdle = TimeSpan.FromDays(1),
        Interim = TimeSpan.Zero,
        Grace = TimeSpan.Zero,
    };

    private static readonly FlowOwner[] Owners = [new("e1", "Someone")];

    /// <summary>The flow packets of each record, in record order, for every watched host it was sent by or to.</summary>
    public static List<FlowPacket> Packets(List<byte[]> lines)
    {
        var packets = new List<FlowPacket>();
        for (int i = 0; i < lines.Count; i++)
        {
            var fields = new PacketFields();
            PacketExtractor.Extract(lines[i], ref fields);
            if (fields.EthSrc is { IsGroup: false } src) Add(lines[i], in fields, src, outgoing: true, i, packets);
            if (fields.EthDst is { IsGroup: false } dst && dst != fields.EthSrc) Add(lines[i], in fields, dst, outgoing: false, i, packets);
        }
        return packets;
    }

    private static void Add(byte[] line, in PacketFields fields, MacAddress host, bool outgoing, int offset, List<FlowPacket> packets)
    {
        if (FlowPacketBuilder.Build(line, in fields, host, outgoing, Owners, null, 0, offset, outgoing ? 0 : 1) is { } packet) packets.Add(packet);
    }

    /// <summary>Every unicast MAC that sends or receives a packet of the capture.</summary>
    public static HashSet<MacAddress> Hosts(List<byte[]> lines)
    {
        var hosts = new HashSet<MacAddress>();
        foreach (var line in lines)
        {
            var fields = new PacketFields();
            PacketExtractor.Extract(line, ref fields);
            if (fields.EthSrc is { IsGroup: false } src) hosts.Add(src);
            if (fields.EthDst is { IsGroup: false } dst) hosts.Add(dst);
        }
        return hosts;
    }

    /// <summary>The flow records of a capture, fed in capture order: the final ones, or with <paramref name="all"/> interim
    /// records too.</summary>
    public static List<FlowRecord> FinalFlows(List<byte[]> lines, FlowTimeouts timeouts, bool all = false)
    {
        var partition = new FlowPartition(timeouts);
        var records = new List<FlowRecord>();
        foreach (var packet in Packets(lines)) partition.Add(packet, records);
        partition.EndAll(FlowEnd.End, records);
        return all ? records : records.Where(r => r.Final).ToList();
    }
}
