using System.Globalization;
using NUnit.Framework;
using PcapWatch.Flows;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Flows;

/// <summary>
/// Flows against tshark's own view of the project's captures (tests/Fixtures/flow-truth.sh): each packet's flow ID is
/// tshark's <c>communityid</c>, and with timeouts longer than the capture, every host's flow totals per 5-tuple are
/// tshark's conversation statistics (<c>-z conv,tcp</c>, <c>-z conv,udp</c>), frames and bytes each way — in both
/// dissection shapes, every MAC of the capture watched.
/// </summary>
public class FlowTruthTests
{
    private static readonly string[] Captures = ["netns-lan", "names-lan", "routed-lan", "routed-uplink"];

    private static IEnumerable<TestCaseData> Cases() =>
        from capture in Captures from shape in new[] { "json", "ek" } select new TestCaseData(capture, shape);

    [TestCaseSource(nameof(Cases))]
    public void Every_packets_flow_id_is_tsharks_community_id(string capture, string shape)
    {
        var truth = File.ReadAllLines(TestData.Fixture($"{capture}.communityid.tsv")).Select(l => l.Split('\t')[1]).ToList();
        var lines = TestData.Lines(TestData.Fixture($"{capture}.{shape}.ndjson"));
        Assert.That(lines, Has.Count.EqualTo(truth.Count));
        int compared = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            var fields = new PacketFields();
            PacketExtractor.Extract(lines[i], ref fields);
            // From the sender's side and from the receiver's: one ID.
            foreach (bool outgoing in new[] { true, false })
            {
                var packet = FlowPacketBuilder.Build(lines[i], in fields, default, outgoing, Owners, null, 0, i, 0);
                if (truth[i].Length == 0)
                {
                    Assert.That(packet, Is.Null, $"frame {i + 1}: tshark gives no community ID");
                    continue;
                }
                Assert.That(packet, Is.Not.Null, $"frame {i + 1} ({truth[i]}) read as no flow");
                Assert.That(FlowKey.Of(packet!).CommunityIdOf(), Is.EqualTo(truth[i]), $"frame {i + 1}, outgoing {outgoing}");
                compared++;
            }
        }
        Assert.That(compared, Is.GreaterThan(lines.Count));
    }

    [TestCaseSource(nameof(Cases))]
    public void Flow_totals_per_five_tuple_are_tsharks_conversations(string capture, string shape)
    {
        var lines = TestData.Lines(TestData.Fixture($"{capture}.{shape}.ndjson"));
        var totals = FlowSamples.FinalFlows(lines, FlowSamples.LongerThanAnyCapture)
            .GroupBy(f => (f.Protocol, Local: (f.LocalIp, f.LocalPort), Remote: (f.RemoteIp, f.RemotePort)))
            .ToDictionary(g => g.Key, g => (Out: (g.Sum(f => f.PacketsOut), g.Sum(f => f.BytesOut)), In: (g.Sum(f => f.PacketsIn), g.Sum(f => f.BytesIn))));
        var conversations = File.ReadAllLines(TestData.Fixture($"{capture}.conv.tsv")).Skip(1).Select(Conversation.Parse).ToList();
        Assert.That(conversations, Is.Not.Empty);
        foreach (var c in conversations)
        {
            // The hosts on side A saw A→B go out and B→A come in; those on side B the reverse. Either side may have none
            // (a broadcast address is nobody's), never both.
            bool fromA = totals.TryGetValue((c.Protocol, c.A, c.B), out var a);
            bool fromB = totals.TryGetValue((c.Protocol, c.B, c.A), out var b);
            Assert.That(fromA || fromB, Is.True, $"{c}: no flow");
            if (fromA) Assert.That((a.Out, a.In), Is.EqualTo((c.AtoB, c.BtoA)), $"{c}, seen from A");
            if (fromB) Assert.That((b.Out, b.In), Is.EqualTo((c.BtoA, c.AtoB)), $"{c}, seen from B");
        }
        // And no TCP or UDP flow that tshark does not list.
        var listed = conversations.SelectMany(c => new[] { (c.Protocol, c.A, c.B), (c.Protocol, c.B, c.A) }).ToHashSet();
        Assert.That(totals.Keys.Where(k => k.Protocol is Transport.Tcp or Transport.Udp && !listed.Contains(k)), Is.Empty);
    }

    private static readonly FlowOwner[] Owners = [new("e1", "Someone")];

    private sealed record Conversation(byte Protocol, (IpAddressKey, ushort) A, (IpAddressKey, ushort) B, (long, long) AtoB, (long, long) BtoA)
    {
        public static Conversation Parse(string line)
        {
            var f = line.Split('\t');
            (IpAddressKey, ushort) End(int at) => (IpAddressKey.TryParse(f[at], out var ip) ? ip : throw new FormatException(f[at]),
                ushort.Parse(f[at + 1], CultureInfo.InvariantCulture));
            long N(int at) => long.Parse(f[at], CultureInfo.InvariantCulture);
            return new Conversation(byte.Parse(f[0], CultureInfo.InvariantCulture), End(1), End(3), (N(5), N(6)), (N(7), N(8)));
        }

        public override string ToString() => $"{Protocol} {A.Item1}:{A.Item2} <-> {B.Item1}:{B.Item2}";
    }
}
