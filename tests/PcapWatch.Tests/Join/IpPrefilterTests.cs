using System.Text;
using System.Text.Json;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Join;

/// <summary>
/// Attributing by IP, the prefilter may still only skip work: a record the reader would attribute, by MAC or by an IP
/// address bound at its capture time to a watched MAC, is never skipped; a record that may state a binding is always
/// read. Checked on generated records (shapes, spellings, decoys, inner headers, escapes) and on the routed fixtures.
/// </summary>
public class IpPrefilterTests
{
    private static readonly string[] Addresses = ["192.168.10.102", "192.168.10.103", "fd00:20::20", "10.99.0.1", "::ffff:192.168.10.102"];
    private static readonly MacAddress[] Macs = [new(0x025057000102), new(0x025057000103), new(0x025057000104), new(0x0250570001fe)];

    private static readonly Gen<string> Whitespace = Gen.OneOf("", " ", "\n  ");

    private static readonly Gen<string> AddressValue = Gen.Select(Gen.OneOf(Addresses.Select(Gen.Const).ToArray()), Gen.Int[0, 6],
        (address, spelling) => spelling switch
        {
            1 => "[\"" + address + "\"]",
            2 => "[\"" + address + "\",\"x\"]",
            3 => "\"" + address[..^1] + "\\u00" + ((int)address[^1]).ToString("x2") + "\"",
            4 => "\"" + address.ToUpperInvariant() + "\"",
            5 => "null",
            _ => "\"" + address + "\"",
        });

    private static readonly Gen<string> GeneratedPacket = Gen.Select(Gen.Int[0, 2], Gen.Select(AddressValue, AddressValue, AddressValue),
        Gen.OneOf(Macs.Select(m => Gen.Const(m.ToString())).ToArray()), Whitespace, Gen.Int[0, 5], Gen.Int[0, 4],
        (shape, addresses, mac, ws, twist, time) =>
        {
            var (src, dst, decoy) = addresses;
            string Name(string layer, string field) => shape switch
            {
                0 => field,
                1 => layer + "." + field,
                _ => layer + "_" + layer + "_" + field,
            };
            string Prop(string name, string value) => $"\"{name}\"{ws}:{ws}{value}";
            var ipLayer = twist == 1 ? "ipv6" : "ip";
            var frame = Prop("frame", "{" + Prop(Name("frame", "time_epoch"), $"\"{1_000 + time * 100}.5\"") + "}");
            var eth = Prop("eth", "{" + Prop(Name("eth", "src"), $"\"{mac}\"") + "," + Prop(Name("eth", "dst"), "\"02:50:57:00:01:fe\"") + "}");
            var ip = Prop(ipLayer, "{" + Prop(Name(ipLayer, "src"), src) + "," + Prop(Name(ipLayer, "dst"), dst) + "}");
            // An ICMP error quotes the offending packet's header: a second ip layer the reader must not take.
            var inner = twist == 2 ? "," + Prop("icmp", "{" + Prop("ip", "{" + Prop(Name("ip", "src"), decoy) + "}") + "}") : "";
            var second = twist == 3 ? "," + Prop("ip", "{" + Prop(Name("ip", "src"), decoy) + "}") : "";
            var arp = twist == 4 ? "," + Prop("arp", "{" + Prop(Name("arp", "src.hw_mac"), $"\"{mac}\"") + "," + Prop(Name("arp", "src.proto_ipv4"), decoy) + "}") : "";
            var layers = frame + "," + eth + "," + ip + inner + second + arp;
            return shape == 2
                ? "{" + Prop("timestamp", "\"1\"") + "," + Prop("layers", "{" + layers + "}") + "}"
                : "{" + Prop("_source", "{" + Prop("layers", "{" + layers + "}") + "}") + "}";
        });

    /// <summary>Bindings of the pool's addresses to the pool's MACs, each for a while, some watched.</summary>
    private static readonly Gen<(IpBindings Bindings, WatchIndex Index)> State = Gen.Select(
        Gen.Select(Gen.Int[0, Addresses.Length - 1], Gen.Int[0, Macs.Length - 1], Gen.Long[0, 1_500_000], Gen.UInt[1, 600]).Array[0, 6],
        Gen.Bool.Array[Macs.Length],
        (statements, watched) =>
        {
            var bindings = new IpBindings();
            foreach (var (a, m, at, lease) in statements.OrderBy(s => s.Item3))
            {
                IpAddressKey.TryParse(Addresses[a], out var key);
                bindings.Learn(new BindingEvidence(BindingSource.DhcpAck, Macs[m], key, lease), at);
            }
            var index = new WatchIndex();
            for (int i = 0; i < Macs.Length; i++)
            {
                if (watched[i]) index.Set(Macs[i], [new WatchedComputer(Macs[i], "c", "c", "e", "Someone", "e")]);
            }
            return (bindings, index);
        });

    [Test]
    public void Generated_records_the_reader_attributes_are_never_skipped()
    {
        int attributed = 0, skipped = 0;
        Gen.Select(GeneratedPacket, State, Gen.OneOf(Gen.Const(MatchMode.Src | MatchMode.Ip), Gen.Const(MatchMode.Both | MatchMode.Ip),
                Gen.Const(MatchMode.Dst | MatchMode.Ip)))
            .Sample((packet, state, mode) =>
            {
                var record = Encoding.UTF8.GetBytes(packet);
                var gate = new WatchedMacGate(state.Index, mode, state.Bindings);
                bool attributes = ReferenceAttributes(record, gate, state.Bindings);
                bool cannot = MatchPrefilter.CannotMatch(record, in gate);
                if (attributes) Interlocked.Increment(ref attributed);
                if (cannot) Interlocked.Increment(ref skipped);
                return !(attributes && cannot) && !(cannot && BindingExtractor.MayHoldEvidence(record));
            }, iter: 8_000, print: t => $"{t.Item3}: {t.Item1}");
        Assert.That(attributed, Is.GreaterThan(400), "the generator must make records that are attributed");
        Assert.That(skipped, Is.GreaterThan(400), "and records that are skipped");
    }

    [TestCase("routed-uplink.json.ndjson")]
    [TestCase("routed-uplink.ek.ndjson")]
    [TestCase("routed-lan.json.ndjson")]
    [TestCase("routed-lan.ek.ndjson")]
    public void On_the_routed_captures_no_attributed_record_is_skipped(string fixture)
    {
        var lines = TestData.Lines(TestData.Fixture(fixture));
        var index = IpAttributionTests.RoutedIndex();
        var bindings = new IpBindings();
        var learner = new LearningPacketProcessor(index, MatchMode.Both | MatchMode.Ip, bindings);
        int attributed = 0;
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            var gate = new WatchedMacGate(index, MatchMode.Both | MatchMode.Ip, bindings);
            if (ReferenceAttributes(line, gate, bindings))
            {
                attributed++;
                Assert.That(MatchPrefilter.CannotMatch(line, in gate), Is.False, $"{fixture} record {i + 1} is attributed but was prefiltered");
            }
            var sink = new NoSink();
            learner.Process(line, ref sink, out _); // learns the record's binding, if any, for the records after it
        }
        Assert.That(attributed, Is.GreaterThan(0));
    }

    /// <summary>
    /// The reference: the reader (no prefilter), then each side by MAC or by the holder of its address. An exception out of
    /// the reader fails the test: it reports bad input by its status.
    /// </summary>
    private static bool ReferenceAttributes(byte[] record, WatchedMacGate gate, IpBindings bindings)
    {
        bool ClaimedByWatched(ReadOnlySpan<byte> address, long? at)
        {
            if (!IpAddressKey.TryParse(address, out var key)) return false;
            foreach (var claim in bindings.ClaimsAt(key, at))
            {
                if (gate.OwnersOf(claim.Mac, 0, out _)) return true;
            }
            return false;
        }

        var fields = new PacketFields();
        if (PacketExtractor.Extract(record, ref fields, ref gate) != ExtractStatus.Complete) return false;
        long? at = fields.TryGetCaptureTimeMs(record, out long ms) ? ms : null;
        return (gate.JoinsSource && (gate.TryGetSenders(in fields, 0, out _, out _)
                || ClaimedByWatched(fields[PacketField.IpSrc].Of(record), at)))
            || (gate.JoinsDestination && (gate.TryGetReceivers(in fields, 0, out _, out _)
                || ClaimedByWatched(fields[PacketField.IpDst].Of(record), at)));
    }

    private struct NoSink : IMatchSink
    {
        public readonly void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner,
            string? direction, string? attributedBy, bool contested)
        {
        }
    }
}
