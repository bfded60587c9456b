using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// Reads every partition of a topic from its beginning to the end it had when the read started: what a table, a
/// report or a lookup needs ("everything so far"), without a consumer group or committed offsets. Done is decided by
/// the consumer's position (<see cref="EndOfPartitions"/>), so transactional topics end too.
/// </summary>
public static class TopicSnapshot
{
    public static void Read(string bootstrapServers, string topic, IReadOnlyDictionary<string, string>? properties,
        Microsoft.Extensions.Logging.ILogger? log, Action<ConsumeResult<byte[]?, byte[]?>> onRecord, CancellationToken cancel = default)
    {
        using var consumer = KafkaClients.Reader(bootstrapServers, properties, log);
        var partitions = TopicPartitions.Of(consumer, topic, TimeSpan.FromSeconds(30), cancel);
        var end = new EndOfPartitions(consumer, partitions);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        while (!end.Update(consumer))
        {
            cancel.ThrowIfCancellationRequested();
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null || r.IsPartitionEOF) continue;
            if (end.IsBeforeEnd(r.TopicPartition, r.Offset.Value)) onRecord(r);
        }
        consumer.Close();
    }
}
