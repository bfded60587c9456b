using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// Partition discovery through a client's metadata (works against the embedded broker, unlike admin calls).
/// </summary>
public static class TopicPartitions
{
    /// <summary>
    /// The partitions of <paramref name="topic"/>, waiting until it exists or <paramref name="timeout"/> passes.
    /// </summary>
    public static List<TopicPartition> Of(IClient client, string topic, TimeSpan timeout, CancellationToken cancel = default)
    {
        using var admin = new DependentAdminClientBuilder(client.Handle).Build();
        return Of(admin, topic, timeout, cancel);
    }

    /// <summary>
    /// The partitions of each topic, each waited for up to its own timeout (in the order given), through an admin
    /// handle the caller keeps: a long-lived one costs nothing, a disposed one ~100 ms.
    /// </summary>
    public static Dictionary<string, List<TopicPartition>> Of(IAdminClient admin, IEnumerable<(string Topic, TimeSpan Timeout)> topics,
        CancellationToken cancel = default)
    {
        var partitions = new Dictionary<string, List<TopicPartition>>();
        foreach (var (topic, timeout) in topics)
        {
            if (!partitions.ContainsKey(topic)) partitions[topic] = Of(admin, topic, timeout, cancel);
        }
        return partitions;
    }

    private static List<TopicPartition> Of(IAdminClient admin, string topic, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            var meta = admin.GetMetadata(topic, TimeSpan.FromSeconds(5));
            var t = meta.Topics.FirstOrDefault(x => x.Topic == topic);
            if (t is { Error.IsError: false } && t.Partitions.Count > 0)
            {
                return t.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(p => p.Partition.Value).ToList();
            }
            if (t is not null && KafkaConnectivity.IsRefusal(t.Error.Code))
            {
                throw new KafkaUnavailableException(KafkaUnavailableReason.Refused,
                    $"topic '{topic}': {t.Error.Code} ({t.Error.Reason}); the credentials lack a permission on it");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new KafkaUnavailableException(KafkaUnavailableReason.TopicMissing, $"topic '{topic}' not found on the cluster");
            }
            Thread.Sleep(200);
        }
    }
}
