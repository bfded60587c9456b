using System.Text;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Flows;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Packets;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>
/// Issue "From packets to sessions", the packet stage's half: with flows on, every packet a watched MAC sends or
/// receives reaches <c>WATCHED_EMP_PACKETS</c> once per watched host, keyed by the host, with its pcap origin — whatever
/// the match mode (here the recipe's, eth.src only) — and the flows made from that topic are tshark's conversations.
/// </summary>
public class FlowPacketsTests
{
    [TestCase("netns-lan")]
    [TestCase("names-lan")]
    public void Every_watched_hosts_packets_reach_the_topic_in_both_directions_and_make_tsharks_conversations(string capture)
    {
        var lines = TestData.Lines(TestData.Fixture($"{capture}.json.ndjson"));
        var hosts = FlowSamples.Hosts(lines).ToList();
        using var broker = EmbeddedBroker.Start();
        var topics = TopicNames.Default;
        broker.CreateTopics(TopicLayout.For(topics, pcap: 2, output: 2));
        Infrastructure.Kafka.Produce(broker.BootstrapServers, topics.Employees,
            hosts.Select((_, i) => ((string?)$"E{i}", (string?)$"{{\"key\":\"E{i}\",\"name\":\"Host {i}\",\"watch_flag\":\"YES\"}}")));
        Infrastructure.Kafka.Produce(broker.BootstrapServers, topics.Computers,
            hosts.Select((mac, i) => ((string?)$"{i}", (string?)$"{{\"comp_id\":{i},\"empkey\":\"E{i}\",\"macaddr\":\"{mac}\"}}")));

        var dir = Path.Combine(Path.GetTempPath(), "pcapwatch-it-" + Guid.NewGuid().ToString("N"));
        var service = new PcapWatchPipeline(new PipelineOptions
        {
            BootstrapServers = broker.BootstrapServers,
            StateDir = dir,
            Flows = true,
            ConsumerProperties = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "10" },
        });
        using var stop = new CancellationTokenSource();
        var running = Task.Factory.StartNew(() => service.Run(stop.Token), TaskCreationOptions.LongRunning);
        try
        {
            Infrastructure.Kafka.Produce(broker.BootstrapServers, topics.Pcap, lines);
            Infrastructure.Kafka.WaitUntil(() => service.Progress.Packets >= lines.Count, TimeSpan.FromSeconds(60), "the capture consumed");
        }
        finally
        {
            stop.Cancel();
            running.GetAwaiter().GetResult();
            Directory.Delete(dir, recursive: true);
        }

        var records = Infrastructure.Kafka.ReadRaw(broker.BootstrapServers, topics.WatchedPackets);
        var packets = records.Select(r =>
        {
            Assert.That(MatchOrigin.TryDecode(Encoding.UTF8.GetBytes(r.Headers[MatchOrigin.Header]!), out var origin), Is.True);
            var packet = FlowPacketCodec.TryDecode(r.Value, origin.Partition, origin.Offset, origin.Index);
            Assert.That(packet, Is.Not.Null, "a record the flow stage cannot read");
            Assert.That(Encoding.UTF8.GetString(r.Key!), Is.EqualTo(packet!.Host.ToString()), "keyed by the host");
            return packet;
        }).ToList();
        // Each IP packet once per watched host it was sent by or to, and nothing else.
        Assert.That(packets, Has.Count.EqualTo(FlowSamples.Packets(lines).Count));
        Assert.That(packets.Select(p => (p.PcapPartition, p.PcapOffset, p.Host)).Distinct().Count(), Is.EqualTo(packets.Count));
        Assert.That(packets.Count(p => !p.Outgoing), Is.GreaterThan(0), "received packets too, though the match mode is src");

        var partition = new FlowPartition(FlowSamples.LongerThanAnyCapture with { Grace = TimeSpan.FromDays(1) });
        var flows = new List<FlowRecord>();
        foreach (var packet in packets) partition.Add(packet, flows);
        partition.EndAll(FlowEnd.End, flows);
        TsharkConversations.AssertAgree(flows, capture);
        Assert.That(flows.Where(f => f.Final).Select(f => f.Owner.EmpName).Distinct().Count(), Is.GreaterThan(1), "owners from the tables");
    }
}
