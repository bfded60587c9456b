using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Output;
using KafkaTest = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>
/// Nothing lost on the side paths, and a shutdown that ends: through the real service against the embedded broker,
/// with faults injected into the broker (refused produce requests, a broker that never answers).
/// </summary>
public class SidePathAndShutdownTests
{
    private const string Tom = "e0:a1:d7:18:c2:72";
    private const short ProduceApi = 0;
    private const int NotEnoughReplicas = 19; // retriable: librdkafka keeps the records in flight
    private const int InvalidRecord = 87;     // not retriable: the delivery fails

    [Test]
    public void Stopping_while_the_broker_refuses_the_output_ends_within_the_shutdown_timeout_and_commits_nothing_past_it()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", Tom);
        KafkaTest.Produce(h.Broker.BootstrapServers, h.Topics.Pcap, ServiceHarness.Burst(Tom, "outage", 20));
        h.Broker.FailRequests(ProduceApi, 100_000, NotEnoughReplicas);

        h.Start(configure: o => o with { ShutdownTimeout = TimeSpan.FromSeconds(3) });
        KafkaTest.WaitUntil(() => h.Service.Progress.Matches >= 20, TimeSpan.FromSeconds(30), "matches produced (not acknowledged)");
        h.Stop();
        // The bound, by the service's own account: it gave up on the unacknowledged output at the 3 s shutdown timeout.
        var gaveUp = h.Logs.Named("Stopping without committing").Single();
        Assert.That(gaveUp.Long("Timeout"), Is.EqualTo(3));
        Assert.That(gaveUp.Long("InFlight"), Is.GreaterThanOrEqualTo(20), "the matches were still in flight");
        Assert.That(KafkaTest.CommittedTotal(h.Broker.BootstrapServers, "pcapwatch", h.Topics.Pcap), Is.Zero,
            "nothing committed past unacknowledged matches");

        h.Broker.ClearRequestFailures(ProduceApi);
        h.Start();
        KafkaTest.WaitForCommittedToEnd(h.Broker.BootstrapServers, "pcapwatch", h.Topics.Pcap, TimeSpan.FromSeconds(60));
        h.Stop();
        Assert.That(h.OutputByLabel()["outage"], Is.GreaterThanOrEqualTo(20), "every packet matched after the restart");
    }

    [Test]
    public void Refused_matches_and_changelog_records_are_produced_again_before_the_commit()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", Tom);
        // All in partition 0, in order: packet refused-i is at offset i.
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(h.Broker.BootstrapServers)).Build())
        {
            foreach (var packet in ServiceHarness.Burst(Tom, "refused", 10))
            {
                producer.Produce(new TopicPartition(h.Topics.Pcap, 0), new Message<byte[]?, byte[]?> { Value = packet });
            }
            Assert.That(producer.Flush(TimeSpan.FromSeconds(30)), Is.Zero);
        }
        // The service's first produce requests (the changelog's reconcile, the first matches) are refused for good.
        h.Broker.FailRequests(ProduceApi, 3, InvalidRecord);
        // At each commit the service reports, on its own thread and before it can produce anything more: the matches of
        // every packet below the committed offset are in the output, and the changelog has been made good.
        var missingAtCommit = new List<string>();
        h.Logs.OnEvent = e =>
        {
            if (!e.Template.StartsWith("Committed pcap offsets", StringComparison.Ordinal)) return;
            var committed = ((string)e.Properties["Offsets"]!).Split(',').Select(p => p.Split(':')).Where(p => p[0] == "0")
                .Select(p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();
            var output = h.Output().Select(r => r.GetProperty("P_FRAME_TIME").GetString()).ToHashSet();
            missingAtCommit.AddRange(Enumerable.Range(0, committed).Select(i => $"refused-{i}").Where(l => !output.Contains(l)));
            if (committed > 0 && !h.Changelog().Contains($"{Tom}=Tom")) missingAtCommit.Add("changelog");
        };

        h.Start();
        KafkaTest.WaitForCommittedToEnd(h.Broker.BootstrapServers, "pcapwatch", h.Topics.Pcap, TimeSpan.FromSeconds(60));
        h.Stop();

        Assert.That(h.Logs.Named("{Count} output records were refused"), Is.Not.Empty, "the broker did refuse output");
        Assert.That(h.Logs.Named("Committed pcap offsets"), Is.Not.Empty, "the service committed");
        Assert.That(missingAtCommit, Is.Empty, "nothing committed before its matches were acknowledged");
        Assert.That(h.Output().Select(r => r.GetProperty("P_FRAME_TIME").GetString()), Is.SupersetOf(Enumerable.Range(0, 10).Select(i => $"refused-{i}")),
            "no match lost");
    }

    [Test]
    public void A_watched_packet_whose_match_would_exceed_an_output_record_is_dead_lettered_and_the_pipeline_goes_on()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", Tom);
        h.Start();
        // 3 MB of bytes that are not UTF-8 in one column: the match would hold 9 MB of U+FFFD, past what the producer takes.
        var text = System.Text.Encoding.UTF8.GetString(TestPackets.Recipe(Tom, "hostile", protocols: "PLACEHOLDER"));
        int at = text.IndexOf("PLACEHOLDER", StringComparison.Ordinal);
        byte[] hostile = [.. System.Text.Encoding.UTF8.GetBytes(text[..at]), .. Enumerable.Repeat((byte)0xFF, 3_000_000),
            .. System.Text.Encoding.UTF8.GetBytes(text[(at + "PLACEHOLDER".Length)..])];
        h.Packets(hostile);
        h.Packets(ServiceHarness.Burst(Tom, "after", 2));
        h.Stop();

        var letter = KafkaTest.ReadRaw(h.Broker.BootstrapServers, h.Topics.PcapDeadLetters).Single();
        Assert.That(letter.Headers[DeadLetterWriter.ReasonHeader], Is.EqualTo(RejectionCodes.MatchTooLarge));
        Assert.That(letter.Headers[DeadLetterWriter.TruncatedHeader], Is.EqualTo(hostile.Length.ToString()), "the packet, cut to fit");
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["after"] = 2 }), "the pipeline went on");
    }

    [Test]
    public void A_dead_letter_larger_than_the_broker_takes_is_cut_to_fit_and_says_how_large_it_was()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", Tom);
        h.Start();
        var huge = new byte[1_500_000];
        Array.Fill(huge, (byte)'x');
        h.Packets(huge);
        h.Packets(ServiceHarness.Burst(Tom, "after", 2));
        h.Stop();

        var letter = KafkaTest.ReadRaw(h.Broker.BootstrapServers, h.Topics.PcapDeadLetters).Single();
        Assert.That(letter.Value!.Length, Is.LessThan(DeadLetterWriter.DefaultMaxBytes));
        Assert.That(letter.Value.All(b => b == (byte)'x'), Is.True, "the head of the original value is kept");
        Assert.That(letter.Headers[DeadLetterWriter.TruncatedHeader], Is.EqualTo("1500000"));
        Assert.That(letter.Headers[DeadLetterWriter.ReasonHeader], Is.EqualTo("invalid_json"));
        Assert.That(h.OutputByLabel()["after"], Is.EqualTo(2), "the pipeline went on");
    }
}
