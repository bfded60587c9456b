using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// Which offsets of one subscribed topic may be committed: per partition, the next record after the last one
/// processed. Keyed by the partition number alone, so tracking a record allocates nothing and hashes an int.
/// </summary>
public sealed class OffsetTracker(string topic)
{
    private readonly Dictionary<int, long> _next = new();

    /// <summary>Partitions with processed records not yet committed.</summary>
    public int Pending => _next.Count;

    /// <summary>Per-record: the record at <paramref name="offset"/> has been processed.</summary>
    public void Processed(int partition, long offset) => _next[partition] = offset + 1;

    /// <summary>Partitions lost to another member: their offsets must not be committed by us any more.</summary>
    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var tp in partitions) _next.Remove(tp.Partition.Value);
    }

    /// <summary>
    /// The offsets to commit (all pending partitions, or those of <paramref name="only"/>): past the last record
    /// processed, and past any transaction marker after it — the consumer's <paramref name="position"/> when that is
    /// further — so that a topic written with exactly-once shows no lag once it is read. Safe because every record
    /// below the position has been processed: the loop handles each record before it consumes the next.
    /// </summary>
    public List<TopicPartitionOffset> ToCommit(Func<TopicPartition, long> position, IEnumerable<TopicPartition>? only = null) =>
        (only is null
            ? _next.Keys.Select(p => new TopicPartition(topic, p))
            : only.Where(tp => _next.ContainsKey(tp.Partition.Value)))
        .Select(tp => new TopicPartitionOffset(tp, Math.Max(_next[tp.Partition.Value], position(tp))))
        .ToList();

    /// <summary>The broker accepted these commits.</summary>
    public void Committed(IEnumerable<TopicPartitionOffset> offsets)
    {
        foreach (var o in offsets)
        {
            // A record processed after the commit was built stays pending.
            if (_next.TryGetValue(o.Partition.Value, out long next) && next <= o.Offset.Value) _next.Remove(o.Partition.Value);
        }
    }
}
