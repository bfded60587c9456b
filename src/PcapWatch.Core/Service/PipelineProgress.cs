namespace PcapWatch.Service;

/// <summary>
/// Counters the pipeline thread publishes for other threads (the demo's feeder paces itself on them; the summary and
/// status lines read them). Only the pipeline thread writes, so a volatile write of the incremented value is enough:
/// no interlocked instruction on the per-packet path.
/// </summary>
public sealed class PipelineProgress
{
    public const int MaxPartitions = 4096;

    private readonly long[] _consumedBytes = new long[MaxPartitions];
    private readonly long[] _consumedRecords = new long[MaxPartitions];
    private long _packets;
    private long _matches;
    private long _matchBytes;
    private long _flowPackets, _flowPacketBytes;
    private long _tableRecords;
    private int _tablesCurrent;

    /// <summary>pcap records consumed (good or bad).</summary>
    public long Packets => Volatile.Read(ref _packets);

    /// <summary>Output records produced (and, after a commit, acknowledged).</summary>
    public long Matches => Volatile.Read(ref _matches);

    /// <summary>Bytes of output records produced (key + value).</summary>
    public long MatchBytes => Volatile.Read(ref _matchBytes);

    /// <summary>Flows on: records written to WATCHED_EMP_PACKETS, and their bytes (key + value).</summary>
    public long FlowPackets => Volatile.Read(ref _flowPackets);

    /// <inheritdoc cref="FlowPackets"/>
    public long FlowPacketBytes => Volatile.Read(ref _flowPacketBytes);

    public bool TablesCurrent => Volatile.Read(ref _tablesCurrent) != 0;

    /// <summary>employees and computers messages consumed (applied or rejected).</summary>
    public long TableRecords => Volatile.Read(ref _tableRecords);

    /// <summary>Value bytes of the pcap records consumed from one partition.</summary>
    public long ConsumedBytes(int partition) => Volatile.Read(ref _consumedBytes[partition]);

    /// <summary>pcap records consumed from one partition.</summary>
    public long ConsumedRecords(int partition) => Volatile.Read(ref _consumedRecords[partition]);

    internal void OnConsumed(int partition, int bytes)
    {
        Volatile.Write(ref _packets, _packets + 1);
        if ((uint)partition >= MaxPartitions) return;
        Volatile.Write(ref _consumedBytes[partition], _consumedBytes[partition] + bytes);
        Volatile.Write(ref _consumedRecords[partition], _consumedRecords[partition] + 1);
    }

    internal void OnFlowPacket(int bytes)
    {
        Volatile.Write(ref _flowPackets, _flowPackets + 1);
        Volatile.Write(ref _flowPacketBytes, _flowPacketBytes + bytes);
    }

    internal void OnMatch(int bytes)
    {
        Volatile.Write(ref _matches, _matches + 1);
        Volatile.Write(ref _matchBytes, _matchBytes + bytes);
    }

    internal void OnTableRecord() => Volatile.Write(ref _tableRecords, _tableRecords + 1);

    private int _loopState;

    /// <summary>Where the instance is in its life (see <see cref="LoopStateMachine"/>).</summary>
    public LoopState LoopState => (LoopState)Volatile.Read(ref _loopState);

    internal void OnLoopState(LoopState state) => Volatile.Write(ref _loopState, (int)state);

    private int _assignedPartitions;

    /// <summary>pcap partitions this instance holds now (changes with every rebalance).</summary>
    public int AssignedPartitions => Volatile.Read(ref _assignedPartitions);

    internal void OnAssigned(int partitions) => Volatile.Write(ref _assignedPartitions, partitions);

    private long _bindingsRead;
    private long _bindingsLearned;

    /// <summary>Records read from the bindings topic (other instances' bindings and this one's own).</summary>
    public long BindingsRead => Volatile.Read(ref _bindingsRead);

    /// <summary>Binding statements this instance learned from its packets (with --match ip).</summary>
    public long BindingsLearned => Volatile.Read(ref _bindingsLearned);

    internal void OnBindingsRead(int records) => Volatile.Write(ref _bindingsRead, _bindingsRead + records);

    private long _namesRead;

    /// <summary>Records read from the names topic (other instances' statements and this one's own), with --names.</summary>
    public long NamesRead => Volatile.Read(ref _namesRead);

    internal void OnNamesRead(long total) => Volatile.Write(ref _namesRead, total);

    private long _bindingsLate;

    /// <summary>
    /// Other instances' bindings that began before packets this instance had already decided (see BindingsReader.Late).
    /// </summary>
    public long BindingsLate => Volatile.Read(ref _bindingsLate);

    internal void OnBindingsLate(long total) => Volatile.Write(ref _bindingsLate, total);

    private long _lateTableChanges;

    /// <summary>
    /// Table changes valid before packets this instance had already attributed (--attribution capture-time).
    /// </summary>
    public long LateTableChanges => Volatile.Read(ref _lateTableChanges);

    internal void OnLateTableChanges(long total) => Volatile.Write(ref _lateTableChanges, total);

    internal void OnBindingLearned() => Volatile.Write(ref _bindingsLearned, _bindingsLearned + 1);

    internal void OnTablesCurrent() => Volatile.Write(ref _tablesCurrent, 1);

    private long _commitsBlockedSinceMs;

    /// <summary>
    /// Since when (Unix ms) no pcap commit has gone through although one was due: output not acknowledged (an outage)
    /// or refused (a topic deleted or denied), a commit the group refused. 0 while commits go through.
    /// </summary>
    public long CommitsBlockedSinceMs => Volatile.Read(ref _commitsBlockedSinceMs);

    internal void OnCommitAttempt(bool committed, long nowMs)
    {
        if (committed) Volatile.Write(ref _commitsBlockedSinceMs, 0);
        else if (_commitsBlockedSinceMs == 0) Volatile.Write(ref _commitsBlockedSinceMs, nowMs);
    }

    private long _loopAllocatedBytes;

    /// <summary>
    /// Bytes the packet loop's thread allocated since it began joining, consume included (updated at each commit
    /// interval and when the loop ends): what a benchmark divides by the packets to see the cost per record.
    /// </summary>
    public long LoopAllocatedBytes => Volatile.Read(ref _loopAllocatedBytes);

    internal void OnLoopAllocated(long bytes) => Volatile.Write(ref _loopAllocatedBytes, bytes);
}
