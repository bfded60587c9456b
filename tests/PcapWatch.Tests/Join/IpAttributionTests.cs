using System.Text;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Join;

/// <summary>
/// Attribution by IP address on the routed fixture (tests/Fixtures/make-routed-lan.sh): real DHCP through a relay,
/// ARP and NDP, captured on the router's uplink (where every eth.src is the router's or the server's) and on its LANs.
/// The expected counts are tshark's own (routed-expected.tsv), not this code's.
/// </summary>
public class IpAttributionTests
{
    internal static readonly MacAddress Alice = Mac(RoutedFixture.AliceMac);
    internal static readonly MacAddress Bob = Mac(RoutedFixture.BobMac);
    internal static readonly MacAddress Carol = Mac(RoutedFixture.CarolMac);

    private static MacAddress Mac(string text) => MacAddress.TryParse(text, out var mac) ? mac : throw new FormatException(text);

    /// <summary>Alice and Carol watched, Bob not (as the fixture's tables say).</summary>
    internal static WatchIndex RoutedIndex()
    {
        var index = new WatchIndex();
        index.Set(Alice, [new WatchedComputer(Alice, "C200", "200", "E200", "Alice Routed", "E200")]);
        index.Set(Carol, [new WatchedComputer(Carol, "C202", "202", "E202", "Carol Routed", "E202")]);
        return index;
    }

    private static Dictionary<(string Employee, string? Direction, string? By), int> Attribute(string fixture, MatchMode mode)
    {
        var processor = new LearningPacketProcessor(RoutedIndex(), mode, new IpBindings());
        var sink = new RecordingSink();
        foreach (var packet in TestData.Lines(TestData.Fixture(fixture)))
        {
            Assert.That(processor.Process(packet, ref sink, out var rejection), Is.Not.EqualTo(PacketOutcome.Rejected), rejection.Detail);
        }
        return sink.Counts;
    }

    [TestCase("routed-uplink.json.ndjson")]
    [TestCase("routed-uplink.ek.ndjson")]
    public void On_the_uplink_each_watched_clients_packets_inside_its_lease_are_attributed_by_ip(string fixture)
    {
        var counts = Attribute(fixture, MatchMode.Src | MatchMode.Ip);

        Assert.That(counts.GetValueOrDefault(("Alice Routed", "out", "ip")), Is.EqualTo(RoutedFixture.Count("routed-uplink", "alice_ip_src_leased")),
            "alice: from her ACK to her RELEASE, not before (address set by hand) nor after");
        Assert.That(counts.GetValueOrDefault(("Carol Routed", "out", "ip")), Is.EqualTo(RoutedFixture.Count("routed-uplink", "carol_ip_src_leased")),
            "carol's IPv4 traffic; her IPv6 address is bound only on her LAN (NDP), which the uplink does not see");
        Assert.That(counts.Keys.Select(k => k.Employee), Has.None.EqualTo("Bob Routed"), "bob is not watched");
        Assert.That(counts.Keys.Select(k => k.By), Has.All.EqualTo("ip"), "no watched MAC crosses the uplink");
        Assert.That(counts.Values.Sum(), Is.EqualTo(RoutedFixture.Count("routed-uplink", "alice_ip_src_leased") + RoutedFixture.Count("routed-uplink", "carol_ip_src_leased")));
    }

    [Test]
    public void Without_ip_nothing_on_the_uplink_is_attributed()
    {
        Assert.That(Attribute("routed-uplink.json.ndjson", MatchMode.Both), Is.Empty);
    }

    [Test]
    public void Both_sides_by_ip_count_what_tshark_counts_per_side()
    {
        var counts = Attribute("routed-uplink.json.ndjson", MatchMode.Both | MatchMode.Ip);
        Assert.That(counts.GetValueOrDefault(("Alice Routed", "in", "ip")), Is.EqualTo(RoutedFixture.Count("routed-uplink", "alice_ip_dst_leased")));
        Assert.That(counts.GetValueOrDefault(("Carol Routed", "in", "ip")), Is.EqualTo(RoutedFixture.Count("routed-uplink", "carol_ip_dst_leased")));
        Assert.That(counts.GetValueOrDefault(("Alice Routed", "out", "ip")), Is.EqualTo(RoutedFixture.Count("routed-uplink", "alice_ip_src_leased")));
    }

    [Test]
    public void With_the_lan_capture_too_carols_ipv6_on_the_uplink_is_attributed_through_her_neighbour_advertisement()
    {
        // Both captures in one stream, in capture order: what one topic fed by two tshark processes gives.
        var packets = TestData.Lines(TestData.Fixture("routed-lan.json.ndjson")).Select(p => (Time: CaptureMs(p), Packet: p, Uplink: false))
            .Concat(TestData.Lines(TestData.Fixture("routed-uplink.json.ndjson")).Select(p => (Time: CaptureMs(p), Packet: p, Uplink: true)))
            .OrderBy(x => x.Time).ToList();
        var processor = new LearningPacketProcessor(RoutedIndex(), MatchMode.Src | MatchMode.Ip, new IpBindings());
        int carolIpv6OnUplink = 0;
        foreach (var (_, packet, uplink) in packets)
        {
            var sink = new RecordingSink();
            processor.Process(packet, ref sink, out _);
            if (uplink && packet.AsSpan().IndexOf("\"ipv6.src\":\"fd00:20::20\""u8) >= 0
                && sink.Counts.ContainsKey(("Carol Routed", "out", "ip")))
            {
                carolIpv6OnUplink++;
            }
        }
        Assert.That(carolIpv6OnUplink, Is.EqualTo(RoutedFixture.Count("routed-uplink", "carol_ipv6_src")));
    }

    private static long CaptureMs(byte[] packet)
    {
        var fields = new PacketFields();
        PacketExtractor.Extract(packet, ref fields);
        return fields.TryGetCaptureTimeMs(packet, out long ms) ? ms : throw new InvalidDataException("no frame.time_epoch");
    }

    [Test]
    public void On_the_lan_a_watched_client_is_attributed_by_its_own_mac()
    {
        var counts = Attribute("routed-lan.json.ndjson", MatchMode.Src | MatchMode.Ip);
        Assert.That(counts.GetValueOrDefault(("Alice Routed", "out", "mac")), Is.EqualTo(RoutedFixture.Count("routed-lan", "alice_eth_src")));
        Assert.That(counts.GetValueOrDefault(("Carol Routed", "out", "mac")), Is.EqualTo(RoutedFixture.Count("routed-lan", "carol_eth_src")));
        Assert.That(counts.Keys.Where(k => k.By == "ip"), Is.Empty, "every packet a watched client sends on its LAN has its own MAC");
    }

    internal sealed class RecordingSink : IMatchSink
    {
        public Dictionary<(string, string?, string?), int> Counts { get; } = new();

        public void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
            string? attributedBy, bool contested)
        {
            var key = (Encoding.UTF8.GetString(owner.EmpName), direction, attributedBy);
            Counts[key] = Counts.GetValueOrDefault(key) + 1;
        }
    }
}
