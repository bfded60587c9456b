using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Bindings;

/// <summary>
/// Evidence only from who may give it: an ARP packet binds its sender address only to the MAC that sent the frame. A
/// host that writes a watched computer's MAC into its ARP payload (<c>arp.src.hw_mac</c>) while the switch shows its
/// own (<c>eth.src</c>) makes a forgery: read, flagged, counted, never believed. Real packets of the routed captures, in
/// every input shape, forged by rewriting one field.
/// </summary>
public class ForgedEvidenceTests
{
    private static readonly MacAddress Alice = Mac(RoutedFixture.AliceMac);

    private static MacAddress Mac(string text) => MacAddress.TryParse(text, out var mac) ? mac : throw new FormatException(text);

    /// <summary>The record is read as a statement breaking <paramref name="flaw"/>; the gate counts it and learns nothing.</summary>
    private static void AssertForged(byte[] record, MacAddress? ethSrc, EvidenceFlaw flaw, string what)
    {
        Assert.That(BindingExtractor.TryRead(record, ethSrc, out var forged), Is.True, what + " is read");
        Assert.That(forged.Flaw, Is.EqualTo(flaw), what);
        var gate = new EvidenceGate(new IpBindings());
        Assert.That(gate.Learn(forged, 1_000).Outcome, Is.EqualTo(LearnOutcome.Forged), what);
        Assert.That(gate.Forged(flaw), Is.EqualTo(1), what + " is counted");
        Assert.That(gate.Bindings.AddressCount, Is.Zero, what + " binds nothing");
    }

    /// <summary>The routed LAN capture's ARP packets not sent by Alice, as (record, eth.src), in one shape.</summary>
    /// <remarks>Read as text: tshark's own output repeats keys (<c>eth.addr</c>), which a JSON DOM refuses.</remarks>
    private static List<(byte[] Record, MacAddress EthSrc)> ArpNotFromAlice(string fixture) =>
        TestData.Lines(TestData.Fixture(fixture)).Select(r => (Record: r, Text: Encoding.UTF8.GetString(r)))
            .Where(r => ArpLayer.IsMatch(r.Text))
            .Select(r => (r.Record, EthSrc: Mac(FrameSender.Match(r.Text).Groups[1].Value)))
            .Where(r => r.EthSrc != Alice).ToList();

    private static readonly Regex ArpLayer = new("\"arp\"\\s*:\\s*\\{");
    private static readonly Regex FrameSender = new("\"(?:eth\\.src|eth_eth_src)\"\\s*:\\s*\"([0-9a-f:]+)\"");
    private static readonly Regex PayloadSender = new("(\"(?:arp\\.src\\.hw_mac|arp_arp_src_hw_mac|src\\.hw_mac)\"\\s*:\\s*\")[^\"]*\"");

    /// <summary>The record with its ARP payload's sender MAC set to <paramref name="mac"/>, whatever the field's spelling.</summary>
    private static byte[] WithPayloadSender(byte[] record, MacAddress mac)
    {
        var text = Encoding.UTF8.GetString(record);
        var forged = PayloadSender.Replace(text, m => m.Groups[1].Value + mac + "\"", 1);
        Assert.That(forged, Is.Not.EqualTo(text), "the payload's sender field was found");
        return Encoding.UTF8.GetBytes(forged);
    }

    [TestCase("routed-lan.json.ndjson")]
    [TestCase("routed-lan.ek.ndjson")]
    public void An_arp_whose_payload_names_another_mac_than_the_frames_sender_is_counted_and_never_believed(string fixture)
    {
        var arps = ArpNotFromAlice(fixture);
        Assert.That(arps, Is.Not.Empty, "the capture holds ARP packets of other hosts");
        foreach (var (record, ethSrc) in arps)
        {
            Assert.That(BindingExtractor.TryRead(record, ethSrc, out var genuine), Is.True, "the packet as captured states a binding");
            Assert.That(genuine.Mac, Is.EqualTo(ethSrc));
            Assert.That(genuine.Flaw, Is.EqualTo(EvidenceFlaw.None));
            AssertForged(WithPayloadSender(record, Alice), ethSrc, EvidenceFlaw.SenderMismatch, "the same packet naming a watched MAC in its payload");
        }
    }

    private static readonly Regex ServerPort = new("(\"(?:udp\\.srcport|udp_udp_srcport|srcport)\"\\s*:\\s*\")67\"");
    private static readonly Regex ToServerPort = new("(\"(?:udp\\.dstport|udp_udp_dstport|dstport)\"\\s*:\\s*\")67\"");

    /// <summary>The DHCP ACKs (or RELEASEs) of the captures in one shape: the real server's, through the relay too.</summary>
    private static List<byte[]> Dhcp(BindingSource source, params string[] fixtures) =>
        fixtures.SelectMany(f => TestData.Lines(TestData.Fixture(f)))
            .Where(r => BindingExtractor.TryRead(r, null, out var e) && e.Source == source && e.Flaw == EvidenceFlaw.None).ToList();

    /// <summary>Each record with its server port (the regex's one "67") rewritten to 5555 is a forgery.</summary>
    private static void AssertForgedOnceRewritten(List<byte[]> records, Regex serverPort, EvidenceFlaw flaw, string what)
    {
        foreach (var record in records)
        {
            var text = Encoding.UTF8.GetString(record);
            var forged = serverPort.Replace(text, m => m.Groups[1].Value + "5555\"", 1);
            Assert.That(forged, Is.Not.EqualTo(text), "the port was found");
            AssertForged(Encoding.UTF8.GetBytes(forged), null, flaw, what);
        }
    }

    [TestCase("routed-lan.json.ndjson", "routed-uplink.json.ndjson")]
    [TestCase("routed-lan.ek.ndjson", "routed-uplink.ek.ndjson")]
    [TestCase("tcpdump-dhcp-rfc4388.json.ndjson")]
    public void A_dhcp_ack_not_sent_from_the_server_port_is_counted_and_grants_nothing(params string[] fixtures)
    {
        var acks = Dhcp(BindingSource.DhcpAck, fixtures);
        Assert.That(acks, Is.Not.Empty, "the captures hold the server's ACKs (67→68 on a LAN, 67→67 to the relay)");
        AssertForgedOnceRewritten(acks, ServerPort, EvidenceFlaw.NotFromServerPort, "an ACK from port 5555");
    }

    [TestCase("routed-lan.json.ndjson", "routed-uplink.json.ndjson")]
    [TestCase("routed-lan.ek.ndjson", "routed-uplink.ek.ndjson")]
    public void A_dhcp_release_not_sent_to_the_server_port_is_counted_and_ends_nothing(params string[] fixtures)
    {
        var releases = Dhcp(BindingSource.DhcpRelease, fixtures);
        Assert.That(releases, Is.Not.Empty, "the clients release their leases");
        AssertForgedOnceRewritten(releases, ToServerPort, EvidenceFlaw.NotToServerPort, "a RELEASE to port 5555");
    }

    [Test]
    public void The_2018_plain_names_follow_the_same_rule()
    {
        const string arp = """
            {"_source":{"layers":{"frame":{"protocols":"eth:ethertype:arp","time_epoch":"1796090653.2"},
             "eth":{"dst":"ff:ff:ff:ff:ff:ff","src":"02:50:57:00:00:99"},
             "arp":{"opcode":"2","src.hw_mac":"02:50:57:00:00:99","src.proto_ipv4":"192.168.77.7"}}}}
            """;
        var ethSrc = Mac("02:50:57:00:00:99");
        var record = Encoding.UTF8.GetBytes(arp.ReplaceLineEndings(""));
        Assert.That(BindingExtractor.TryRead(record, ethSrc, out var genuine), Is.True);
        Assert.That(genuine.Mac, Is.EqualTo(ethSrc));
        AssertForged(WithPayloadSender(record, Alice), ethSrc, EvidenceFlaw.SenderMismatch, "a 2018 ARP naming Alice");
    }

    [Test]
    public void An_arp_without_a_readable_frame_sender_is_never_believed()
    {
        var (record, _) = ArpNotFromAlice("routed-lan.json.ndjson")[0];
        AssertForged(record, null, EvidenceFlaw.SenderMismatch, "nothing to hold the payload against");
    }
}
