using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// Reads every partition of a topic from its beginning to the end it had when the read started: what a table, a
/// report or a lookup needs ("everything so far"), without a consumer group or committed offsets.
/// </summary>
public static class TopicSnapshot
{
    public static void Read(string bootstrapServers, string topic, IReadOnlyDictionary<string, string>? properties,
        Action<ConsumeResult<byte[]?, byte[]?>> onRecord, CancellationToken cancel = default)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrapServers, null, properties)).Build();
        var partitions = TopicPartitions.Of(consumer, topic, TimeSpan.FromSeconds(30), cancel);
        var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(30)));
        var pending = ends.Where(e => e.Value.High.Value > e.Value.Low.Value).Select(e => e.Key).ToHashSet();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        while (pending.Count > 0)
        {
            cancel.ThrowIfCancellationRequested();
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null || r.IsPartitionEOF) continue;
            if (r.Offset.Value < ends[r.TopicPartition].High.Value) onRecord(r);
            if (r.Offset.Value + 1 >= ends[r.TopicPartition].High.Value) pending.Remove(r.TopicPartition);
        }
        consumer.Close();
    }
}
