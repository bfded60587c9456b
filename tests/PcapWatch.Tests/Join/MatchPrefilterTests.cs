using System.Text;
using System.Text.Json;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Join;

/// <summary>
/// The prefilter may only skip work: whenever the reference scan (<see cref="PacketExtractor"/> with the join gate)
/// finds a match, the prefilter must have let the record through. Checked on every sample record and on generated
/// records built to trip it (escapes, spellings, arrays, numbers, decoys, repeated layers).
/// </summary>
public class MatchPrefilterTests
{
    private static readonly string[] OwnFixtures = TestData.OwnPacketFixtures;

    private static readonly string[] SharedSamples = TestData.SharedPacketSamples;

    private static readonly MatchMode[] Modes = [MatchMode.Src, MatchMode.Dst, MatchMode.Both];

    [TestCaseSource(nameof(OwnFixtures))]
    public void Own_fixture_matches_are_never_skipped(string name) => AssertSoundOnSample(TestData.Fixture(name));

    [TestCaseSource(nameof(SharedSamples))]
    public void Shared_sample_matches_are_never_skipped(string relative) => AssertSoundOnSample(TestData.Shared(relative));

    [TestCaseSource(nameof(OwnFixtures))]
    public void Unwatched_fixture_packets_are_skipped_without_the_reader(string name)
    {
        var lines = TestData.Lines(TestData.Fixture(name));
        var gate = new WatchedMacGate(IndexOf(Enumerable.Range(0, 1000).Select(i => new MacAddress(0x0a0000000000L + i))), MatchMode.Both);
        int skipped = lines.Count(l => MatchPrefilter.CannotMatch(l, in gate));
        // Only records with a \u escape or without any Ethernet address need the reader.
        var fields = new PacketFields();
        int needReader = lines.Count(l => l.AsSpan().IndexOf("\\u"u8) >= 0
            || (PacketExtractor.Extract(l, ref fields) == ExtractStatus.Complete && fields.EthSrc is null && fields.EthDst is null));
        Assert.That(skipped, Is.EqualTo(lines.Count - needReader));
        Assert.That(skipped, Is.GreaterThan(lines.Count / 2));
    }

    [TestCase("")]
    [TestCase("not json")]
    [TestCase("[1,2]")]
    [TestCase("{\"a\":1}")]
    [TestCase("{\"_source\":{\"other\":{\"eth\":{\"src\":\"aa:bb:cc:dd:ee:ff\"}}}}")]
    [TestCase("{\"layers\":{\"eth\":[[[[[[]]]]]]}}")]
    [TestCase("{\"layers\":{\"frame\":{\"frame.len\":\"60\"},\"eth\":{\"eth.src\":\"02:00:00:00:00:01\"")]
    public void Records_that_are_not_packets_still_reach_the_reader(string record)
    {
        var gate = new WatchedMacGate(IndexOf([]), MatchMode.Src);
        Assert.That(MatchPrefilter.CannotMatch(Encoding.UTF8.GetBytes(record), in gate), Is.False);
    }

    [Test]
    public void Generated_packets_the_reader_matches_are_never_skipped()
    {
        int matched = 0, skipped = 0;
        var macs = Gen.OneOf(Pool.Select(Gen.Const).ToArray());
        Gen.Select(GeneratedPacket, macs.Array[0, Pool.Length], Gen.OneOf(Modes.Select(Gen.Const).ToArray()))
            .Sample((packet, watched, mode) =>
            {
                var record = Encoding.UTF8.GetBytes(packet);
                var gate = new WatchedMacGate(IndexOf(watched.Select(m => new MacAddress(m))), mode);
                bool matches = ReferenceMatches(record, gate);
                bool cannot = MatchPrefilter.CannotMatch(record, in gate);
                if (matches) Interlocked.Increment(ref matched);
                if (cannot) Interlocked.Increment(ref skipped);
                return !(matches && cannot);
            }, iter: 20_000, print: t => $"{t.Item3} watched [{string.Join(",", t.Item2.Select(m => new MacAddress(m)))}]: {t.Item1}");
        // The generator must exercise both outcomes, or the property proves nothing.
        Assert.That(matched, Is.GreaterThan(1000));
        Assert.That(skipped, Is.GreaterThan(1000));
    }

    [Test]
    public void Generated_answers_the_reader_would_learn_are_never_skipped()
    {
        int learned = 0, skipped = 0;
        var macs = Gen.OneOf(Pool.Select(Gen.Const).ToArray());
        Gen.Select(GeneratedPacket, macs.Array[0, Pool.Length]).Sample((packet, watched) =>
        {
            var record = Encoding.UTF8.GetBytes(packet);
            var gate = new WatchedMacGate(IndexOf(watched.Select(m => new MacAddress(m))), MatchMode.Src, learnsAnswers: true);
            bool reads = ReferenceMatches(record, gate) || ReferenceLearns(record, gate);
            bool cannot = MatchPrefilter.CannotMatch(record, in gate);
            if (reads && ReferenceLearns(record, gate)) Interlocked.Increment(ref learned);
            if (cannot) Interlocked.Increment(ref skipped);
            return !(reads && cannot);
        }, iter: 20_000, print: t => $"watched [{string.Join(",", t.Item2.Select(m => new MacAddress(m)))}]: {t.Item1}");
        Assert.That(learned, Is.GreaterThan(250));
        Assert.That(skipped, Is.GreaterThan(1000));
    }

    [Test]
    public void Generated_packets_of_watched_hosts_are_never_skipped_with_flows_on()
    {
        int read = 0, skipped = 0;
        var macs = Gen.OneOf(Pool.Select(Gen.Const).ToArray());
        Gen.Select(GeneratedPacket, macs.Array[0, Pool.Length], Gen.OneOf(Modes.Select(Gen.Const).ToArray())).Sample((packet, watched, mode) =>
        {
            var record = Encoding.UTF8.GetBytes(packet);
            var gate = new WatchedMacGate(IndexOf(watched.Select(m => new MacAddress(m))), mode, flows: true);
            var fields = new PacketFields();
            // Flows read every packet a watched MAC sends, or receives when it is the record's first dst too (a group
            // destination is nobody's), whatever the mode: judged by the reader without any gate, so that the gate's own
            // rules are under test too.
            bool reads = PacketExtractor.Extract(record, ref fields) == ExtractStatus.Complete
                && ((fields.EthSrc is { } s && gate.IsWatched(s))
                    || (fields.EthDst is { IsGroup: false } d && gate.IsWatched(d) && FirstDestination.Is(record, d)));
            bool cannot = MatchPrefilter.CannotMatch(record, in gate);
            if (reads) Interlocked.Increment(ref read);
            if (cannot) Interlocked.Increment(ref skipped);
            return !(reads && cannot);
        }, iter: 20_000, print: t => $"{t.Item3} watched [{string.Join(",", t.Item2.Select(m => new MacAddress(m)))}]: {t.Item1}");
        Assert.That(read, Is.GreaterThan(1000));
        Assert.That(skipped, Is.GreaterThan(1000));
    }

    [TestCaseSource(nameof(OwnFixtures))]
    public void Own_fixture_answers_are_never_skipped(string name) => AssertAnswersSoundOnSample(TestData.Fixture(name));

    [TestCaseSource(nameof(SharedSamples))]
    public void Shared_sample_answers_are_never_skipped(string relative) => AssertAnswersSoundOnSample(TestData.Shared(relative));

    // MACs whose spellings differ: 0x123456789012 is all decimal digits, so bare it is also a JSON number.
    private static readonly long[] Pool = [0x02505700_0002L, 0x123456789012L, 0xe0a1d718c272L, 0xffffffffffffL, 0x01005e0000fbL];

    private static readonly Gen<string> Whitespace = Gen.OneOf("", " ", "\n  ", "\t");

    /// <summary>A MAC as some value the scan could meet: every spelling, padded, unquoted, inside ek arrays, escaped.</summary>
    private static readonly Gen<string> MacValue = Gen.Select(Gen.OneOf(Pool.Select(Gen.Const).ToArray()), Gen.Int[0, 10], Gen.Int[0, 5],
        (mac, spelling, wrap) =>
        {
            var text = new MacAddress(mac).ToString();
            text = spelling switch
            {
                1 => text.ToUpperInvariant(),
                2 => text.Replace(':', '-'),
                3 => text.Replace(":", "").Insert(8, ".").Insert(4, "."),
                4 => text.Replace(":", ""),
                5 => " " + text + "\t",
                6 => text[..^1] + "\\u00" + ((int)text[^1]).ToString("x2"),
                7 => "not-a-mac",
                _ => text,
            };
            var value = spelling == 8 ? text.Replace(":", "") : "\"" + text + "\"";
            if (spelling == 8 && !value.All(char.IsAsciiDigit)) value = "\"" + value + "\"";
            return wrap switch
            {
                1 => "[" + value + "]",
                2 => "[" + value + ",\"x\"]",
                3 => "[null," + value + "]",
                4 => "[[1]," + value + "]",
                _ => value,
            };
        });

    /// <summary>What a frame layer may say it holds: DNS or not, in an ek array, escaped, or nothing at all.</summary>
    private static readonly Gen<string> ProtocolsValue = Gen.OneOf(Gen.Const("\"eth:ethertype:ip:udp:dns\""),
        Gen.Const("\"eth:ethertype:ip:tcp:tls\""), Gen.Const("[\"eth:ethertype:ipv6:udp:llmnr\"]"),
        Gen.Const("\"eth:ethertype:ip:udp:d\\u006es\""), Gen.Const("null"), Gen.Const("\"eth:ethertype:ip:udp:mdns\""));

    private static readonly Gen<string> GeneratedPacket = Gen.Select(Gen.Int[0, 2], MacValue, MacValue, MacValue, Whitespace,
        Gen.Int[0, 4], Gen.Bool, ProtocolsValue, (shape, src, dst, decoy, ws, twist, ethFirst, protocols) =>
        {
            string Name(string layer, string field) => shape switch
            {
                0 => field,
                1 => layer + "." + field,
                _ => layer + "_" + layer + "_" + field,
            };
            string Prop(string name, string value) => $"\"{name}\"{ws}:{ws}{value}";
            var srcName = twist == 1 ? Name("eth", "sr\\u0063") : Name("eth", "src");
            var eth = "{" + Prop(Name("eth", "dst"), dst) + "," + Prop(srcName, src) + "}";
            var inner = "{" + Prop(Name("eth", "src"), decoy) + "}";
            var ethLayers = twist switch
            {
                2 when shape == 2 => Prop("eth", "[" + eth + "," + inner + "]"),
                2 => Prop("eth", eth) + "," + Prop("eth", inner),
                3 => Prop("eth", "{}") + "," + Prop("eth", eth),
                _ => Prop("eth", eth),
            };
            var frame = Prop("frame", "{" + Prop(Name("frame", "len"), "\"60\"") + "," + Prop(Name("frame", "src"), decoy) + ","
                + Prop(Name("frame", "protocols"), protocols) + "}");
            var ipName = twist == 4 ? "ipv6" : "ip";
            var ip = Prop(ipName, "{" + Prop(Name(ipName, "src"), decoy) + "," + Prop(Name(ipName, "dst"), decoy) + "}");
            var layers = ethFirst ? $"{ethLayers},{frame},{ip}" : $"{frame},{ip},{ethLayers}";
            return shape == 2
                ? "{" + Prop("timestamp", "\"1\"") + "," + Prop("layers", "{" + layers + "}") + "}"
                : "{" + Prop("_source", "{" + Prop("layers", "{" + layers + "}") + "}") + "}";
        });

    private static void AssertSoundOnSample(string path)
    {
        var lines = TestData.Lines(path);
        var seen = new HashSet<MacAddress>();
        var fields = new PacketFields();
        foreach (var line in lines)
        {
            PacketExtractor.Extract(line, ref fields);
            if (fields.EthSrc is { } s) seen.Add(s);
            if (fields.EthDst is { } d) seen.Add(d);
        }
        // Every MAC watched, then every other one: records that match and records that do not, in each mode.
        var everyOther = seen.Where((_, i) => i % 2 == 0);
        foreach (var watched in new[] { seen, everyOther })
        {
            foreach (var mode in Modes)
            {
                var gate = new WatchedMacGate(IndexOf(watched), mode);
                int matches = 0;
                foreach (var (line, i) in lines.Select((l, i) => (l, i)))
                {
                    if (!ReferenceMatches(line, gate)) continue;
                    matches++;
                    Assert.That(MatchPrefilter.CannotMatch(line, in gate), Is.False,
                        $"{Path.GetFileName(path)} record {i + 1} matches in {mode} mode but was prefiltered");
                }
                Assert.That(matches, Is.GreaterThan(0), $"{mode}: no record matched, so nothing was proved");
            }
        }
    }

    /// <summary>
    /// Names on, in src mode: with every MAC watched and then every other one, each record the reader would learn DNS
    /// answers from reaches it, and records sent to unwatched hosts are still skipped.
    /// </summary>
    private static void AssertAnswersSoundOnSample(string path)
    {
        var lines = TestData.Lines(path);
        var seen = new HashSet<MacAddress>();
        var fields = new PacketFields();
        foreach (var line in lines)
        {
            PacketExtractor.Extract(line, ref fields);
            if (fields.EthDst is { IsGroup: false } d) seen.Add(d);
        }
        foreach (var watched in new[] { seen, seen.Where((_, i) => i % 2 == 0) })
        {
            var gate = new WatchedMacGate(IndexOf(watched), MatchMode.Src, learnsAnswers: true);
            var learning = lines.Where(l => ReferenceLearns(l, gate)).ToList();
            Assert.That(learning.Where(l => MatchPrefilter.CannotMatch(l, in gate)), Is.Empty, Path.GetFileName(path));
            // With every destination watched, every DNS message sent to one host is read: otherwise nothing was proved.
            if (watched == seen) Assert.That(learning, Has.Count.EqualTo(DnsRecords(lines)), Path.GetFileName(path));
        }
        var nobody = new WatchedMacGate(IndexOf([]), MatchMode.Src, learnsAnswers: true);
        Assert.That(lines.Count(l => MatchPrefilter.CannotMatch(l, in nobody)), Is.GreaterThanOrEqualTo(lines.Count(l => MatchPrefilter.CannotMatch(l,
            new WatchedMacGate(IndexOf([]), MatchMode.Src)))), "names on, a packet to nobody watched is skipped whenever it is with names off");
    }

    private static int DnsRecords(List<byte[]> lines) => lines.Count(l =>
    {
        var fields = new PacketFields();
        return PacketExtractor.Extract(l, ref fields) == ExtractStatus.Complete && fields.EthDst is { IsGroup: false }
            && DnsMessageRule.MayHoldAnswers(l);
    });

    /// <summary>
    /// The reader's answer rule, by MAC: a DNS message (<see cref="DnsMessageRule"/>) sent to a watched eth.dst that is
    /// also the record's first dst.
    /// </summary>
    private static bool ReferenceLearns(byte[] record, WatchedMacGate gate)
    {
        var fields = new PacketFields();
        return PacketExtractor.Extract(record, ref fields, ref gate) == ExtractStatus.Complete
            && DnsMessageRule.MayHoldAnswers(record) && gate.AnswerClient(in fields) is { } client
            && FirstDestination.Is(record, client);
    }

    /// <summary>
    /// The reference: the reader with the join's gate, as the pipeline ran before the prefilter. The reader reports bad
    /// input by its status; an exception out of it is a failure of the test, not a "no match".
    /// </summary>
    private static bool ReferenceMatches(byte[] record, WatchedMacGate gate)
    {
        var fields = new PacketFields();
        return PacketExtractor.Extract(record, ref fields, ref gate) == ExtractStatus.Complete
            && (gate.TryGetSenders(in fields, 0, out _, out _) || gate.TryGetReceivers(in fields, 0, out _, out _));
    }

    private static WatchIndex IndexOf(IEnumerable<MacAddress> macs)
    {
        var index = new WatchIndex();
        foreach (var mac in macs) index.Set(mac, [new WatchedComputer(mac, "c", "c", "e", "Someone", "e")]);
        return index;
    }
}
