using System.Diagnostics;
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
    /// <summary>Runs the topology until <paramref name="expectedMatches"/> rows reached the output topic.</summary>
    public static double Run(string bootstrap, TopicNames topics, string outputTopic, long expectedMatches, TimeSpan timeout)
    {
        var config = new StreamConfig<StringSerDes, StringSerDes>
        {
            ApplicationId = "streamiz-bench-" + Guid.NewGuid().ToString("N"),
            BootstrapServers = bootstrap,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            StateDir = Path.Combine(Path.GetTempPath(), "streamiz-bench-" + Guid.NewGuid().ToString("N")),
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

        using var counter = new ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrap, null)).Build();
        counter.Assign(new TopicPartitionOffset(outputTopic, 0, Offset.Beginning));
        var stream = new KafkaStream(builder.Build(), config);
        var clock = Stopwatch.StartNew();
        stream.StartAsync().GetAwaiter().GetResult();
        long seen = 0;
        while (seen < expectedMatches && clock.Elapsed < timeout)
        {
            if (counter.Consume(TimeSpan.FromMilliseconds(100)) is not null) seen++;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        stream.Dispose();
        if (seen < expectedMatches) throw new TimeoutException($"Streamiz produced {seen} of {expectedMatches} matches in {timeout}");
        return seconds;
    }

    /// <summary>System.Text.Json as a Streamiz SerDes.</summary>
    private sealed class PocoSerDes<T> : AbstractSerDes<T> where T : class
    {
        public override byte[] Serialize(T data, SerializationContext context) => JsonSerializer.SerializeToUtf8Bytes(data);

        public override T Deserialize(byte[] data, SerializationContext context) =>
            data is null ? null! : JsonSerializer.Deserialize<T>(data)!;
    }
}
