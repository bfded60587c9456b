using System.Text;
using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Join;
using PcapWatch.Kafka;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>
/// Bindings learned by one instance attribute packets on another, through IP_MAC_BINDINGS: the routed fixture's LAN
/// capture (where carol's neighbour advertisement binds her IPv6 address) in one pcap partition, its uplink capture
/// (where her IPv6 packets come from the router's MAC) in another, three instances of one group, then one instance
/// alone: the same records either way.
/// </summary>
public class SharedBindingsTests
{
    private const string Lan = "routed-lan.json.ndjson", Uplink = "routed-uplink.json.ndjson";

    [Test]
    public void Three_instances_attribute_as_one_does_with_bindings_shared_through_the_topic()
    {
        var three = Run(instances: 3, out var learnedElsewhere, out var late);
        var one = Run(instances: 1, out _, out _);

        Assert.That(learnedElsewhere, Is.True, "with three instances, the uplink's reader used a binding another instance learned");
        // The late-binding measure: the uplink's reader had every LAN binding before its first packet; the LAN's reader
        // had decided its whole capture before the uplink's ACKs (captured meanwhile) reached it.
        Assert.That(late.Uplink, Is.Zero);
        Assert.That(late.Lan, Is.GreaterThan(0));
        Assert.That(three, Is.EquivalentTo(one));
        Assert.That(three.Count(r => r.Contains("|fd00:20::20|") && r.StartsWith("Carol Routed|out|ip|", StringComparison.Ordinal)),
            Is.EqualTo(RoutedFixture.Count("routed-uplink", "carol_ipv6_src")), "carol's IPv6 packets on the uplink, by her neighbour advertisement on her LAN");
    }

    /// <summary>
    /// At capture time too: alice's laptop handed to Dave mid-capture (samples/routed-computers-history.txt), her
    /// uplink packets attributed by IP to whoever owned it when each was captured, on three instances as on one. With
    /// the LAN capture read first, her ARP on the LAN binds the address she set by hand before her lease too, so all
    /// her uplink packets before the hand-over go to Alice (tshark's count); from it on, Dave gets every one inside her
    /// lease and those after her release that an ARP of hers on the LAN had bound by then (the first after the release
    /// precedes her next ARP: between tshark's lease-only and all-packets counts).
    /// </summary>
    [Test]
    public void Three_instances_attribute_at_capture_time_as_one_does()
    {
        var three = Run(instances: 3, out _, out _, Attribution.CaptureTime);
        var one = Run(instances: 1, out _, out _, Attribution.CaptureTime);

        Assert.That(three, Is.EquivalentTo(one));
        int ByIp(string employee) => three.Count(r => r.StartsWith($"{employee}|out|ip|{RoutedFixture.AliceIp}|", StringComparison.Ordinal));
        Assert.That(ByIp("Alice Routed"), Is.EqualTo(RoutedFixture.Count("routed-uplink", "alice_ip_src_before_owner_change")));
        Assert.That(ByIp("Dave Routed"), Is.InRange(RoutedFixture.Count("routed-uplink", "alice_ip_src_leased_from_owner_change"),
            RoutedFixture.Count("routed-uplink", "alice_ip_src_from_owner_change") - 1));
        Assert.That(three.Where(r => r.Contains($"|ip|{RoutedFixture.AliceIp}|", StringComparison.Ordinal)).Select(r => r[..r.IndexOf('|')]).Distinct(),
            Is.EquivalentTo(new[] { "Alice Routed", "Dave Routed" }));
    }

    /// <summary>
    /// The LAN capture first (partition 0), read to its end and its bindings read by every instance, then the uplink
    /// capture (partition 1). Returns every output record as "EMP|DIRECTION|BY|IP_SRC|FRAME_TIME".
    /// </summary>
    private static List<string> Run(int instances, out bool learnedElsewhere, out (long Lan, long Uplink) late,
        Attribution attribution = Attribution.Latest)
    {
        using var broker = EmbeddedBroker.Start();
        var topics = TopicNames.Default;
        broker.CreateTopics(TopicLayout.For(topics, pcap: 3, output: 2));
        if (attribution == Attribution.CaptureTime)
        {
            // The tables with their history: every row valid from before the capture, the hand-over at its mark.
            Infrastructure.RoutedTables.Produce(broker.BootstrapServers, topics);
        }
        else
        {
            Infrastructure.Kafka.Produce(broker.BootstrapServers, topics.Employees,
            [
                ("E200", """{"key":"E200","name":"Alice Routed","watch_flag":"YES"}"""),
                ("E201", """{"key":"E201","name":"Bob Routed","watch_flag":"NO"}"""),
                ("E202", """{"key":"E202","name":"Carol Routed","watch_flag":"YES"}"""),
            ]);
            Infrastructure.Kafka.Produce(broker.BootstrapServers, topics.Computers,
            [
                ("200", """{"comp_id":200,"empkey":"E200","macaddr":"02:50:57:00:01:02"}"""),
                ("201", """{"comp_id":201,"empkey":"E201","macaddr":"02:50:57:00:01:03"}"""),
                ("202", """{"comp_id":202,"empkey":"E202","macaddr":"02:50:57:00:01:04"}"""),
            ]);
        }

        var stop = new CancellationTokenSource();
        var services = new List<(PcapWatchPipeline Service, Task<PipelineSummary> Running, string Dir)>();
        try
        {
            for (int i = 0; i < instances; i++)
            {
                var dir = Path.Combine(Path.GetTempPath(), "pcapwatch-it-" + Guid.NewGuid().ToString("N"));
                var service = new PcapWatchPipeline(new PipelineOptions
                {
                    BootstrapServers = broker.BootstrapServers,
                    StateDir = dir,
                    InstanceId = $"shared-{i}",
                    Match = MatchMode.Src | MatchMode.Ip,
                    Attribution = attribution,
                    ConsumerProperties = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "10" },
                });
                services.Add((service, Task.Factory.StartNew(() => service.Run(stop.Token), TaskCreationOptions.LongRunning), dir));
            }
            // Every partition assigned before anything is produced: the instances split the three partitions.
            Infrastructure.Kafka.WaitUntil(() => services.All(s => s.Service.Progress.AssignedPartitions == 3 / instances),
                TimeSpan.FromSeconds(60), "the three pcap partitions split between the instances");

            long lanPackets = Infrastructure.Kafka.ProduceToPartition(broker.BootstrapServers, topics.Pcap, 0, Lines(Lan));
            Infrastructure.Kafka.WaitUntil(() => services.Sum(s => s.Service.Progress.Packets) >= lanPackets, TimeSpan.FromSeconds(60), "LAN packets consumed");
            long learned = services.Sum(s => s.Service.Progress.BindingsLearned);
            Assert.That(learned, Is.GreaterThan(0));
            // Each instance has read every binding published so far (its own included) before the uplink is produced.
            long published = Infrastructure.Kafka.ReadAll(broker.BootstrapServers, topics.IpMacBindings).Count;
            Infrastructure.Kafka.WaitUntil(() => services.All(s => s.Service.Progress.BindingsRead >= published), TimeSpan.FromSeconds(60),
                "bindings read by every instance");

            var beforeUplink = services.Select(s => s.Service.Progress.BindingsLearned).ToArray();
            long uplinkPackets = Infrastructure.Kafka.ProduceToPartition(broker.BootstrapServers, topics.Pcap, 1, Lines(Uplink));
            Infrastructure.Kafka.WaitUntil(() => services.Sum(s => s.Service.Progress.Packets) >= lanPackets + uplinkPackets, TimeSpan.FromSeconds(60),
                "uplink packets consumed");
            // The uplink's reader is the instance whose packets count grew by the uplink's; it learned nothing on the LAN
            // when there are three (partitions 0 and 1 went to different instances).
            var uplinkReader = services.Single(s => s.Service.Progress.ConsumedRecords(1) > 0);
            var lanReader = services.Single(s => s.Service.Progress.ConsumedRecords(0) > 0);
            learnedElsewhere = instances > 1 && uplinkReader.Service.Progress.ConsumedRecords(0) == 0;
            long publishedNow = Infrastructure.Kafka.ReadAll(broker.BootstrapServers, topics.IpMacBindings).Count;
            Infrastructure.Kafka.WaitUntil(() => services.All(s => s.Service.Progress.BindingsRead >= publishedNow), TimeSpan.FromSeconds(60),
                "the uplink's bindings read by every instance");
            late = (lanReader.Service.Progress.BindingsLate, uplinkReader.Service.Progress.BindingsLate);
        }
        finally
        {
            stop.Cancel();
            foreach (var s in services)
            {
                s.Running.GetAwaiter().GetResult();
                Directory.Delete(s.Dir, recursive: true);
            }
        }

        return Infrastructure.Kafka.ReadAll(broker.BootstrapServers, topics.Output).Select(r => r.Value!.Value)
            .Select(v => string.Join('|', v.GetProperty("C_EMP_NAME").GetString(), v.GetProperty("DIRECTION").GetString(),
                v.GetProperty("ATTRIBUTED_BY").GetString(), v.GetProperty("P_IP_SRC").GetString(), v.GetProperty("P_FRAME_TIME").GetString()))
            .ToList();
    }

    private static IEnumerable<string> Lines(string fixture) => File.ReadLines(TestData.Fixture(fixture)).Where(l => l.Length > 0);
}
