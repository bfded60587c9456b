using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// Confluent.Kafka settings tuned for this job, in one place. Every value can be overridden by the caller's extra
/// properties (applied last), so SASL/SSL and any librdkafka property pass straight through.
/// Connections are not sparse: with sparse connections (librdkafka's default) a client connects to a broker it learnt
/// from the bootstrap metadata only when a request needs one, paced by an internal interval, and the first metadata
/// request waited ~50 ms of a start-up for it. PcapWatch's clients read or write partitions on every broker anyway.
/// </summary>
public static class ClientSettings
{
    /// <summary>Largest record PcapWatch writes or expects: <see cref="RecordLimits.MaxRecordBytes"/>.</summary>
    public const int MaxRecordBytes = RecordLimits.MaxRecordBytes;

    /// <summary>The pipeline's producer: matches and the index changelog share it, so one flush covers both.</summary>
    public static IProducer<byte[], byte[]?> BuildProducer(string bootstrapServers, IReadOnlyDictionary<string, string>? extra,
        KafkaConnectivity? kafka = null) =>
        KafkaClients.ProducerBuilder<byte[], byte[]?>(Producer(bootstrapServers, extra), kafka).Build();

    public static ProducerConfig Producer(string bootstrapServers, IReadOnlyDictionary<string, string>? extra = null)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            MessageMaxBytes = MaxRecordBytes + 64 * 1024,
            // Null-keyed pcap records spread over all partitions instead of sticking to one for a while.
            StickyPartitioningLingerMs = 0,
            // Keyed records (MACs) land on the partition a Java client would choose (Kafka Streams, ksqlDB joins).
            Partitioner = Partitioner.Murmur2Random,
        };
        config.Set("enable.sparse.connections", "false");
        return Apply(config, extra);
    }

    public static ConsumerConfig Consumer(string bootstrapServers, string? groupId, IReadOnlyDictionary<string, string>? extra = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            // Confluent.Kafka wants a group id even for manually assigned readers that never join or commit.
            GroupId = groupId ?? "pcapwatch-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Tables and packets written with exactly-once: only committed records count (aborted rows never apply).
            // librdkafka's default too; said here because the end-of-table logic depends on it.
            IsolationLevel = IsolationLevel.ReadCommitted,
            FetchMaxBytes = 64 * 1024 * 1024,
            MaxPartitionFetchBytes = MaxRecordBytes + 64 * 1024,
            // librdkafka 2.x waits 1 s after a full fetch queue by default; 10 ms doubled pipeline throughput here.
            FetchQueueBackoffMs = 10,
            // Real-time monitoring: a fetch parks at most 100 ms waiting for data (librdkafka's default is 500 ms).
            FetchWaitMaxMs = 100,
        };
        config.Set("enable.sparse.connections", "false");
        return Apply(config, extra);
    }

    private static T Apply<T>(T config, IReadOnlyDictionary<string, string>? extra) where T : ClientConfig
    {
        if (extra is null) return config;
        foreach (var (key, value) in extra) config.Set(key, value);
        return config;
    }
}
