using System.Text;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Kafka;
using KafkaTest = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Tools;

/// <summary>
/// Reading a topic to its end (report, who, the changelog reconcile) hands on every record once. The end is checked
/// every thousand records; the record that completed a partition used to be dropped by the check it completed (a
/// million-row read came back one short, and every restart re-published one changelog record).
/// </summary>
public class TopicSnapshotTests
{
    [TestCase(1, 1)]
    [TestCase(1, 999)]
    [TestCase(1, 1000)]
    [TestCase(1, 1001)]
    [TestCase(1, 2001)]
    [TestCase(3, 3003)]
    public void Every_record_up_to_the_end_is_handed_on_once(int partitions, int records)
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopic("snap", partitions);
        KafkaTest.Produce(broker.BootstrapServers, "snap", Enumerable.Range(0, records).Select(i => ((string?)$"k{i}", (string?)$"{{\"n\":{i}}}")));

        var seen = new List<string>();
        TopicSnapshot.Read(broker.BootstrapServers, "snap", null, null, r => seen.Add(Encoding.UTF8.GetString(r.Message.Key!)));

        Assert.That(seen, Has.Count.EqualTo(records));
        Assert.That(seen, Is.EquivalentTo(Enumerable.Range(0, records).Select(i => $"k{i}")));
    }
}
