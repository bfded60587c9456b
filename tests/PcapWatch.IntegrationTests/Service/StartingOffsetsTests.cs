using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using Topics = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>
/// A new group's partitions start where the reset policy says without librdkafka's 100 ms reset backoff (the service
/// asks for the committed offsets itself): from the beginning by default (every other service test), and at the end
/// when the user sets <c>auto.offset.reset=latest</c>.
/// </summary>
public class StartingOffsetsTests
{
    private const string Tom = "e0:a1:d7:18:c2:72";

    [Test]
    public void With_auto_offset_reset_latest_a_new_group_starts_at_the_end()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", Tom);
        Topics.Produce(h.Broker.BootstrapServers, h.Topics.Pcap, ServiceHarness.Burst(Tom, "before", 4));
        h.Start(configure: o => o with
        {
            ConsumerProperties = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "10", ["auto.offset.reset"] = "latest" },
        });
        Topics.WaitUntil(() => h.Service.Progress.AssignedPartitions == 4, TimeSpan.FromSeconds(30), "pcap partitions assigned");
        // A packet is read once its partition's start is resolved after the assignment: write until one is matched.
        Topics.WaitUntil(() =>
        {
            Topics.Produce(h.Broker.BootstrapServers, h.Topics.Pcap, ServiceHarness.Burst(Tom, "after", 4));
            return h.OutputByLabel().ContainsKey("after");
        }, TimeSpan.FromSeconds(30), "a packet written after the start matched");
        h.Stop();
        Assert.That(h.OutputByLabel().Keys, Is.EqualTo(new[] { "after" }), "nothing written before the start");
    }
}
