using System.Text;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>The service against the embedded broker: bad records, the start-up gate, commits after matches.</summary>
public class ServiceTests
{
    private const string MacA = "e0:a1:d7:18:c2:72";

    [Test]
    public void Bad_records_go_to_the_dead_letter_topics_with_their_reason_and_the_good_ones_around_them_match()
    {
        using var h = new ServiceHarness();
        h.Tables(h.Topics.Employees, ("100", """{"key":"100","name":"Tom Jones","watch_flag":"YES"}"""), ("bad", "{not json"));
        h.Computer("1", "100", MacA);
        h.Start();

        (byte[] Value, string Reason)[] bad =
        [
            (Encoding.UTF8.GetBytes("{\"_source\":{\"layers\":{\"eth\":{\"src\":\"e0:a1"), "invalid_json"), // truncated
            (Encoding.UTF8.GetBytes("[1,2,3]"), "not_a_packet"),
            ([], "empty"),
            (Encoding.UTF8.GetBytes("{\"layers\":{\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}}"), "too_deep"),
            ([0xff, 0xfe, 0x7b], "invalid_json"),                                          // not UTF-8
        ];
        h.Packets(ServiceHarness.Burst(MacA, "before", 10).Concat(bad.Select(b => b.Value))
            .Concat(ServiceHarness.Burst(MacA, "after", 10)).ToArray());
        var summary = h.Stop();

        Assert.That(summary.Matches, Is.EqualTo(20));
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["before"] = 10, ["after"] = 10 }));
        Assert.That(summary.DeadLettered, Is.EqualTo(bad.Length + 1));
        Assert.That(summary.DeadLetteredByReason["invalid_json"], Is.EqualTo(3), "two packets and the table row");

        var letters = Infrastructure.Kafka.ReadRaw(h.Broker.BootstrapServers, h.Topics.PcapDeadLetters);
        Assert.That(letters.Select(l => (l.Value ?? []).ToArray()), Is.EquivalentTo(bad.Select(b => b.Value)), "original bytes");
        Assert.That(letters.Select(l => l.Headers["pcapwatch.reason"]), Is.EquivalentTo(bad.Select(b => b.Reason)));
        Assert.That(letters.Select(l => l.Headers["pcapwatch.source.topic"]), Is.All.EqualTo("pcap"));
        Assert.That(letters.Select(l => (l.Headers["pcapwatch.source.partition"], l.Headers["pcapwatch.source.offset"])), Is.Unique);
        var table = Infrastructure.Kafka.ReadRaw(h.Broker.BootstrapServers, h.Topics.EmployeesDeadLetters).Single();
        Assert.That(Encoding.UTF8.GetString(table.Value!), Is.EqualTo("{not json"));
        Assert.That(table.Headers["pcapwatch.reason"], Is.EqualTo("invalid_json"));
    }

    [Test]
    public void A_pcap_dead_letter_keeps_the_original_key_value_and_headers()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", MacA);
        h.Start();
        using (var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(PcapWatch.Kafka.ClientSettings.Producer(h.Broker.BootstrapServers)).Build())
        {
            producer.Produce(h.Topics.Pcap, new Confluent.Kafka.Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes("sensor-7"),
                Value = Encoding.UTF8.GetBytes("{not a packet"),
                Headers = new Confluent.Kafka.Headers { { "capture.host", Encoding.UTF8.GetBytes("tap-1") }, { "capture.note", null } },
            });
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        Infrastructure.Kafka.WaitUntil(() => h.Service.Progress.Packets >= 1, TimeSpan.FromSeconds(30), "the record consumed");
        Assert.That(h.Stop().DeadLettered, Is.EqualTo(1));

        var letter = Infrastructure.Kafka.ReadRaw(h.Broker.BootstrapServers, h.Topics.PcapDeadLetters).Single();
        Assert.That(Encoding.UTF8.GetString(letter.Value!), Is.EqualTo("{not a packet"));
        Assert.That(Encoding.UTF8.GetString(letter.Key!), Is.EqualTo("sensor-7"));
        Assert.That(letter.Headers["pcapwatch.reason"], Is.EqualTo("invalid_json"));
        Assert.That((letter.Headers["capture.host"], letter.Headers["capture.note"]), Is.EqualTo(("tap-1", (string?)null)),
            "the packet's own headers, a null value included");
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
