using NUnit.Framework;
using PcapWatch.Flows;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>
/// Issue "From packets to sessions", the service's flow stage: each partition's flows survive a restart and move between
/// instances through checkpoints without a packet lost or counted twice — the records are those of one stage that never
/// stopped — and a quiet partition closes its flows by wall time. Real Confluent.Kafka clients on the hosted broker.
/// </summary>
public class FlowStageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Zeek's idle timeouts and a 5 s grace: nothing ends by wall time while a test runs; the sweepers end every flow.
    private static readonly FlowTimeouts Timeouts = FlowTimeouts.Default;

    [Test]
    public void A_restarted_stage_goes_on_from_its_checkpoint_with_the_flows_open_there()
    {
        using var scenario = new FlowStageScenario();
        var packets = FlowStageScenario.CapturePackets("netns-lan", out _);
        int half = packets.Count / 2;
        // The packet stage writes again what it made since its last commit when it restarts: repeats, by origin.
        scenario.Write([.. packets.Take(half), .. packets.Skip(half - 20).Take(20)]);
        using (var first = scenario.Start(Timeouts))
        {
            Infrastructure.Kafka.WaitUntil(() => first.Progress.Packets == half + 20, Patience, "the first half read");
            Assert.That(first.Progress.Repeats, Is.EqualTo(20));
            Assert.That(first.Progress.OpenFlows, Is.GreaterThan(0), "flows open at the restart");
            first.Stop();
        }
        scenario.Write(packets.Skip(half));
        using var second = scenario.Start(Timeouts);
        var expected = scenario.Expected(Timeouts, packets);
        Infrastructure.Kafka.WaitUntil(() => scenario.Written().Count >= expected.Count, Patience, "the flow records");
        second.Stop();

        Assert.That(second.Progress.Packets, Is.EqualTo(packets.Count - half), "read on from the checkpoint's offsets, not again");
        Assert.That(scenario.Written().Order(StringComparer.Ordinal), Is.EqualTo(expected), "one stage's records, none twice");
        Assert.That(expected.Count(r => r.Contains("\"END_REASON\":\"idle\"", StringComparison.Ordinal)), Is.GreaterThan(0));
    }

    [Test]
    public void Partitions_moving_between_instances_lose_no_packet_and_repeat_only_whole_records()
    {
        using var scenario = new FlowStageScenario(partitions: 4);
        var packets = FlowStageScenario.CapturePackets("names-lan", out _);
        int third = packets.Count / 3;
        scenario.Write(packets.Take(third));
        using var first = scenario.Start(Timeouts);
        Infrastructure.Kafka.WaitUntil(() => first.Progress.Packets == third, Patience, "the first third read");
        using var second = scenario.Start(Timeouts);
        Infrastructure.Kafka.WaitUntil(() => second.Progress.Partitions > 0 && first.Progress.Partitions < 4, Patience,
            "partitions moved to the second");
        scenario.Write(packets.Skip(third));
        var expected = scenario.Expected(Timeouts, packets);
        Infrastructure.Kafka.WaitUntil(() => scenario.Written().Distinct().Count() >= expected.Count, Patience, "the flow records");
        first.Stop();
        second.Stop();

        // Readers recognise a repeat by (C_MACADDR, FLOW_ID, FIRST_SEEN, SEQ): a repeat is the same record, whole.
        Assert.That(scenario.Written().Distinct().Order(StringComparer.Ordinal), Is.EqualTo(expected));
        Assert.That(first.Progress.Packets + second.Progress.Packets, Is.GreaterThanOrEqualTo(packets.Count));
    }

    [Test]
    public void A_quiet_partition_closes_its_flows_by_wall_time_and_unreadable_records_are_skipped()
    {
        using var scenario = new FlowStageScenario();
        var lines = TestData.Lines(TestData.Fixture("netns-lan.json.ndjson"));
        var quick = Timeouts with
        {
            TcpIdle = TimeSpan.FromSeconds(1),
            UdpIdle = TimeSpan.FromSeconds(1),
            IcmpIdle = TimeSpan.FromSeconds(1),
            OtherIdle = TimeSpan.FromSeconds(1),
            Grace = TimeSpan.FromMilliseconds(500),
            Interim = TimeSpan.Zero,
            MaxOpenFlows = 5,
        };
        scenario.WriteRaw(scenario.Topics.WatchedPackets, [("00:00:00:00:00:01", "not a flow packet"), (null, null)]);
        scenario.WriteRaw(scenario.Topics.FlowCheckpoints, [("pcapwatch-flows/0", "PWFC forged"), ("pcapwatch-flows/1", null)]);
        var packets = FlowSamples.Packets(lines);
        scenario.Write(packets);
        using var stage = scenario.Start(quick);
        Infrastructure.Kafka.WaitUntil(() => stage.Progress.Packets == packets.Count + 2, Patience, "every record read");
        Infrastructure.Kafka.WaitUntil(() => stage.Progress.OpenFlows + stage.Progress.WaitingPackets == 0, Patience,
            "every flow closed by wall time");
        // A packet from the capture's first moment, new to the stage, after stream time has moved on by wall time: late.
        var late = packets[0] with { Protocol = Transport.Udp, LocalPort = 65_000, RemotePort = 65_000, PcapOffset = 1_000_000 };
        scenario.Write([late]);
        Infrastructure.Kafka.WaitUntil(() => stage.Progress.Late == 1, Patience, "the late packet counted");
        long evicted = stage.Progress.Evicted; // of the partitions it holds: before it leaves the group
        stage.Stop();

        Assert.That(stage.Progress.Unreadable, Is.EqualTo(2));
        Assert.That(evicted, Is.GreaterThan(0), "more than 5 flows open in a partition at once: those idle longest evicted");
        var records = scenario.Written().Select(v => FlowRecordReader.TryRead(System.Text.Encoding.UTF8.GetBytes(v)))
            .Where(r => r?.LocalPort != 65_000).ToList();
        Assert.That(records, Has.None.Null, "every record reads back");
        TsharkConversations.AssertAgree(records!, "netns-lan");
        Assert.That(records.Select(r => r!.End).Distinct(), Is.SubsetOf(new[] { FlowEnd.Fin, FlowEnd.Rst, FlowEnd.Idle, FlowEnd.Evicted }));
        Assert.That(records.Count(r => r!.End == FlowEnd.Idle), Is.GreaterThan(0), "closed by wall time");
    }
}
