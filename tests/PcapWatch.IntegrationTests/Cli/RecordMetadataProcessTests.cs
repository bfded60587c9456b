using System.Text.Json;
using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using KafkaTest = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// `pcapwatch run` as a process, against what Kafka says about records rather than what they hold: a timestamp no date
/// can hold stops nothing, and a broker that keeps refusing what the service writes stops it in bounded time, with
/// exit code 3 and one line, having committed nothing past the refused records.
/// </summary>
public class RecordMetadataProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private const string Tom = TomWatched.Mac;
    private const short ProduceApi = 0;
    private const int MessageSizeTooLarge = 10; // the topic's max.message.bytes below the record's size
    private readonly TopicNames _topics = TopicNames.Default;
    private string _scratch = null!;

    [SetUp]
    public void Scratch() => _scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-metadata-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void Remove()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }


    private CliProcess StartRun(string bootstrap, params string[] extra) =>
        CliProcess.Start(["run", "-b", bootstrap, "--state-dir", Path.Combine(_scratch, "state"), .. extra]);

    [Test]
    public void Packets_stamped_past_the_year_9999_are_matched_with_their_timestamps_and_stop_nothing()
    {
        using var broker = TomWatched.Broker();
        using var run = StartRun(broker.BootstrapServers);
        run.WaitForLog("Joining", Patience);

        long year10000 = 253_402_300_800_000; // 10000-01-01T00:00:00Z, one millisecond past what a date can hold
        var stamps = new[] { year10000, long.MaxValue, 1L, 1_700_000_000_000 };
        KafkaTest.ProduceTimed(broker.BootstrapServers, _topics.Pcap,
            stamps.Select((ms, i) => (TestPackets.Recipe(Tom, $"stamped-{i}"), new Timestamp(ms, TimestampType.CreateTime))));
        KafkaTest.WaitForCommittedToEnd(broker.BootstrapServers, "pcapwatch", _topics.Pcap, Patience);

        Assert.That(run.HasExited, Is.False, () => "the instance stopped:\n" + string.Join("\n", run.Logs));
        var matched = KafkaTest.ReadTimedRaw(broker.BootstrapServers, _topics.Output).Select(r => r.TimestampMs).ToList();
        Assert.That(matched, Is.EquivalentTo(stamps), "each match keeps its packet's timestamp, whatever it says");
        run.Terminate();
        Assert.That(run.WaitForExit(Patience), Is.Zero, () => string.Join("\n", run.Logs));
    }

    [Test]
    public void Records_the_broker_keeps_refusing_stop_run_with_exit_3_and_one_line_having_committed_nothing_past_them()
    {
        using var broker = TomWatched.Broker();
        KafkaTest.Produce(broker.BootstrapServers, _topics.Pcap, Enumerable.Range(0, 5).Select(i => TestPackets.Recipe(Tom, $"refused-{i}")));
        // As topics whose max.message.bytes was set below what PcapWatch writes: every produce request is refused for good.
        broker.FailRequests(ProduceApi, 1_000_000, MessageSizeTooLarge);

        using var run = StartRun(broker.BootstrapServers, "--refused-record-timeout", "3", "--status-interval", "0.5");
        Assert.That(run.WaitForExit(Patience), Is.EqualTo(3), () => string.Join("\n", run.Logs));

        var fatal = run.Events.Where(e => e.TryGetProperty("@l", out var level) && level.GetString() == "Fatal").Select(LogEvents.Render).ToList();
        Assert.That(fatal, Has.Count.EqualTo(1));
        Assert.That(fatal[0], Does.Match("refused records for topic '(WATCHED_EMP_NETWORK_TRAFFIC|COMP_WATCH_BY_MACADDR)'")
            .And.Contain("MsgSizeTooLarge").And.Contain("nothing was committed past them"));
        Assert.That(run.Logs, Has.Some.Contains("The broker refused").And.Some.Match(@"commits_blocked_s=[1-9]"),
            "the refusal was told when it began, and the status line showed the commits blocked");
        broker.ClearRequestFailures(ProduceApi);
        Assert.That(KafkaTest.CommittedTotal(broker.BootstrapServers, "pcapwatch", _topics.Pcap), Is.Zero, "nothing committed");
    }
}
