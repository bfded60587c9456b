using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// Where newly assigned partitions start. librdkafka starts a partition its group never committed by an offset reset,
/// and a reset after "no committed offset" asks the broker only after a fixed 100 ms backoff: on a group's first start
/// that was most of the time from assignment to the first match. So the committed offsets are asked for in the
/// assignment handler, and a partition without one starts at the reset policy's logical offset (beginning or end),
/// which librdkafka resolves at once. A partition with a committed offset is left to librdkafka as before.
/// </summary>
public sealed class StartingOffsets(string? autoOffsetReset)
{
    private readonly Offset _whenNoneCommitted = autoOffsetReset?.Trim().ToLowerInvariant() switch
    {
        null or "earliest" or "smallest" or "beginning" => Offset.Beginning,
        "latest" or "largest" or "end" => Offset.End,
        _ => Offset.Unset, // "error" (or a value librdkafka refuses anyway): its own reset handling decides
    };

    /// <summary>The offsets to assign: the reset policy's for partitions without a committed offset, the committed one
    /// (left unset, for librdkafka to fetch) for the others; all unset when the committed offsets cannot be
    /// had.</summary>
    /// <param name="stopping">Ends the wait early (the committed offsets are an optimisation: a stop must not wait for
    /// them).</param>
    public IEnumerable<TopicPartitionOffset> For<TKey, TValue>(IConsumer<TKey, TValue> consumer, List<TopicPartition> assigned,
        TimeSpan timeout, CancellationToken stopping) => For(assigned, () => CommittedWithin(consumer, assigned, timeout, stopping));

    /// <summary>Asks in short slices, so that a stop is noticed within one.</summary>
    private static List<TopicPartitionOffset> CommittedWithin<TKey, TValue>(IConsumer<TKey, TValue> consumer, List<TopicPartition> assigned,
        TimeSpan timeout, CancellationToken stopping)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            try
            {
                return consumer.Committed(assigned, left < Slice ? left : Slice);
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_TimedOut && !stopping.IsCancellationRequested
                && DateTime.UtcNow < deadline)
            {
            }
        }
    }

    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(250);

    internal IEnumerable<TopicPartitionOffset> For(List<TopicPartition> assigned, Func<List<TopicPartitionOffset>> committed)
    {
        if (_whenNoneCommitted == Offset.Unset) return Unset(assigned);
        List<TopicPartitionOffset> known;
        try
        {
            known = committed();
        }
        catch (KafkaException)
        {
            return Unset(assigned); // librdkafka asks again itself
        }
        var none = known.Where(c => c.Offset == Offset.Unset).Select(c => c.TopicPartition).ToHashSet();
        return assigned.Select(tp => new TopicPartitionOffset(tp, none.Contains(tp) ? _whenNoneCommitted : Offset.Unset)).ToList();
    }

    private static List<TopicPartitionOffset> Unset(List<TopicPartition> assigned) =>
        assigned.Select(tp => new TopicPartitionOffset(tp, Offset.Unset)).ToList();
}
