using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// "Has this consumer read these partitions up to where they ended when we started?" — asked by the consumer's
/// position, never by the offset of the last record seen. A topic written by a transactional producer (Kafka Streams,
/// ksqlDB, Connect or Debezium with exactly-once) ends each transaction with a commit marker that takes an offset but
/// is never delivered as a record, so the last record seen stays one short of the end forever; the position moves past
/// the marker. The end is the high watermark as the consumer's isolation level sees it: for read_committed, the last
/// stable offset, so an open transaction is not waited for.
/// </summary>
public sealed class EndOfPartitions
{
    private readonly Dictionary<TopicPartition, long> _ends = new();
    private readonly Dictionary<TopicPartition, long> _starts = new();
    private readonly HashSet<TopicPartition> _pending = new();

    /// <param name="startAt">Where reading starts per partition (null: the beginning); a partition already at its end
    /// counts as done.</param>
    public EndOfPartitions(IConsumer<byte[]?, byte[]?> consumer, IEnumerable<TopicPartition> partitions,
        Func<TopicPartition, long?>? startAt = null)
    {
        foreach (var tp in partitions)
        {
            var marks = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
            _ends[tp] = marks.High.Value;
            long start = startAt?.Invoke(tp) ?? marks.Low.Value;
            _starts[tp] = start;
            if (start < marks.High.Value) _pending.Add(tp);
        }
    }

    /// <summary>
    /// Where reading starts per partition: the given offset, or the partition's first (low watermark).
    /// </summary>
    public IReadOnlyDictionary<TopicPartition, long> Starts => _starts;

    /// <summary>Whether a record lies before the end (a record at or past it was written after the start).</summary>
    public bool IsBeforeEnd(TopicPartition tp, long offset) => offset < _ends.GetValueOrDefault(tp, long.MaxValue);

    /// <summary>Checks the positions of the partitions not yet done (local calls, no broker request).</summary>
    public bool Update(IConsumer<byte[]?, byte[]?> consumer)
    {
        if (_pending.Count == 0) return true;
        foreach (var tp in _pending.ToList())
        {
            long position = consumer.Position(tp).Value;
            if (position >= 0 && position >= _ends[tp]) _pending.Remove(tp);
        }
        return _pending.Count == 0;
    }

    /// <summary>Messages left, by position (a marker counts as one): for a start-up log line.</summary>
    public long Remaining(Func<TopicPartition, long> next) => _pending.Sum(tp => Math.Max(0, _ends[tp] - next(tp)));
}
