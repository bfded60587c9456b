using System.Diagnostics;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
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
        var clock = Stopwatch.StartNew();
        h.Stop();
        // Generous: the point is that it ends (it used to wait for the broker forever), not how fast.
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "stop ended");
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
        KafkaTest.Produce(h.Broker.BootstrapServers, h.Topics.Pcap, ServiceHarness.Burst(Tom, "refused", 10));
        // The service's first produce requests (the changelog's reconcile, the first matches) are refused for good.
        h.Broker.FailRequests(ProduceApi, 3, InvalidRecord);

        h.Start();
        KafkaTest.WaitForCommittedToEnd(h.Broker.BootstrapServers, "pcapwatch", h.Topics.Pcap, TimeSpan.FromSeconds(60));
        h.Stop();

        var labels = h.Output().Select(r => r.GetProperty("P_FRAME_TIME").GetString()).ToHashSet();
        Assert.That(labels, Is.SupersetOf(Enumerable.Range(0, 10).Select(i => $"refused-{i}")), "no match lost");
        Assert.That(h.Changelog(), Does.Contain($"{Tom}=Tom"), "the changelog was made good");
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
