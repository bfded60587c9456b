using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Dashboard;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Tools;

namespace PcapWatch.IntegrationTests.Dashboard;

/// <summary>
/// The health line: with --metrics, the dashboard shows what each instance's Prometheus endpoint says (a real
/// <c>pcapwatch run</c> process here), and an instance that does not answer as not answering — never as healthy.
/// </summary>
public class DashboardHealthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Test]
    public async Task Health_shows_each_instances_metrics_and_an_instance_that_does_not_answer()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-health-" + Guid.NewGuid().ToString("N"));
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default));
        var b = broker.BootstrapServers;
        Infrastructure.Kafka.Produce(b, "employees", [("E100", """{"key":"E100","name":"Alice Example","watch_flag":"YES"}""")]);
        Infrastructure.Kafka.Produce(b, "computers", [("1", """{"comp_id":1,"empkey":"E100","macaddr":"02:50:57:00:00:02"}""")]);
        int port = FreePort.Next(), silent = FreePort.Next();
        try
        {
            using var run = CliProcess.Start("run", "-b", b, "--state-dir", Path.Combine(scratch, "state"), "--metrics-port", port.ToString());
            run.WaitForLog("Joining pcap", Patience);
            Infrastructure.Kafka.Produce(b, "pcap", [TestPackets.Recipe("02:50:57:00:00:02", "health-1"), TestPackets.Recipe("02:50:57:00:00:09", "health-2")]);
            Infrastructure.Kafka.WaitForCommittedToEnd(b, "pcapwatch", "pcap", Patience);

            await using var dashboard = await DashboardServer.StartAsync(new DashboardOptions
            {
                BootstrapServers = b, Port = 0, KafkaTimeout = TimeSpan.FromSeconds(30), MetricsInterval = TimeSpan.FromMilliseconds(200),
                MetricsUrls = [new Uri($"http://127.0.0.1:{port}/metrics"), new Uri($"http://127.0.0.1:{silent}/metrics")],
            }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
            using var http = new HttpClient { BaseAddress = dashboard.Address };
            JsonElement[] instances = [];
            Infrastructure.Kafka.WaitUntil(() =>
            {
                instances = JsonDocument.Parse(http.GetStringAsync("api/health").GetAwaiter().GetResult()).RootElement
                    .GetProperty("instances").EnumerateArray().ToArray();
                return instances[0].GetProperty("packets").ValueKind == JsonValueKind.Number && instances[0].GetProperty("packets").GetDouble() >= 2;
            }, Patience, "the instance's metrics on the health line");

            Assert.That(instances[0].GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(instances[0].GetProperty("tablesCurrent").GetBoolean(), Is.True);
            Assert.That((instances[0].GetProperty("matches").GetDouble(), instances[0].GetProperty("lag").GetDouble(),
                instances[0].GetProperty("deadLetters").GetDouble()), Is.EqualTo((1.0, 0.0, 0.0)));
            Assert.That(instances[1].GetProperty("error").GetString(), Is.Not.Null.And.Not.Empty, "the silent instance is shown as not answering");
            Assert.That(instances[1].GetProperty("tablesCurrent").ValueKind, Is.EqualTo(JsonValueKind.Null));
            run.Terminate();
            Assert.That(run.WaitForExit(TimeSpan.FromSeconds(30)), Is.Zero);
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }
}
