using Confluent.Kafka;
using PcapWatch.Kafka;

namespace PcapWatch.Service;

/// <summary>The pcap consumer's configuration: the client's settings with the group defaults this service needs.</summary>
internal static class PcapConsumerSettings
{
    public static ConsumerConfig For(PipelineOptions options)
    {
        var config = ClientSettings.Consumer(options.BootstrapServers, options.GroupId, options.ConsumerProperties);
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

    /// <summary>How long a flush between polls may wait: it must leave the group in no doubt that this member is alive.</summary>
    public static TimeSpan FlushBudget(ConsumerConfig config) => TimeSpan.FromMilliseconds(Math.Min(10_000, config.MaxPollIntervalMs!.Value / 3));
}
