using System.Text;
using System.Text.Json;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Service;

namespace PcapWatch.IntegrationTests;

/// <summary>The service against the embedded broker while its tables change and bad records arrive.</summary>
public class ServiceTests
{
    private const string MacA = "e0:a1:d7:18:c2:72";
    private const string MacB = "e0:a1:d7:18:c2:73";

    private EmbeddedBroker _broker = null!;
    private string _stateDir = null!;
    // NUnit shares one fixture instance between tests: these are reset in SetUp.
    private PcapWatchService? _service;
    private CancellationTokenSource? _stop;
    private Task<PipelineSummary>? _running;
    private readonly TopicNames _topics = TopicNames.Default;

    [SetUp]
    public void StartBroker()
    {
        _service = null;
        _stop = null;
        _running = null;
        _broker = EmbeddedBroker.Start();
        _broker.CreateTopic(_topics.Employees, 1);
        _broker.CreateTopic(_topics.Computers, 2);
        _broker.CreateTopic(_topics.Pcap, 4);
        _broker.CreateTopic(_topics.Output, 2);
        _stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-it-" + Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public void StopAll()
    {
        _stop?.Cancel();
        try
        {
            _running?.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // the test itself reports the service's failure
        }
        _running?.Dispose();
        _stop?.Dispose();
        _broker.Dispose();
        if (Directory.Exists(_stateDir)) Directory.Delete(_stateDir, recursive: true);
    }

    private void StartService()
    {
        _service = new PcapWatchService(new PipelineOptions
        {
            BootstrapServers = _broker.BootstrapServers,
            StateDir = _stateDir,
            ConsumerProperties = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "10" },
        });
        _stop = new CancellationTokenSource();
        var service = _service;
        var stop = _stop.Token;
        var running = _running = Task.Factory.StartNew(() => service.Run(stop), TaskCreationOptions.LongRunning);
        Infrastructure.Kafka.WaitUntil(() => service.Progress.TablesCurrent || running.IsCompleted, TimeSpan.FromSeconds(30), "tables current");
        Assert.That(running.IsFaulted, Is.False, () => running.Exception!.ToString());
    }

    private PipelineSummary StopService()
    {
        _stop!.Cancel();
        return _running!.GetAwaiter().GetResult();
    }

    private void Tables(string topic, params (string? Key, string? Value)[] rows)
    {
        var service = _service;
        long before = service?.Progress.TableRecords ?? 0;
        Infrastructure.Kafka.Produce(_broker.BootstrapServers, topic, rows);
        if (service is not null)
        {
            Infrastructure.Kafka.WaitUntil(() => service.Progress.TableRecords >= before + rows.Length, TimeSpan.FromSeconds(30), "table changes applied");
        }
    }

    private void Packets(params byte[][] packets)
    {
        var service = _service!;
        long before = service.Progress.Packets;
        Infrastructure.Kafka.Produce(_broker.BootstrapServers, _topics.Pcap, packets);
        Infrastructure.Kafka.WaitUntil(() => service.Progress.Packets >= before + packets.Length, TimeSpan.FromSeconds(30), "packets consumed");
    }

    private static byte[][] Burst(string mac, string label, int count) =>
        Enumerable.Range(0, count).Select(i => Infrastructure.Packets.Recipe(mac, $"{label}-{i}")).ToArray();

    private List<JsonElement> Output() =>
        Infrastructure.Kafka.ReadAll(_broker.BootstrapServers, _topics.Output).Select(r => r.Value!.Value).ToList();

    [Test]
    public void Table_changes_while_running_retract_and_add_matches_for_later_packets()
    {
        Tables(_topics.Employees, ("100", """{"key":"100","name":"Tom Jones","watch_flag":"YES"}"""),
            ("200", """{"key":"200","name":"Ann Lee","watch_flag":"NO"}"""));
        Tables(_topics.Computers, ("1", """{"comp_id":1,"empkey":"100","macaddr":"e0:a1:d7:18:c2:72"}"""),
            ("2", """{"comp_id":2,"empkey":"200","macaddr":"E0A1.D718.C273"}"""));
        StartService();

        Packets(Burst(MacA, "tom-watched", 20).Concat(Burst(MacB, "ann-unwatched", 20)).ToArray());
        Tables(_topics.Employees, ("100", """{"key":"100","name":"Tom Jones","watch_flag":"NO"}"""));
        Packets(Burst(MacA, "tom-unwatched", 20));
        Tables(_topics.Employees, ("200", """{"key":"200","name":"Ann Lee","watch_flag":" yes "}"""));
        Packets(Burst(MacB, "ann-watched", 20));
        Tables(_topics.Computers, ("2", null)); // Ann's computer is deleted
        Packets(Burst(MacB, "ann-deleted", 20));
        var summary = StopService();

        var output = Output();
        var byLabel = output.GroupBy(r => r.GetProperty("P_FRAME_TIME").GetString()!.Split('-')[0] + "-"
            + r.GetProperty("P_FRAME_TIME").GetString()!.Split('-')[1]).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(byLabel, Is.EquivalentTo(new Dictionary<string, int> { ["tom-watched"] = 20, ["ann-watched"] = 20 }));
        Assert.That(output.Where(r => r.GetProperty("P_FRAME_TIME").GetString()!.StartsWith("ann", StringComparison.Ordinal))
            .Select(r => (r.GetProperty("C_EMP_NAME").GetString(), r.GetProperty("C_MACADDR").GetString())).Distinct(),
            Is.EqualTo(new[] { ("Ann Lee", MacB) }), "Cisco spelling in the table, canonical MAC in the output");
        Assert.That((summary.Packets, summary.Matches), Is.EqualTo((100L, 40L)));
    }

    [Test]
    public void Bad_records_are_skipped_and_counted_and_the_good_ones_around_them_match()
    {
        Tables(_topics.Employees, ("100", """{"key":"100","name":"Tom Jones","watch_flag":"YES"}"""), ("bad", "{not json"));
        Tables(_topics.Computers, ("1", """{"comp_id":1,"empkey":"100","macaddr":"e0:a1:d7:18:c2:72"}"""));
        StartService();

        byte[][] bad =
        [
            Encoding.UTF8.GetBytes("{\"_source\":{\"layers\":{\"eth\":{\"src\":\"e0:a1"),   // truncated
            Encoding.UTF8.GetBytes("[1,2,3]"),                                              // not a packet
            [],                                                                             // empty
            Encoding.UTF8.GetBytes("{\"layers\":{\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}}"),
            [0xff, 0xfe, 0x7b],                                                             // not UTF-8
        ];
        Packets(Burst(MacA, "before", 10).Concat(bad).Concat(Burst(MacA, "after", 10)).ToArray());
        var summary = StopService();

        Assert.That(summary.BadRecords, Is.EqualTo(bad.Length));
        Assert.That(summary.RejectedTableRows, Is.EqualTo(1));
        Assert.That(summary.Matches, Is.EqualTo(20));
        Assert.That(Output(), Has.Count.EqualTo(20));
    }

    [Test]
    public void Packets_wait_for_the_tables_and_offsets_are_committed_after_the_matches()
    {
        // Packets are in the topic before the service starts; the tables are read first, so none is missed.
        Infrastructure.Kafka.Produce(_broker.BootstrapServers, _topics.Pcap, Burst(MacA, "early", 50));
        Tables(_topics.Employees, ("100", """{"key":"100","name":"Tom Jones","watch_flag":"YES"}"""));
        Tables(_topics.Computers, ("100", """{"comp_id":1,"empkey":"100","macaddr":"e0:a1:d7:18:c2:72"}"""));
        StartService();
        Infrastructure.Kafka.WaitUntil(() => _service!.Progress.Packets >= 50, TimeSpan.FromSeconds(30), "packets consumed");
        Infrastructure.Kafka.WaitForCommittedToEnd(_broker.BootstrapServers, "pcapwatch", _topics.Pcap, TimeSpan.FromSeconds(30));
        Assert.That(Output(), Has.Count.EqualTo(50), "every match acknowledged before its packet's offset was committed");
        StopService();
    }
}
