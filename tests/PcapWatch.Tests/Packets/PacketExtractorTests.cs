using System.Text;
using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Packets;

public class PacketExtractorTests
{
    private const string Recipe2018 = """
        {"_index":"packets-2018-10-18","_type":"pcap_file","_score":null,"_source":{"layers":{
          "frame":{"encap_type":"1","time":"Dec 31, 1969 19:00:54.643990000 EST","time_epoch":"54.6","number":"1","len":"445","protocols":"eth:ethertype:ip:udp:bootp"},
          "eth":{"dst":"ff:ff:ff:ff:ff:ff","dst_tree":{"addr":"ff:ff:ff:ff:ff:ff","ig":"1"},"src":"e0:a1:d7:18:c2:72","src_tree":{"src_resolved":"Sfr_18:c2:72","addr":"e0:a1:d7:18:c2:72"},"type":"0x00000800"},
          "ip":{"version":"4","proto":"17","src":"0.0.0.0","addr":"255.255.255.255","src_host":"0.0.0.0","host":"255.255.255.255","dst":"255.255.255.255","dst_host":"255.255.255.255"},
          "udp":{"srcport":"68"}}}}
        """;

    private static Dictionary<PacketField, string?> Fields(string json, out ExtractStatus status, out PacketFields fields)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        fields = new PacketFields();
        status = PacketExtractor.Extract(bytes, ref fields);
        var f = fields;
        return Enum.GetValues<PacketField>().ToDictionary(p => p, p => ReferenceExtractor.Text(bytes, f[p]));
    }

    [Test]
    public void Recipe_2018_shape_gives_every_field()
    {
        var f = Fields(Recipe2018, out var status, out var fields);
        Assert.That(status, Is.EqualTo(ExtractStatus.Complete));
        Assert.That(f[PacketField.FrameTime], Is.EqualTo("Dec 31, 1969 19:00:54.643990000 EST"));
        Assert.That(f[PacketField.FrameLen], Is.EqualTo("445"));
        Assert.That(f[PacketField.FrameProtocols], Is.EqualTo("eth:ethertype:ip:udp:bootp"));
        Assert.That(f[PacketField.EthSrc], Is.EqualTo("e0:a1:d7:18:c2:72"));
        Assert.That(f[PacketField.EthDst], Is.EqualTo("ff:ff:ff:ff:ff:ff"));
        Assert.That(f[PacketField.IpSrc], Is.EqualTo("0.0.0.0"));
        Assert.That(f[PacketField.IpDst], Is.EqualTo("255.255.255.255"));
        Assert.That(f[PacketField.IpSrcHost], Is.EqualTo("0.0.0.0"));
        Assert.That(f[PacketField.IpDstHost], Is.EqualTo("255.255.255.255"));
        Assert.That(f[PacketField.IpProto], Is.EqualTo("17"));
        Assert.That(fields.EthSrc, Is.EqualTo(MacAddress.Parse("e0:a1:d7:18:c2:72")));
        Assert.That(fields.EthDst!.Value.IsGroup, Is.True);
    }

    [Test]
    public void Packet_without_ip_has_null_ip_fields()
    {
        const string arp = """
            {"_source":{"layers":{"frame":{"frame.time":"t","frame.len":"42","frame.protocols":"eth:ethertype:arp"},
            "eth":{"eth.dst":"ff:ff:ff:ff:ff:ff","eth.src":"02:50:57:00:00:02"},"arp":{"arp.src.hw_mac":"02:50:57:00:00:02"}}}}
            """;
        var f = Fields(arp, out var status, out _);
        Assert.That(status, Is.EqualTo(ExtractStatus.Complete));
        Assert.That(f[PacketField.FrameProtocols], Is.EqualTo("eth:ethertype:arp"));
        Assert.That(new[] { PacketField.IpSrc, PacketField.IpDst, PacketField.IpSrcHost, PacketField.IpDstHost, PacketField.IpProto }
            .Select(p => f[p]), Is.All.Null);
    }

    [Test]
    public void Dotted_shape_with_duplicate_keys_and_two_eth_layers_takes_the_first()
    {
        const string mpls = """
            {"_source":{"layers":{"frame":{"frame.len":"100"},
            "eth":{"eth.dst":"00:00:00:00:00:01","eth.src":"00:00:00:00:00:0a"},
            "mpls":{"mpls.label":"16"},
            "eth":{"eth.dst":"00:00:00:00:00:02","eth.src":"00:00:00:00:00:0b"},
            "ip":{"ip.addr":"10.0.0.1","ip.addr":"10.0.0.2","ip.src":"10.0.0.1","ip.dst":"10.0.0.2","ip.proto":"6"}}}}
            """;
        var f = Fields(mpls, out _, out var fields);
        Assert.That(f[PacketField.EthSrc], Is.EqualTo("00:00:00:00:00:0a"));
        Assert.That(f[PacketField.EthDst], Is.EqualTo("00:00:00:00:00:01"));
        Assert.That(f[PacketField.IpDst], Is.EqualTo("10.0.0.2"));
        Assert.That(fields.EthSrc, Is.EqualTo(new MacAddress(0x0a)));
    }

    [Test]
    public void Ek_shape_with_eth_array_literals_arrays_and_null()
    {
        const string ek = """
            {"timestamp":"1764347715709","layers":{"frame":{"frame_frame_time":"2026-11-28T16:35:15.709841509Z","frame_frame_len":90,"frame_frame_marked":false,"frame_frame_protocols":"eth:ethertype:ip:udp"},
            "eth":[{"eth_eth_dst":"ff:ff:ff:ff:ff:ff","eth_eth_src":"02:50:57:00:00:03","eth_eth_addr":["ff:ff:ff:ff:ff:ff","02:50:57:00:00:03"]},{"eth_eth_src":"00:00:00:00:00:99"}],
            "ip":{"ip_ip_src":["192.168.77.140"],"ip_ip_dst":"192.168.77.1","ip_ip_src_host":null,"ip_ip_proto":17}}}
            """;
        var f = Fields(ek, out var status, out var fields);
        Assert.That(status, Is.EqualTo(ExtractStatus.Complete));
        Assert.That(f[PacketField.FrameTime], Is.EqualTo("2026-11-28T16:35:15.709841509Z"));
        Assert.That(f[PacketField.FrameLen], Is.EqualTo("90"));
        Assert.That(f[PacketField.EthSrc], Is.EqualTo("02:50:57:00:00:03"));
        Assert.That(f[PacketField.IpSrc], Is.EqualTo("192.168.77.140"));
        Assert.That(f[PacketField.IpSrcHost], Is.Null);
        Assert.That(f[PacketField.IpProto], Is.EqualTo("17"));
        Assert.That(fields.EthSrc, Is.EqualTo(MacAddress.Parse("02:50:57:00:00:03")));
    }

    [Test]
    public void Ipv6_fills_the_ip_columns()
    {
        const string v6 = """
            {"_source":{"layers":{"eth":{"eth.src":"02:50:57:00:00:02"},"ipv6":{"ipv6.src":"fd77::2","ipv6.dst":"fd77::1","ipv6.src_host":"fd77::2","ipv6.nxt":"6"}}}}
            """;
        var f = Fields(v6, out _, out _);
        Assert.That(f[PacketField.IpSrc], Is.EqualTo("fd77::2"));
        Assert.That(f[PacketField.IpDst], Is.EqualTo("fd77::1"));
        Assert.That(f[PacketField.IpSrcHost], Is.EqualTo("fd77::2"));
        Assert.That(f[PacketField.IpDstHost], Is.Null);
        Assert.That(f[PacketField.IpProto], Is.EqualTo("6"));
    }

    [Test]
    public void Escaped_values_are_recorded_as_escaped_and_read_back_unescaped()
    {
        const string escaped = """{"layers":{"frame":{"frame_frame_protocols":"eth:\u0065thertype"},"eth":{"eth_eth_src":"02:50:57:00:00:02"}}}""";
        var f = Fields(escaped, out _, out var fields);
        Assert.That(fields[PacketField.FrameProtocols].Kind, Is.EqualTo(FieldSliceKind.EscapedString));
        Assert.That(f[PacketField.FrameProtocols], Is.EqualTo("eth:ethertype"));
    }

    [TestCase("[]")]
    [TestCase("{}")]
    [TestCase("""{"layers":"not an object"}""")]
    [TestCase("""{"_source":{"other":{}}}""")]
    [TestCase("42")]
    public void Json_that_is_not_a_packet_is_reported(string json)
    {
        Fields(json, out var status, out _);
        Assert.That(status, Is.EqualTo(ExtractStatus.NotAPacket));
    }

    [TestCase("""{"layers":{"eth":{"eth_eth_src":"02:50""")]
    [TestCase("not json")]
    [TestCase("")]
    [TestCase("[1")]
    public void Malformed_json_is_reported_not_thrown(string json)
    {
        var fields = new PacketFields();
        Assert.That(PacketExtractor.Extract(Encoding.UTF8.GetBytes(json), ref fields), Is.EqualTo(ExtractStatus.InvalidJson));
    }

    [Test]
    public void Gate_stops_the_scan_after_the_ethernet_layer()
    {
        var bytes = Encoding.UTF8.GetBytes(Recipe2018);
        var fields = new PacketFields();
        var no = new Refuse();
        Assert.That(PacketExtractor.Extract(bytes, ref fields, ref no), Is.EqualTo(ExtractStatus.Skipped));
        Assert.That(fields[PacketField.IpSrc].IsPresent, Is.False, "ip is after eth: not read");
        Assert.That(fields.EthSrc, Is.Not.Null, "eth.src is read before the decision");
    }

    [Test]
    public void Scanning_allocates_nothing()
    {
        var lines = TestData.Lines(TestData.Fixture("netns-lan.json.ndjson"))
            .Concat(TestData.Lines(TestData.Fixture("netns-lan.ek.ndjson"))).ToList();
        var fields = new PacketFields();
        foreach (var l in lines) PacketExtractor.Extract(l, ref fields); // warm up (JIT, statics)
        var refuse = new Refuse();
        foreach (var l in lines) PacketExtractor.Extract(l, ref fields, ref refuse);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 5; round++)
        {
            foreach (var l in lines)
            {
                PacketExtractor.Extract(l, ref fields);
                PacketExtractor.Extract(l, ref fields, ref refuse);
            }
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private struct Refuse : IEthernetGate
    {
        public readonly bool ShouldContinue(in PacketFields fields) => false;
    }

    [TestCase("", ExtractStatus.InvalidJson)]
    [TestCase("{\"layers\":{\"eth\":{\"eth.src\":\"02:42:ac:11:00:02\"", ExtractStatus.InvalidJson)]
    [TestCase("{\"\\udc00\":0}", ExtractStatus.InvalidEscape)]
    [TestCase("{\"layers\":{\"\\ud800\":{}}}", ExtractStatus.InvalidEscape)]
    [TestCase("{\"layers\":{\"eth\":{\"\\ud83d\\ud83d\":1}}}", ExtractStatus.InvalidEscape)]
    [TestCase("{\"layers\":{\"eth\":{\"\\ud83d\\ude00\":1}}}", ExtractStatus.Complete)]
    public void Bad_records_get_a_status_not_an_exception(string record, ExtractStatus expected)
    {
        var fields = new PacketFields();
        Assert.That(PacketExtractor.Extract(Encoding.UTF8.GetBytes(record), ref fields), Is.EqualTo(expected));
    }

    [Test]
    public void Hostile_nesting_is_too_deep_for_objects_and_arrays()
    {
        var fields = new PacketFields();
        foreach (var (open, close) in new[] { ("[", "]"), ("{\"a\":", "}") })
        {
            var record = "{\"layers\":{\"x\":" + string.Concat(Enumerable.Repeat(open, 5000)) + "1" + string.Concat(Enumerable.Repeat(close, 5000)) + "}}";
            Assert.That(PacketExtractor.Extract(Encoding.UTF8.GetBytes(record), ref fields), Is.EqualTo(ExtractStatus.TooDeep), open);
        }
    }

    [Test]
    public void An_escaped_name_that_is_not_utf8_is_reported()
    {
        var record = Encoding.UTF8.GetBytes("{\"layers\":{\"eth\":{\"\\nX\":1}}}");
        record[Array.IndexOf(record, (byte)'X')] = 0xff;
        var fields = new PacketFields();
        Assert.That(PacketExtractor.Extract(record, ref fields), Is.EqualTo(ExtractStatus.InvalidUtf8));
    }
}
