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
/// Issue "What did they visit?": a DNS answer read by one instance names the connection another instance reads,
/// through IP_NAMES. The names capture split in two: its DNS messages in one pcap partition, everything else in
/// another; two instances of one group (one partition each), then one instance alone: the same records, names and
/// all, either way.
/// </summary>
public class SharedNamesTests
{
    private const string Capture = "names-lan.json.ndjson";

    [Test]
    public void Two_instances_name_as_one_does_with_answers_shared_through_the_topic()
    {
        var two = Run(instances: 2, out var answeredElsewhere);
        var one = Run(instances: 1, out _);

        Assert.That(answeredElsewhere, Is.True, "with two instances, the connections' reader read no DNS message itself");
        Assert.That(two, Is.EquivalentTo(one));
        Assert.That(two.Count(r => r.EndsWith("|dns-answer", StringComparison.Ordinal)), Is.GreaterThan(0),
            "connections named by answers the other instance read");
        Assert.That(two.Count(r => r.EndsWith("|dns-answer-seen", StringComparison.Ordinal)), Is.GreaterThan(0),
            "Alice's pings, by the answer Bob was given");
    }

    /// <summary>
    /// The DNS messages first (partition 0), read to their end and their statements read by every instance, then the
    /// rest (partition 1). Returns every output record as "EMP|DIRECTION|FRAME_TIME|NAME|SOURCE".
    /// </summary>
    private static List<string> Run(int instances, out bool answeredElsewhere)
    {
        using var broker = EmbeddedBroker.Start();
        var topics = TopicNames.Default;
        broker.CreateTopics(TopicLayout.For(topics, pcap: 2, output: 2));
        Infrastructure.Kafka.Produce(broker.BootstrapServers, topics.Employees, Table("names-employees.txt"));
        Infrastructure.Kafka.Produce(broker.BootstrapServers, topics.Computers, Table("names-computers.txt"));
        var frames = TsharkNameFields.Read(TestData.Fixture("names-lan.fields.tsv"));
        var lines = File.ReadLines(TestData.Fixture(Capture)).Where(l => l.Length > 0).ToList();
        var isDns = frames.Select(f => f.OwnSource == "dns").ToList();

        var stop = new CancellationTokenSource();
        var services = new List<(PcapWatchPipeline Service, Task<PipelineSummary> Running, string Dir)>();
        try
        {
            for (int i = 0; i < instances; i++) services.Add(Start(broker.BootstrapServers, $"names-{i}", stop.Token));
            Infrastructure.Kafka.WaitUntil(() => services.All(s => s.Service.Progress.AssignedPartitions == 2 / instances),
                TimeSpan.FromSeconds(60), "the two pcap partitions split between the instances");

            long dns = Infrastructure.Kafka.ProduceToPartition(broker.BootstrapServers, topics.Pcap, 0, lines.Where((_, i) => isDns[i]));
            Infrastructure.Kafka.WaitUntil(() => services.Sum(s => s.Service.Progress.Packets) >= dns, TimeSpan.FromSeconds(60), "DNS consumed");
            long published = Infrastructure.Kafka.ReadAll(broker.BootstrapServers, topics.IpNames).Count;
            Assert.That(published, Is.GreaterThan(0), "the answers to Alice and Bob, published");
            Infrastructure.Kafka.WaitUntil(() => services.All(s => s.Service.Progress.NamesRead >= published), TimeSpan.FromSeconds(60),
                "the statements read by every instance");

            long rest = Infrastructure.Kafka.ProduceToPartition(broker.BootstrapServers, topics.Pcap, 1, lines.Where((_, i) => !isDns[i]));
            Infrastructure.Kafka.WaitUntil(() => services.Sum(s => s.Service.Progress.Packets) >= dns + rest, TimeSpan.FromSeconds(60),
                "the rest consumed");
            var connections = services.Single(s => s.Service.Progress.ConsumedRecords(1) > 0);
            answeredElsewhere = instances > 1 && connections.Service.Progress.ConsumedRecords(0) == 0;
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
                v.GetProperty("P_FRAME_TIME").GetString(), v.GetProperty("P_NAME").GetString(), v.GetProperty("P_NAME_SOURCE").GetString()))
            .ToList();
    }

    private static (PcapWatchPipeline, Task<PipelineSummary>, string) Start(string bootstrap, string instanceId, CancellationToken stop)
    {
        var dir = Path.Combine(Path.GetTempPath(), "pcapwatch-it-" + Guid.NewGuid().ToString("N"));
        var service = new PcapWatchPipeline(new PipelineOptions
        {
            BootstrapServers = bootstrap,
            StateDir = dir,
            InstanceId = instanceId,
            Match = MatchMode.Both,
            Names = true,
            ConsumerProperties = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "10" },
        });
        return (service, Task.Factory.StartNew(() => service.Run(stop), TaskCreationOptions.LongRunning), dir);
    }

    /// <summary>A table file's KEY:JSON lines.</summary>
    private static IEnumerable<(string?, string?)> Table(string fixture) => File.ReadLines(TestData.Fixture(fixture)).Where(l => l.Length > 0)
        .Select(l => ((string?)l[..l.IndexOf(':')], (string?)l[(l.IndexOf(':') + 1)..]));
}
