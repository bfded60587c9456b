using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;
using PcapWatch.Flows;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Flows;

/// <summary>
/// Issue "From packets to sessions", for dissections without a capture file (../shared's samples, read, never copied):
/// tshark numbers each TCP and UDP conversation in <c>tcp.stream</c> and <c>udp.stream</c>. With timeouts longer than the
/// capture, each watched host's TCP and UDP flows are exactly tshark's streams: the same packets (first and last time,
/// packets and bytes each way), one flow per stream and host.
/// </summary>
public class FlowStreamTests
{
    // The ICMP tunnel sample carries no TCP or UDP.
    private static readonly string[] Samples = TestData.SharedPacketSamples
        .Where(s => s.StartsWith("pcap-samples/", StringComparison.Ordinal) && !s.Contains("icmp-tunnel", StringComparison.Ordinal)).ToArray();

    // The first stream number of the record: json's "tcp.stream": "N", ek's "tcp_tcp_stream": "N" (or a number, or a list).
    private static readonly Regex StreamField = new(@"""(tcp|udp)(?:\.|_\1_)stream""\s*:\s*\[?\s*""?(\d+)", RegexOptions.Compiled);

    [TestCaseSource(nameof(Samples))]
    public void Each_hosts_tcp_and_udp_flows_are_tsharks_streams(string sample)
    {
        var lines = TestData.Lines(TestData.Shared(sample));
        var packets = FlowSamples.Packets(lines).Where(p => p.Protocol is Transport.Tcp or Transport.Udp).ToList();
        Assert.That(packets, Is.Not.Empty, $"{sample}: TCP or UDP packets");
        var streamOf = new Dictionary<long, (string, long)>();
        foreach (var packet in packets)
        {
            var line = Encoding.UTF8.GetString(lines[(int)packet.PcapOffset]);
            var protocol = packet.Protocol == Transport.Tcp ? "tcp" : "udp";
            var match = StreamField.Matches(line).FirstOrDefault(m => m.Groups[1].Value == protocol);
            Assert.That(match, Is.Not.Null, $"record {packet.PcapOffset}: no {protocol}.stream");
            streamOf[packet.PcapOffset] = (protocol, long.Parse(match!.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        var streams = packets.GroupBy(p => (p.Host, streamOf[p.PcapOffset])).Select(g => Totals(g.First(), g.ToList()));
        var flows = FlowSamples.FinalFlows(lines, FlowSamples.LongerThanAnyCapture)
            .Where(f => f.Protocol is Transport.Tcp or Transport.Udp)
            .Select(f => (f.Host, f.Protocol, f.LocalIp, f.LocalPort, f.RemoteIp, f.RemotePort, f.FirstUs, f.LastUs,
                f.PacketsOut, f.BytesOut, f.PacketsIn, f.BytesIn));
        Assert.That(flows, Is.EquivalentTo(streams));
    }

    private static (MacAddress, byte, IpAddressKey, ushort, IpAddressKey, ushort, long, long, long, long, long, long)
        Totals(FlowPacket first, List<FlowPacket> stream)
    {
        var sent = stream.Where(p => p.Outgoing).ToList();
        var received = stream.Where(p => !p.Outgoing).ToList();
        return (first.Host, first.Protocol, first.LocalIp, first.LocalPort, first.RemoteIp, first.RemotePort, stream.Min(p => p.TimeUs),
            stream.Max(p => p.TimeUs), sent.Count, sent.Sum(p => (long)p.FrameLength), received.Count, received.Sum(p => (long)p.FrameLength));
    }
}
