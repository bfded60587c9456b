using Confluent.Kafka;
using PcapWatch.Kafka;

namespace PcapWatch.Benchmarks;

/// <summary>The sum of a topic's high watermarks: how many records it has received (matches acknowledged by the broker).</summary>
internal sealed class OutputWatermarks : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly List<TopicPartition> _partitions;

    public OutputWatermarks(string bootstrap, string topic)
    {
        _consumer = KafkaClients.Reader(bootstrap, null);
        _partitions = TopicPartitions.Of(_consumer, topic, TimeSpan.FromSeconds(30));
    }

    public long Total() => _partitions.Sum(p => _consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(5)).High.Value);

    public void Dispose() => _consumer.Dispose();
}
