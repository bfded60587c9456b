using System.Text;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;

namespace PcapWatch.IntegrationTests;

/// <summary>The service against the embedded broker: bad records, the start-up gate, commits after matches.</summary>
public class ServiceTests
{
    private const string MacA = "e0:a1:d7:18:c2:72";

    [Test]
    public void Bad_records_are_skipped_and_counted_and_the_good_ones_around_them_match()
    {
        using var h = new ServiceHarness();
        h.Tables(h.Topics.Employees, ("100", """{"key":"100","name":"Tom Jones","watch_flag":"YES"}"""), ("bad", "{not json"));
        h.Computer("1", "100", MacA);
        h.Start();

        byte[][] bad =
        [
            Encoding.UTF8.GetBytes("{\"_source\":{\"layers\":{\"eth\":{\"src\":\"e0:a1"),   // truncated
            Encoding.UTF8.GetBytes("[1,2,3]"),                                              // not a packet
            [],                                                                             // empty
            Encoding.UTF8.GetBytes("{\"layers\":{\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}}"),
            [0xff, 0xfe, 0x7b],                                                             // not UTF-8
        ];
        h.Packets(ServiceHarness.Burst(MacA, "before", 10).Concat(bad).Concat(ServiceHarness.Burst(MacA, "after", 10)).ToArray());
        var summary = h.Stop();

        Assert.That(summary.BadRecords, Is.EqualTo(bad.Length));
        Assert.That(summary.RejectedTableRows, Is.EqualTo(1));
        Assert.That(summary.Matches, Is.EqualTo(20));
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["before"] = 10, ["after"] = 10 }));
    }

    [Test]
    public void Packets_wait_for_the_tables_and_offsets_are_committed_after_the_matches()
    {
        using var h = new ServiceHarness();
        // Packets are in the topic before the service starts; the tables are read first, so none is missed.
        Infrastructure.Kafka.Produce(h.Broker.BootstrapServers, h.Topics.Pcap, ServiceHarness.Burst(MacA, "early", 50));
        h.Employee("100", "Tom Jones", "YES");
        h.Computer("100", "100", MacA);
        h.Start();
        Infrastructure.Kafka.WaitUntil(() => h.Service.Progress.Packets >= 50, TimeSpan.FromSeconds(30), "packets consumed");
        Infrastructure.Kafka.WaitForCommittedToEnd(h.Broker.BootstrapServers, "pcapwatch", h.Topics.Pcap, TimeSpan.FromSeconds(30));
        Assert.That(h.Output(), Has.Count.EqualTo(50), "every match acknowledged before its packet's offset was committed");
        h.Stop();
    }
}
