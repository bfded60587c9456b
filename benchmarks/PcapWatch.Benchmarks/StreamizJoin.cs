using System.Text.Json;
using Confluent.Kafka;
using PcapWatch.Kafka;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Table;

namespace PcapWatch.Benchmarks;

/// <summary>
/// The same join written with Streamiz.Kafka.Net: the pcap stream joined with a GlobalKTable of watched computers
/// keyed by MAC, System.Text.Json POCOs in and out, on the same broker and data. Streamiz is given the table-table half of the
/// recipe for free: the GlobalKTable reads COMP_WATCH_BY_MACADDR, pre-loaded with the join's result.
/// </summary>
internal static class StreamizJoin
{
    /// <summary>
    /// <c>e2e-consumer --kind streamiz --bootstrap B --output O</c>: the topology in a process of its own, until SIGTERM;
    /// the benchmark times it by what reaches <c>O</c>.
    /// </summary>
    public static int RunUntilStopped(string[] args)
    {
        var bootstrap = BenchmarkArgs.Text(args, "--bootstrap") ?? throw new ArgumentException("--bootstrap");
        var output = BenchmarkArgs.Text(args, "--output") ?? throw new ArgumentException("--output");
        using var stopped = new ManualResetEventSlim();
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                stopped.Set();
            });
        var stateDir = Path.Combine(Path.GetTempPath(), "streamiz-bench-" + Guid.NewGuid().ToString("N"));
        using (var stream = Start(bootstrap, TopicNames.Default, output, stateDir)) stopped.Wait();
        if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
        return 0;
    }

    /// <summary>The join of the pcap stream with the watched computers, reading from the beginning, started.</summary>
    private static KafkaStream Start(string bootstrap, TopicNames topics, string outputTopic, string stateDir)
    {
        var config = new StreamConfig<StringSerDes, StringSerDes>
        {
            ApplicationId = "streamiz-bench-" + Guid.NewGuid().ToString("N"),
            BootstrapServers = bootstrap,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            StateDir = stateDir,
            // The same fetch tuning PcapWatch uses; librdkafka's defaults would make this comparison about waiting.
            FetchQueueBackoffMs = 10,
            FetchWaitMaxMs = 100,
            LingerMs = 5,
        };
        var builder = new StreamBuilder();
        var watched = builder.GlobalTable(topics.Changelog, new StringSerDes(), new PocoSerDes<WatchedComputerRow>(),
            InMemory.As<string, WatchedComputerRow>("watched-by-mac"));
        builder.Stream(topics.Pcap, new StringSerDes(), new PocoSerDes<AnyShapePacket>())
            .Join(watched, (_, packet) => packet.EthSrc()!, TrafficRow.Of)
            .SelectKey((_, row, _) => row.C_MACADDR!)
            .To(outputTopic, new StringSerDes(), new PocoSerDes<TrafficRow>());
        var stream = new KafkaStream(builder.Build(), config);
        stream.StartAsync().GetAwaiter().GetResult();
        return stream;
    }

    /// <summary>System.Text.Json as a Streamiz SerDes.</summary>
    private sealed class PocoSerDes<T> : AbstractSerDes<T> where T : class
    {
        public override byte[] Serialize(T data, SerializationContext context) => JsonSerializer.SerializeToUtf8Bytes(data);

        public override T Deserialize(byte[] data, SerializationContext context) =>
            data is null ? null! : JsonSerializer.Deserialize<T>(data)!;
    }
}
