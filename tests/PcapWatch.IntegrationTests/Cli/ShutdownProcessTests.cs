using System.Text.Json;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using KafkaTest = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// `pcapwatch run` as a process: SIGTERM while the broker is down ends the process within its shutdown timeout, and
/// every line it wrote to stderr — librdkafka's own complaints about the outage included — is a Serilog JSON event.
/// </summary>
public class ShutdownProcessTests
{
    private string _scratch = null!;

    [SetUp]
    public void Scratch() => _scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-shutdown-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void Remove()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    [Test]
    public void Sigterm_during_a_broker_outage_ends_within_the_shutdown_timeout_with_json_logs_only()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default, pcap: 2));
        KafkaTest.Produce(broker.BootstrapServers, TopicNames.Default.Employees, [("100", """{"key":"100","name":"Tom","watch_flag":"YES"}""")]);

        using var run = CliProcess.Start("--log-format", "json", "run", "-b", broker.BootstrapServers, "--state-dir",
            Path.Combine(_scratch, "state"), "--shutdown-timeout", "3", "--status-interval", "0");
        run.WaitForLog("Joining", TimeSpan.FromSeconds(60));
        broker.SetDown();
        // librdkafka notices (its connections drop), and says so through Serilog.
        KafkaTest.WaitUntil(() => run.Stderr.Any(l => l.Contains("\"SourceContext\":\"librdkafka\"", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "librdkafka's log of the outage");
        run.Terminate();
        Assert.That(run.WaitForExit(TimeSpan.FromSeconds(60)), Is.Zero);

        foreach (var line in run.Stderr)
        {
            Assert.DoesNotThrow(() => JsonDocument.Parse(line).Dispose(), $"not a JSON log event: {line}");
        }
    }
}
