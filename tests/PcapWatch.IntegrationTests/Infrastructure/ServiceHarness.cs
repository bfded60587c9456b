using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Join;
using PcapWatch.Kafka;
using PcapWatch.Service;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>
/// An embedded broker with the topics, and the service running against it on its own thread, with helpers that wait
/// for the service to have consumed what a test wrote (no sleeps).
/// </summary>
internal sealed class ServiceHarness : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-it-" + Guid.NewGuid().ToString("N"));
    private PcapWatchPipeline? _service;
    private CancellationTokenSource? _stop;
    private Task<PipelineSummary>? _running;

    public ServiceHarness()
    {
        Broker = EmbeddedBroker.Start();
        Broker.CreateTopics(TopicLayout.For(Topics, pcap: 4, computers: 2, output: 2));
    }

    public EmbeddedBroker Broker { get; }
    public TopicNames Topics { get; } = TopicNames.Default;
    public PcapWatchPipeline Service => _service ?? throw new InvalidOperationException("service not started");

    /// <summary>What the services this harness started logged, in order.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Whether the service started last is still running (it has neither stopped nor failed).</summary>
    public bool Running => _running is { IsCompleted: false };

    public void Start(MatchMode match = MatchMode.Src, Func<PipelineOptions, PipelineOptions>? configure = null)
    {
        var options = new PipelineOptions
        {
            BootstrapServers = Broker.BootstrapServers,
            StateDir = _stateDir,
            Match = match,
            ConsumerProperties = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "10" },
        };
        var service = _service = new PcapWatchPipeline(configure?.Invoke(options) ?? options, Logs);
        var stop = (_stop = new CancellationTokenSource()).Token;
        var running = _running = Task.Factory.StartNew(() => service.Run(stop), TaskCreationOptions.LongRunning);
        Kafka.WaitUntil(() => service.Progress.TablesCurrent || running.IsCompleted, TimeSpan.FromSeconds(30), "tables current");
        Assert.That(running.IsFaulted, Is.False, () => running.Exception!.ToString());
    }

    /// <summary>
    /// Runs a service that gives up waiting for Kafka after <paramref name="startupTimeout"/> (the broker is down) and
    /// returns what it failed with.
    /// </summary>
    public Exception? RunUntilItGivesUp(TimeSpan startupTimeout)
    {
        var service = new PcapWatchPipeline(new PipelineOptions
        {
            BootstrapServers = Broker.BootstrapServers,
            StateDir = _stateDir,
            StartupTimeout = startupTimeout,
        });
        try
        {
            service.Run(CancellationToken.None);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    public PipelineSummary Stop()
    {
        _stop!.Cancel();
        var summary = _running!.GetAwaiter().GetResult();
        _stop.Dispose();
        _service = null;
        _stop = null;
        _running = null;
        return summary;
    }

    /// <summary>Writes table rows (a null value is a tombstone) and, if the service runs, waits until it applied them.</summary>
    public void Tables(string topic, params (string? Key, string? Value)[] rows)
    {
        var service = _service;
        long before = service?.Progress.TableRecords ?? 0;
        Kafka.Produce(Broker.BootstrapServers, topic, rows);
        if (service is not null)
        {
            Kafka.WaitUntil(() => service.Progress.TableRecords >= before + rows.Length, TimeSpan.FromSeconds(30), "table changes applied");
        }
    }

    public void Employee(string key, string name, string flag) =>
        Tables(Topics.Employees, (key, $$"""{"key":"{{key}}","name":"{{name}}","watch_flag":"{{flag}}"}"""));

    public void Computer(string compId, string empKey, string mac) =>
        Tables(Topics.Computers, (compId, $$"""{"comp_id":{{compId}},"empkey":"{{empKey}}","macaddr":"{{mac}}"}"""));

    /// <summary>Writes packets and waits until the service consumed them.</summary>
    public void Packets(params byte[][] packets)
    {
        var service = Service;
        long before = service.Progress.Packets;
        Kafka.Produce(Broker.BootstrapServers, Topics.Pcap, packets);
        Kafka.WaitUntil(() => service.Progress.Packets >= before + packets.Length, TimeSpan.FromSeconds(30), "packets consumed");
    }

    public static byte[][] Burst(string mac, string label, int count, string dst = "ff:ff:ff:ff:ff:ff") =>
        Enumerable.Range(0, count).Select(i => TestPackets.Recipe(mac, $"{label}-{i}", dst: dst)).ToArray();

    public List<JsonElement> Output() => Kafka.ReadAll(Broker.BootstrapServers, Topics.Output).Select(r => r.Value!.Value).ToList();

    /// <summary>Output records counted by the label of their packets (the frame time without its "-i" suffix).</summary>
    public Dictionary<string, int> OutputByLabel() => Output()
        .GroupBy(r => r.GetProperty("P_FRAME_TIME").GetString()![..r.GetProperty("P_FRAME_TIME").GetString()!.LastIndexOf('-')])
        .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The changelog topic as written, in order per partition: "MAC=EMP_NAME" or "MAC=tombstone".</summary>
    public List<string> Changelog() => Kafka.ReadAll(Broker.BootstrapServers, Topics.Changelog)
        .Select(r => $"{r.Key}={(r.Value is { } v ? v.GetProperty("EMP_NAME").GetString() : "tombstone")}").ToList();

    /// <summary>Overwrites a stopped service's checkpoint of one table (<c>employees</c> or <c>computers</c>) with bytes
    /// FASTER cannot recover, so the next start must distrust it and read that table from its topic.</summary>
    public void SpoilCheckpoint(string table)
    {
        if (_service is not null) throw new InvalidOperationException("stop the service first");
        var files = Directory.GetFiles(Path.Combine(_stateDir, table, "checkpoints"), "*", SearchOption.AllDirectories);
        Assert.That(files, Is.Not.Empty, "a checkpoint to spoil");
        var random = new Random(table.Length);
        foreach (var file in files)
        {
            var garbage = new byte[Math.Max(64, (int)new FileInfo(file).Length)];
            random.NextBytes(garbage);
            File.WriteAllBytes(file, garbage);
        }
    }

    public void Dispose()
    {
        _stop?.Cancel();
        try
        {
            _running?.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // the test reports the service's failure itself
        }
        _stop?.Dispose();
        Broker.Dispose();
        if (Directory.Exists(_stateDir)) Directory.Delete(_stateDir, recursive: true);
    }
}
