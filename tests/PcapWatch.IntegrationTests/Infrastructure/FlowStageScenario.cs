using System.Text;
using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Flows;
using PcapWatch.FlowStage;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Packets;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>
/// The flow stage on a broker of its own: packets written to <c>WATCHED_EMP_PACKETS</c> as the packet stage writes them
/// (key the host, the codec's value, the origin header), flow stages started and stopped in-process, and the records
/// they should make: each partition's packets, in the order the partition holds them, through one <see
/// cref="FlowPartition"/> — what one stage that never stopped would have written.
/// </summary>
internal sealed class FlowStageScenario : IDisposable
{
    private readonly EmbeddedBroker _broker = EmbeddedBroker.Start();

    public FlowStageScenario(int partitions = 2)
    {
        _broker.CreateTopics(TopicLayout.For(Topics, pcap: 1, output: partitions));
    }

    public TopicNames Topics { get; } = TopicNames.Default;

    public string BootstrapServers => _broker.BootstrapServers;

    public PipelineOptions Options(FlowTimeouts timeouts) => new()
    {
        BootstrapServers = BootstrapServers,
        StateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-flows-unused"),
        Flows = true,
        FlowTimeouts = timeouts,
        FlowCheckpointInterval = TimeSpan.FromMilliseconds(200),
        // A short session: the embedded broker waits about that long for members before it assigns partitions.
        ConsumerProperties = new Dictionary<string, string>
        {
            ["fetch.wait.max.ms"] = "10", ["session.timeout.ms"] = "3000", ["heartbeat.interval.ms"] = "500",
        },
    };

    /// <summary>The packets of a capture of ours, every host watched, then one packet per host a day later.</summary>
    public static List<FlowPacket> CapturePackets(string capture, out int captured)
    {
        var packets = FlowSamples.Packets(TestData.Lines(TestData.Fixture($"{capture}.json.ndjson")));
        captured = packets.Count;
        return [.. packets, .. Sweepers(packets)];
    }

    /// <summary>
    /// A day after the last packet, one UDP packet from every host: stream time passes every flow's idle timeout, so
    /// each ends by event time (their own flows stay open).
    /// </summary>
    public static IEnumerable<FlowPacket> Sweepers(List<FlowPacket> packets)
    {
        long later = packets.Max(p => p.TimeUs) + TimeSpan.FromDays(1).Ticks / TimeSpan.TicksPerMicrosecond;
        long offset = packets.Max(p => p.PcapOffset) + 1;
        return packets.Select(p => p.Host).Distinct().Select((host, i) => new FlowPacket(host, true, later, 60, Transport.Udp,
            IpAddressKey.FromIPv4(0x0A000001), 9, IpAddressKey.FromIPv4(0xC0000201), 9, 0, [new FlowOwner("e1", "Someone")], "eth:ip:udp",
            null, 0, offset + i, 0));
    }

    /// <summary>Writes packets as the packet stage does.</summary>
    public void Write(IEnumerable<FlowPacket> packets)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(BootstrapServers)).Build();
        foreach (var packet in packets)
        {
            var origin = new MatchOrigin(packet.PcapPartition, packet.PcapOffset, packet.MatchIndex, 0);
            producer.ProduceWhenRoom(Topics.WatchedPackets, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.ASCII.GetBytes(packet.Host.ToString()),
                Value = FlowPacketCodec.Encode(packet),
                Headers = new Headers { { MatchOrigin.Header, origin.Encode() } },
            });
        }
        Assert.That(producer.Flush(TimeSpan.FromSeconds(60)), Is.Zero, "records not delivered");
    }

    /// <summary>Writes records to a topic as they are (hostile input).</summary>
    public void WriteRaw(string topic, IEnumerable<(string? Key, string? Value)> records) => Kafka.Produce(BootstrapServers, topic, records);

    /// <summary>
    /// What one stage that never stopped makes of <paramref name="packets"/>, each once: a host's packets are in its
    /// partition in the order they were written, so each partition's are the packets of its hosts, in order.
    /// </summary>
    public List<string> Expected(FlowTimeouts timeouts, List<FlowPacket> packets)
    {
        var partitionOf = Kafka.ReadResultsToEnd(BootstrapServers, Topics.WatchedPackets)
            .GroupBy(r => Encoding.ASCII.GetString(r.Message.Key!)).ToDictionary(g => g.Key, g => g.First().Partition.Value);
        var emitted = new List<FlowRecord>();
        foreach (var partition in packets.GroupBy(p => partitionOf[p.Host.ToString()]))
        {
            var flows = new FlowPartition(timeouts);
            foreach (var packet in partition) flows.Add(packet, emitted);
        }
        return emitted.Select(r => Encoding.UTF8.GetString(FlowRecordJson.Encode(r))).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The values of <c>WATCHED_EMP_FLOWS</c> now, in topic order per partition.</summary>
    public List<string> Written() =>
        Kafka.ReadResultsToEnd(BootstrapServers, Topics.Flows).Select(r => Encoding.UTF8.GetString(r.Message.Value!)).ToList();

    /// <summary>A flow stage running on a thread of its own until <see cref="RunningStage.Stop"/>.</summary>
    public RunningStage Start(FlowTimeouts timeouts) => new(new FlowStageLoop(Options(timeouts), Logs));

    /// <summary>What the stages logged.</summary>
    public CapturedLogs Logs { get; } = new()
    {
        OnEvent = e => TestContext.Progress.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {e.Template} "
        + string.Join(" ", e.Properties.Select(p => $"{p.Key}={p.Value}")))
    };

    public void Dispose() => _broker.Dispose();

    internal sealed class RunningStage : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        public RunningStage(FlowStageLoop stage)
        {
            Stage = stage;
            _running = Task.Factory.StartNew(() => stage.Run(_stop.Token), TaskCreationOptions.LongRunning);
        }

        public FlowStageLoop Stage { get; }

        public FlowStageProgress Progress => Stage.Progress;

        public void Stop()
        {
            _stop.Cancel();
            _running.GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            if (!_running.IsCompleted) Stop();
            _stop.Dispose();
        }
    }
}
