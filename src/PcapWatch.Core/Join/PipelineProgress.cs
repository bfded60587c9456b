namespace PcapWatch.Join;

/// <summary>
/// Counters the pipeline thread publishes for other threads (the demo's feeder paces itself on them; status lines
/// read them). Written with Interlocked by one thread, read with Volatile by any.
/// </summary>
public sealed class PipelineProgress
{
    public const int MaxPartitions = 4096;

    private readonly long[] _consumedBytes = new long[MaxPartitions];
    private readonly long[] _consumedRecords = new long[MaxPartitions];
    private long _packets;
    private long _matches;
    private long _matchBytes;
    private long _deadLetters;
    private long _tableRecords;
    private int _tablesCurrent;

    /// <summary>pcap records consumed (good or bad).</summary>
    public long Packets => Volatile.Read(ref _packets);

    /// <summary>Output records produced (and, after a commit, acknowledged).</summary>
    public long Matches => Volatile.Read(ref _matches);

    /// <summary>Bytes of output records produced (key + value).</summary>
    public long MatchBytes => Volatile.Read(ref _matchBytes);

    /// <summary>pcap records sent to the dead-letter topic.</summary>
    public long DeadLetters => Volatile.Read(ref _deadLetters);

    public bool TablesCurrent => Volatile.Read(ref _tablesCurrent) != 0;

    /// <summary>employees and computers messages consumed (applied or rejected).</summary>
    public long TableRecords => Volatile.Read(ref _tableRecords);

    /// <summary>Value bytes of the pcap records consumed from one partition.</summary>
    public long ConsumedBytes(int partition) => Volatile.Read(ref _consumedBytes[partition]);

    /// <summary>pcap records consumed from one partition.</summary>
    public long ConsumedRecords(int partition) => Volatile.Read(ref _consumedRecords[partition]);

    internal void OnConsumed(int partition, int bytes)
    {
        Interlocked.Increment(ref _packets);
        if ((uint)partition >= MaxPartitions) return;
        Interlocked.Add(ref _consumedBytes[partition], bytes);
        Interlocked.Increment(ref _consumedRecords[partition]);
    }

    internal void OnMatch(int bytes)
    {
        Interlocked.Increment(ref _matches);
        Interlocked.Add(ref _matchBytes, bytes);
    }

    internal void OnDeadLetter() => Interlocked.Increment(ref _deadLetters);

    internal void OnTableRecord() => Interlocked.Increment(ref _tableRecords);

    internal void OnTablesCurrent() => Volatile.Write(ref _tablesCurrent, 1);
}
