using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;

namespace PcapWatch.Names;

/// <summary>Reads IP_NAMES, what the other instances' DNS answers told their clients, into this instance's <see cref="PassiveDns"/>.</summary>
public sealed class NamesReader(string bootstrapServers, IReadOnlyDictionary<string, string>? properties, IReadOnlyList<TopicPartition> partitions,
    SharedNames shared, KafkaConnectivity kafka, ILogger log)
    : SharedTopicReader(bootstrapServers, properties, partitions, shared.InstanceBytes, "a name statement", kafka, log)
{
    public int Poll(TimeSpan wait, int max) => PollRecords(wait, max);

    protected override bool Apply(byte[] value, out string? problem)
    {
        if (!NameRecord.TryDecode(value, out var told, out problem)) return false;
        shared.Names.Adopt(told);
        return true;
    }
}
