using System.Text;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// A live-capture pipe (<c>tshark -T ek -l | pcapwatch produce</c>, index lines and all) into a running service whose
/// Prometheus endpoint is scraped while it works.
/// </summary>
public class MetricsAndPipeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private string _scratch = null!;

    [SetUp]
    public void CreateScratch() => Directory.CreateDirectory(_scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-metrics-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void RemoveScratch() => Directory.Delete(_scratch, recursive: true);

    [Test]
    public void Ek_from_stdin_is_joined_and_the_metrics_move()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default));
        var b = broker.BootstrapServers;
        Infrastructure.Kafka.Produce(b, "employees", [("E100", """{"key":"E100","name":"Alice","watch_flag":"YES"}""")]);
        Infrastructure.Kafka.Produce(b, "computers", [("1", $$"""{"comp_id":1,"empkey":"E100","macaddr":"{{ExpectedCounts.AliceMac}}"}""")]);

        int port = FreePort.Next();
        using var run = CliProcess.Start("run", "-b", b, "--state-dir", Path.Combine(_scratch, "state"), "--metrics-port", port.ToString());
        run.WaitForLog("Joining pcap", Patience);
        var before = Scrape(port);
        Assert.That(Value(before, "pcapwatch_packets_consumed_total"), Is.Zero);
        Assert.That(Value(before, "pcapwatch_tables_current"), Is.EqualTo(1));
        Assert.That(Value(before, "pcapwatch_loop_state", "state=\"running\""), Is.EqualTo(1), "joined: the loop is running");
        Assert.That(Value(before, "pcapwatch_loop_state"), Is.EqualTo(1), "one state at a time");

        // What tshark -T ek writes: an {"index":…} line before every packet. produce must send only the packets.
        var ek = TestData.Lines(TestData.Fixture("netns-lan.ek.ndjson"));
        var piped = Path.Combine(_scratch, "live.ek");
        File.WriteAllLines(piped, ek.SelectMany(p => new[] { """{"index":{"_index":"packets-2026-11-28","_type":"doc"}}""", Encoding.UTF8.GetString(p) }));
        using (var produce = CliProcess.StartWithInput(piped, "produce", "-b", b, "--topic", "pcap"))
        {
            Assert.That(produce.WaitForExit(Patience), Is.Zero, () => string.Join("\n", produce.Stderr));
            Assert.That(produce.Logs, Has.Some.Contains($"Produced {ek.Count} records"));
        }
        Infrastructure.Kafka.Produce(b, "pcap", [Encoding.UTF8.GetBytes("{\"layers\": not json")]);

        Dictionary<string, double> after = [];
        Infrastructure.Kafka.WaitUntil(() =>
        {
            after = Scrape(port);
            return Value(after, "pcapwatch_packets_consumed_total") == ek.Count + 1
                && Value(after, "pcapwatch_matches_produced_total") == ExpectedCounts.CapturedFrom(ExpectedCounts.AliceMac)
                && Value(after, "pcapwatch_dead_letters_total", "reason=\"invalid_json\"") == 1;
        }, Patience, "the counters to reach the capture's packets and one more, Alice's matches (tshark's counts) and 1 dead letter");
        Assert.That(Value(after, "pcapwatch_index_watched_macs"), Is.EqualTo(1));
        Assert.That(Value(after, "pcapwatch_table_rows", "table=\"computers\""), Is.EqualTo(1));
        Assert.That(Value(after, "pcapwatch_processing_latency_seconds_count"), Is.GreaterThan(0));
        Assert.That(after.Keys.Count(k => k.StartsWith("pcapwatch_consumer_lag{", StringComparison.Ordinal)), Is.EqualTo(8), "one per partition");
        Assert.That(after.Keys, Has.Some.StartsWith("pcapwatch_checkpoint_age_seconds"));

        run.Terminate();
        Assert.That(run.WaitForExit(TimeSpan.FromSeconds(20)), Is.Zero);
        Assert.That(run.Summary(), Is.EqualTo(((long)ek.Count + 1, ExpectedCounts.CapturedFrom(ExpectedCounts.AliceMac), 1L)));
    }

    /// <summary>
    /// /metrics has no credentials: by default it answers on this machine only, and beyond it only when asked
    /// (MetricsListen all, as docker-compose sets it for the dashboard's container).
    /// </summary>
    [TestCase(null)]
    [TestCase("all")]
    public void Metrics_answer_beyond_loopback_only_when_asked(string? listen)
    {
        var outside = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a));
        if (outside is null) Assert.Ignore("this machine has no address beyond loopback to try");
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default));
        int port = FreePort.Next();
        string[] args = ["run", "-b", broker.BootstrapServers, "--state-dir", Path.Combine(_scratch, "state"), "--metrics-port", port.ToString()];
        using var run = CliProcess.Start(listen is null ? args : [.. args, "--metrics-listen", listen]);
        run.WaitForLog("Joining pcap", Patience);

        Assert.That(Scrape(port), Is.Not.Empty, "this machine is always answered");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var fromOutside = $"http://{outside}:{port}/metrics";
        if (listen == "all") Assert.That(http.GetStringAsync(fromOutside).GetAwaiter().GetResult(), Does.Contain("pcapwatch_"));
        else Assert.That(() => http.GetStringAsync(fromOutside).GetAwaiter().GetResult(), Throws.InstanceOf<HttpRequestException>());
        run.Terminate();
        Assert.That(run.WaitForExit(TimeSpan.FromSeconds(20)), Is.Zero);
    }

    /// <summary>The exposition text as "name{labels}" → value.</summary>
    private static Dictionary<string, double> Scrape(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = http.GetStringAsync($"http://127.0.0.1:{port}/metrics").GetAwaiter().GetResult();
        return text.Split('\n').Where(l => l.StartsWith("pcapwatch_", StringComparison.Ordinal))
            .Select(l => (Name: l[..l.LastIndexOf(' ')], Value: double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)))
            .GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last().Value);
    }

    /// <summary>The sum over the series of <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Value(Dictionary<string, double> metrics, string name, string label = "") =>
        metrics.Where(m => (m.Key == name || m.Key.StartsWith(name + "{", StringComparison.Ordinal)) && m.Key.Contains(label, StringComparison.Ordinal))
            .Sum(m => m.Value);
}
