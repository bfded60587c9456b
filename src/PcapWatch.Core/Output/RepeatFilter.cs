using Confluent.Kafka;

namespace PcapWatch.Output;

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

    /// <summary>Writes what the filter remembers (a flow stage checkpoint), for <see cref="ReadFrom"/>.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(Repeats);
        writer.Write(Unverifiable);
        writer.Write(_seen.Count);
        foreach (var ((output, pcap), seen) in _seen)
        {
            writer.Write(output);
            writer.Write(pcap);
            writer.Write(seen.Floor);
            writer.Write(seen.Origins.Count);
            foreach (var (offset, index) in seen.Origins)
            {
                writer.Write(offset);
                writer.Write(index);
            }
        }
    }

    /// <summary>The filter <see cref="WriteTo"/> wrote; counts beyond <paramref name="maxCount"/> are refused as corrupt.</summary>
    public static RepeatFilter ReadFrom(BinaryReader reader, int maxCount)
    {
        var filter = new RepeatFilter { Repeats = reader.ReadInt64(), Unverifiable = reader.ReadInt64() };
        int partitions = Count(reader, maxCount);
        for (int p = 0; p < partitions; p++)
        {
            var key = (reader.ReadInt32(), reader.ReadInt32());
            var seen = new Seen { Floor = reader.ReadInt64() };
            int origins = Count(reader, maxCount);
            for (int i = 0; i < origins; i++) seen.Origins.Add((reader.ReadInt64(), reader.ReadInt32()));
            filter._seen[key] = seen;
        }
        return filter;
    }

    private static int Count(BinaryReader reader, int max)
    {
        int count = reader.ReadInt32();
        return count >= 0 && count <= max ? count : throw new InvalidDataException($"a count of {count}");
    }
}
