using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// Which offsets of one subscribed topic may be committed: per partition, the next record after the last one
/// processed. Keyed by the partition number alone, so tracking a record allocates nothing and hashes an int.
/// </summary>
public sealed class OffsetTracker(string topic)
{
    private readonly Dictionary<int, long> _next = new();
    // What was last committed per owned partition: a transaction's commit marker is skipped by the consumer after the
    // commit of the record before it may already have gone out, and nothing is processed after it to commit again.
    private readonly Dictionary<int, long> _committed = new();
    // Where this member began reading each partition it owns, until its first commit there.
    private readonly Dictionary<int, long> _began = new();

    /// <summary>Partitions with processed records not yet committed.</summary>
    public int Pending => _next.Count;

    /// <summary>
    /// The floor of a partition for the record at <paramref name="offset"/>, before it is processed: the offset below
    /// which nothing will be processed again, by this member or its successors — its last commit there, or where it
    /// began reading (the group's commit it started from). Carried on every match (<c>MatchOrigin</c>).
    /// </summary>
    public long Floor(int partition, long offset)
    {
        if (_committed.TryGetValue(partition, out long committed)) return Math.Min(committed, offset);
        return _began.TryGetValue(partition, out long began) ? began : _began[partition] = offset;
    }

    /// <summary>Per-record: the record at <paramref name="offset"/> has been processed.</summary>
    public void Processed(int partition, long offset)
    {
        ref long next = ref CollectionsMarshal.GetValueRefOrAddDefault(_next, partition, out bool pending);
        // Once per partition and commit: before the first commit, the first record read is where this member began.
        if (!pending && !_committed.ContainsKey(partition)) _began.TryAdd(partition, offset);
        next = offset + 1;
    }

    /// <summary>
    /// Partitions revoked or lost to another member: their offsets must not be committed by us any more.
    /// </summary>
    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            _next.Remove(tp.Partition.Value);
            _committed.Remove(tp.Partition.Value);
            _began.Remove(tp.Partition.Value);
        }
    }

    /// <summary>
    /// The offsets to commit (all partitions, or those of <paramref name="only"/>): past the last record processed, and
    /// past any transaction marker after it — the consumer's <paramref name="position"/> when that is further — so that
    /// a topic written with exactly-once shows no lag once it is read. That includes a partition with nothing processed
    /// since its last commit whose position has since moved past a marker. Safe because every record below the
    /// position has been processed: the loop handles each record before it consumes the next.
    /// </summary>
    public List<TopicPartitionOffset> ToCommit(Func<TopicPartition, long> position, IEnumerable<TopicPartition>? only = null)
    {
        var offsets = new List<TopicPartitionOffset>();
        foreach (var tp in only ?? _next.Keys.Union(_committed.Keys).Select(p => new TopicPartition(topic, p)))
        {
            int partition = tp.Partition.Value;
            if (_next.TryGetValue(partition, out long next))
            {
                offsets.Add(new TopicPartitionOffset(tp, Math.Max(next, position(tp))));
            }
            else if (_committed.TryGetValue(partition, out long committed) && position(tp) is var past && past > committed)
            {
                offsets.Add(new TopicPartitionOffset(tp, past));
            }
        }
        return offsets;
    }

    /// <summary>The broker accepted these commits.</summary>
    public void Committed(IEnumerable<TopicPartitionOffset> offsets)
    {
        foreach (var o in offsets)
        {
            int partition = o.Partition.Value;
            _committed[partition] = Math.Max(o.Offset.Value, _committed.GetValueOrDefault(partition, -1));
            // A record processed after the commit was built stays pending.
            if (_next.TryGetValue(partition, out long next) && next <= o.Offset.Value) _next.Remove(partition);
        }
    }
}
