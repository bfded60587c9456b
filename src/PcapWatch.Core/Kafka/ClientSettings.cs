using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// Confluent.Kafka settings tuned for this job, in one place: every client PcapWatch makes takes its configuration from
/// here. Every value can be overridden by the caller's extra properties (applied last), so SASL/SSL and any librdkafka
/// property pass straight through. Statistics are on for every client: they tell when a lost broker is back (librdkafka
/// logs nothing then); a user's own interval is kept.
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
            StatisticsIntervalMs = KafkaConnectivity.StatisticsIntervalMs,
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
            StatisticsIntervalMs = KafkaConnectivity.StatisticsIntervalMs,
        };
        config.Set("enable.sparse.connections", "false");
        return Apply(config, extra);
    }

    /// <summary>
    /// A manually assigned reader (no group, no commits): tables, tools, checks. Readers tell records apart by topic
    /// and keep headers for dead letters, so they marshal every field whatever the properties say (a narrower
    /// <c>dotnet.consumer.consume.result.fields</c> is for the pcap consumer).
    /// </summary>
    public static ConsumerConfig Reader(string bootstrapServers, IReadOnlyDictionary<string, string>? extra = null)
    {
        var config = Consumer(bootstrapServers, null, extra);
        config.ConsumeResultFields = "all";
        return config;
    }

    /// <summary>
    /// The pcap consumer: a member of the service's group, with the group defaults this service needs.
    /// </summary>
    public static ConsumerConfig GroupMember(string bootstrapServers, string groupId, IReadOnlyDictionary<string, string>? extra = null)
    {
        var config = Consumer(bootstrapServers, groupId, extra);
        // With KIP-848 (group.protocol=consumer) the broker assigns partitions and owns the session timeout.
        if (config.Get("group.protocol") != "consumer")
        {
            // Eager round-robin: every rebalance revokes all partitions (flushed and committed first), then reassigns
            // evenly. Cooperative-sticky avoids that pause, but on the embedded broker it left a reassigned partition
            // unfed for minutes in 1 of 3 runs of the scale-out test; set partition.assignment.strategy to use it.
            config.PartitionAssignmentStrategy ??= PartitionAssignmentStrategy.RoundRobin;
            // Failover after a crash: a dead instance's partitions move after 10 s without heartbeats (Kafka's default
            // is 45 s).
            config.SessionTimeoutMs ??= 10_000;
            config.HeartbeatIntervalMs ??= 2_000;
        }
        // A rebalance waits at most this long for members to rejoin (the default, 300 s, also bounds how long a
        // restarted instance can wait behind members that were killed). The loop polls every 100 ms or faster.
        config.MaxPollIntervalMs ??= 30_000;
        return config;
    }

    private static T Apply<T>(T config, IReadOnlyDictionary<string, string>? extra) where T : ClientConfig
    {
        if (extra is null) return config;
        foreach (var (key, value) in extra) config.Set(key, value);
        return config;
    }
}
