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
    private static readonly string[] Captures = ["netns-lan", "names-lan", "routed-lan", "routed-uplink", "gaps-lan"];

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
    public void Flow_totals_per_five_tuple_are_tsharks_conversations(string capture, string shape) =>
        TsharkConversations.AssertAgree(FlowSamples.FinalFlows(TestData.Lines(TestData.Fixture($"{capture}.{shape}.ndjson")),
            FlowSamples.LongerThanAnyCapture), capture);

    private static readonly FlowOwner[] Owners = [new("e1", "Someone")];
}
