using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Bindings;

/// <summary>
/// DHCP ACKs believed only from known servers: the real ACKs of the routed captures (a server at 10.99.0.1 answering
/// through relays on two subnets), in every input shape, against forgeries made by rewriting one field — the server
/// identifier (option 54) — as a rogue server on the LAN would send them from port 67.
/// </summary>
public class DhcpServerTests
{
    private static readonly IpAddressKey Server = IpAddressKey.FromIPv4(0x0A630001); // 10.99.0.1
    private static readonly MacAddress RelayLan10 = new(0x0250570001F1), RelayLan20 = new(0x0250570001F2);

    private static readonly Regex ServerId =
        new("(\"(?:dhcp\\.option\\.dhcp_server_id|dhcp_dhcp_option_dhcp_server_id|option\\.dhcp_server_id)\"\\s*:\\s*\")[^\"]*\"");
    private static readonly Regex FrameSender = new("\"(?:eth\\.src|eth_eth_src|src)\"\\s*:\\s*\"([0-9a-f:]+)\"");

    /// <summary>The ACKs of a capture with the frame sender each came from.</summary>
    private static List<(byte[] Record, BindingEvidence Ack)> Acks(string fixture) =>
        TestData.Lines(TestData.Fixture(fixture))
            .Select(r => (Record: r, Sender: FrameSender.Match(Encoding.UTF8.GetString(r))))
            .Select(r => (r.Record, Ok: BindingExtractor.TryRead(r.Record, MacAddress.TryParse(r.Sender.Groups[1].Value, out var m) ? m : null, out var e), e))
            .Where(r => r.Ok && r.e.Source == BindingSource.DhcpAck).Select(r => (r.Record, r.e)).ToList();

    private static BindingEvidence Rewritten(byte[] record, MacAddress? sender, string? serverId)
    {
        var text = Encoding.UTF8.GetString(record);
        var forged = serverId is null
            ? ServerId.Replace(text, m => m.Groups[1].Value.Replace("server_id", "server_id_removed") + "\"", 1)
            : ServerId.Replace(text, m => m.Groups[1].Value + serverId + "\"", 1);
        Assert.That(forged, Is.Not.EqualTo(text), "the server identifier was found");
        Assert.That(BindingExtractor.TryRead(Encoding.UTF8.GetBytes(forged), sender, out var evidence), Is.True);
        return evidence;
    }

    [TestCase("routed-lan.json.ndjson")]
    [TestCase("routed-lan.ek.ndjson")]
    [TestCase("routed-uplink.json.ndjson")]
    [TestCase("routed-uplink.ek.ndjson")]
    public void Without_a_list_the_first_server_to_answer_is_known_and_an_ack_naming_another_is_a_rogue_servers(string fixture)
    {
        var acks = Acks(fixture);
        Assert.That(acks, Is.Not.Empty);
        Assert.That(acks.Select(a => a.Ack.ServerId), Is.All.EqualTo(Server), "every ACK names the one server");
        var gate = new EvidenceGate(new IpBindings());
        foreach (var (_, ack) in acks) Assert.That(gate.Learn(ack, 1_796_090_654_000).Outcome, Is.Not.EqualTo(LearnOutcome.RogueServer));

        var (record, genuine) = acks[0];
        var rogue = Rewritten(record, genuine.FrameSender, "192.168.10.66");
        var fresh = new IpBindings();
        var another = new EvidenceGate(fresh);
        Assert.That(another.Learn(acks[^1].Ack, 1_796_090_654_000).Outcome, Is.Not.EqualTo(LearnOutcome.RogueServer), "the server answers first");
        Assert.That(another.Learn(rogue with { Address = IpAddressKey.FromIPv4(0xC0A80A63) }, 1_796_090_655_000).Outcome,
            Is.EqualTo(LearnOutcome.RogueServer));
        Assert.That(another.RogueServerAcks, Is.EqualTo(1));
        Assert.That(fresh.IntervalsOf(IpAddressKey.FromIPv4(0xC0A80A63)), Is.Empty, "the rogue's lease binds nothing");
    }

    [TestCase("routed-lan.json.ndjson")]
    [TestCase("routed-lan.ek.ndjson")]
    public void An_ack_without_a_server_identifier_is_never_believed(string fixture)
    {
        var (record, genuine) = Acks(fixture)[0];
        var anonymous = Rewritten(record, genuine.FrameSender, serverId: null);
        Assert.That(anonymous.ServerId, Is.Null);
        var gate = new EvidenceGate(new IpBindings());
        Assert.That(gate.Learn(anonymous, 1_796_090_654_000).Outcome, Is.EqualTo(LearnOutcome.RogueServer));
        Assert.That(gate.Bindings.AddressCount, Is.Zero);
    }

    [TestCase("routed-lan.json.ndjson")]
    [TestCase("routed-lan.ek.ndjson")]
    public void A_list_of_known_servers_believes_their_acks_only_by_mac_or_by_identifier(string fixture)
    {
        var acks = Acks(fixture);
        Assert.That(acks.Select(a => a.Ack.FrameSender).Distinct(), Is.EquivalentTo(new MacAddress?[] { RelayLan10, RelayLan20 }));

        // Only the relay of the 192.168.10.0/24 subnet is listed: the other subnet's ACKs are not believed.
        var byMac = new EvidenceGate(new IpBindings(), new KnownDhcpServers([], [RelayLan10]), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        foreach (var (_, ack) in acks)
        {
            var outcome = byMac.Learn(ack, 1_796_090_654_000).Outcome;
            Assert.That(outcome == LearnOutcome.RogueServer, Is.EqualTo(ack.FrameSender == RelayLan20), $"ACK for {ack.Address} via {ack.FrameSender}");
        }

        // The server's identifier listed: every ACK naming it is believed, one naming another is not, even the first.
        var byAddress = new EvidenceGate(new IpBindings(), new KnownDhcpServers([Server], []), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var (record, genuine) = acks[0];
        Assert.That(byAddress.Learn(Rewritten(record, genuine.FrameSender, "192.168.10.66"), 1_796_090_654_000).Outcome, Is.EqualTo(LearnOutcome.RogueServer));
        foreach (var (_, ack) in acks) Assert.That(byAddress.Learn(ack, 1_796_090_654_000).Outcome, Is.Not.EqualTo(LearnOutcome.RogueServer));
    }

    /// <summary>A RELEASE (routed: its frame is the relay's) ends the claim of the MAC it names, no other's, and is counted.</summary>
    [TestCase("routed-lan.json.ndjson")]
    [TestCase("routed-lan.ek.ndjson")]
    [TestCase("routed-uplink.ek.ndjson")]
    public void A_release_ends_only_the_claim_of_the_mac_it_names_and_is_counted(string fixture)
    {
        var release = TestData.Lines(TestData.Fixture(fixture))
            .Select(r => BindingExtractor.TryRead(r, null, out var e) ? e : default)
            .First(e => e.Source == BindingSource.DhcpRelease && e.Flaw == EvidenceFlaw.None);
        var other = new MacAddress(0x0250570000AA);
        var gate = new EvidenceGate(new IpBindings());
        const long t = 1_796_090_650_000;
        gate.Learn(new BindingEvidence(BindingSource.Arp, release.Mac, release.Address, null), t);
        gate.Learn(new BindingEvidence(BindingSource.Arp, other, release.Address, null), t + 1_000);
        Assert.That(gate.Learn(release, t + 2_000).Outcome, Is.EqualTo(LearnOutcome.Released));
        Assert.That(gate.Releases, Is.EqualTo(1));
        var claimants = new List<MacAddress>();
        foreach (var claim in gate.Bindings.ClaimsAt(release.Address, t + 3_000)) claimants.Add(claim.Mac);
        Assert.That(claimants, Is.EqualTo(new[] { other }), "the named MAC's claim ended; the other host's runs on");
    }

    [Test]
    public void The_2018_plain_names_carry_the_server_identifier_too()
    {
        const string ack = """
            {"_source":{"layers":{"frame":{"protocols":"eth:ethertype:ip:udp:dhcp","time_epoch":"1796090653.2"},
             "eth":{"dst":"ff:ff:ff:ff:ff:ff","src":"02:50:57:00:00:01"},"ip":{"src":"192.168.77.1","dst":"255.255.255.255"},
             "udp":{"srcport":"67","dstport":"68"},
             "dhcp":{"option.dhcp":"5","hw.mac_addr":"02:50:57:00:00:02","ip.your":"192.168.77.139","option.dhcp_server_id":"192.168.77.1"}}}}
            """;
        var record = Encoding.UTF8.GetBytes(ack.ReplaceLineEndings(""));
        Assert.That(BindingExtractor.TryRead(record, new MacAddress(0x025057000001), out var genuine), Is.True);
        Assert.That(genuine.ServerId, Is.EqualTo(IpAddressKey.FromIPv4(0xC0A84D01)));
        var rogue = Rewritten(record, genuine.FrameSender, "192.168.77.66");
        var gate = new EvidenceGate(new IpBindings());
        Assert.That(gate.Learn(genuine, 1_796_090_653_200).Outcome, Is.EqualTo(LearnOutcome.Added));
        Assert.That(gate.Learn(rogue with { Address = IpAddressKey.FromIPv4(0xC0A84D99) }, 1_796_090_653_300).Outcome, Is.EqualTo(LearnOutcome.RogueServer));
    }
}
