using Confluent.Kafka;
using PcapWatch.Output;

namespace PcapWatch.Tools;

/// <summary>
/// Counts each match once, whatever crashed: a record produced again (after a crash, a rebalance, a producer retry)
/// carries the same origin (<see cref="MatchOrigin"/>) as the first, and lands in the same output partition (its key is
/// the same MAC). Per output partition and pcap partition, it remembers the origins at or above the highest floor read
/// there; a record below that floor cannot have a copy still to come, nor one already read that was forgotten
/// (docs/delivery.md says why), so memory is the writers' uncommitted window, not the topic.
/// </summary>
public sealed class RepeatFilter
{
    private readonly Dictionary<(int Output, int Pcap), Seen> _seen = new();

    private sealed class Seen
    {
        public long Floor;
        public readonly HashSet<(long Offset, int Index)> Origins = new();
    }

    /// <summary>Records read a second (or later) time, and not counted.</summary>
    public long Repeats { get; private set; }

    /// <summary>Records without a readable origin (written before the header existed, or by another producer): counted, unverified.</summary>
    public long Unverifiable { get; private set; }

    /// <summary>Origins remembered now, over all partitions (the memory this costs).</summary>
    public long Remembered => _seen.Values.Sum(s => s.Origins.Count);

    /// <summary>Whether the record is the first of its origin (or has none: counted as before, and as unverifiable).</summary>
    public bool IsFirst(ConsumeResult<byte[]?, byte[]?> record) => IsFirst(record.Partition.Value, record.Message.Headers);

    public bool IsFirst(int outputPartition, Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(MatchOrigin.Header, out var bytes) || !MatchOrigin.TryDecode(bytes, out var origin))
        {
            Unverifiable++;
            return true;
        }
        return IsFirst(outputPartition, origin);
    }

    public bool IsFirst(int outputPartition, MatchOrigin origin)
    {
        var key = (outputPartition, origin.Partition);
        if (!_seen.TryGetValue(key, out var seen)) _seen[key] = seen = new Seen { Floor = origin.Floor };
        if (origin.Floor > seen.Floor)
        {
            seen.Floor = origin.Floor;
            seen.Origins.RemoveWhere(o => o.Offset < seen.Floor);
        }
        // Below the floor: committed before any record read here was written; no copy of it can come again.
        if (origin.Offset < seen.Floor) return true;
        if (seen.Origins.Add((origin.Offset, origin.Index))) return true;
        Repeats++;
        return false;
    }
}
