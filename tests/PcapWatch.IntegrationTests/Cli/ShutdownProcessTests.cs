using System.Text.Json;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using KafkaTest = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// `pcapwatch run` as a process: SIGTERM while the broker is down gives up on the output in flight at its shutdown timeout (and says so), and
/// every line it wrote to stderr — librdkafka's own complaints about the outage included — is a Serilog JSON event.
/// </summary>
public class ShutdownProcessTests
{
    private const short ProduceApi = 0;
    private const int NotEnoughReplicas = 19; // retriable: librdkafka keeps the records in flight
    private string _scratch = null!;

    [SetUp]
    public void Scratch() => _scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-shutdown-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void Remove()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    [Test]
    public void Sigterm_during_a_broker_outage_gives_up_at_the_shutdown_timeout_with_json_logs_only()
    {
        using var broker = TomWatched.Broker();
        KafkaTest.Produce(broker.BootstrapServers, TopicNames.Default.Pcap,
            Enumerable.Range(0, 5).Select(i => TestPackets.Recipe(TomWatched.Mac, $"outage-{i}")));
        // The service's output is never acknowledged (its produce requests are refused with a retriable error), so
        // stopping has matches to wait for: the work the shutdown timeout must cut short.
        broker.FailRequests(ProduceApi, 1_000_000, NotEnoughReplicas);

        using var run = CliProcess.Start("--log-format", "json", "run", "-b", broker.BootstrapServers, "--state-dir",
            Path.Combine(_scratch, "state"), "--shutdown-timeout", "3", "--status-interval", "0.2");
        run.WaitForEvent("Status: ", e => e.Long("Matches") >= 5, TimeSpan.FromSeconds(60));
        broker.SetDown();
        // librdkafka notices (its connections drop), and says so through Serilog.
        KafkaTest.WaitUntil(() => run.Stderr.Any(l => l.Contains("\"SourceContext\":\"librdkafka\"", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "librdkafka's log of the outage");
        run.Terminate();
        Assert.That(run.WaitForExit(TimeSpan.FromSeconds(60)), Is.Zero);

        // The bound, by the program's own account: it gave up on the matches in flight at the 3 s shutdown timeout.
        var gaveUp = run.Events.Where(e => LogEvents.Render(e).StartsWith("Stopping without committing", StringComparison.Ordinal)).ToArray();
        Assert.That(gaveUp, Has.Length.EqualTo(1), () => "one give-up event; log:\n" + string.Join("\n", run.Logs));
        Assert.That(gaveUp[0].Long("Timeout"), Is.EqualTo(3));
        Assert.That(gaveUp[0].Long("InFlight"), Is.GreaterThanOrEqualTo(5), "the matches were still in flight");
        foreach (var line in run.Stderr)
        {
            Assert.DoesNotThrow(() => JsonDocument.Parse(line).Dispose(), $"not a JSON log event: {line}");
        }
    }
}
