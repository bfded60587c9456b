namespace PcapWatch.FlowStage;

/// <summary>
/// The flow stage's counters, written by its loop thread and read by others (status lines, metrics, tests): a volatile
/// write, since only one thread writes. The input counts and the flows open and waiting are published together after
/// each batch (<see cref="OnTasks"/>), so a reader that sees every packet read also sees what they did.
/// </summary>
public sealed class FlowStageProgress
{
    private long _packets, _repeats, _unreadable, _records, _checkpoints, _rewinds;
    private long _packetsRead, _repeatsRead, _unreadableRead, _late, _evicted;
    private int _openFlows, _waiting, _partitions;

    /// <summary>Input records read (good, repeated or unreadable).</summary>
    public long Packets => Volatile.Read(ref _packets);

    /// <summary>Input records recognised as repeats by their origin, and not counted.</summary>
    public long Repeats => Volatile.Read(ref _repeats);

    /// <summary>Input records that were not flow packets, skipped.</summary>
    public long Unreadable => Volatile.Read(ref _unreadable);

    /// <summary>Flow records produced (final and interim).</summary>
    public long Records => Volatile.Read(ref _records);

    /// <summary>Checkpoints written and acknowledged.</summary>
    public long Checkpoints => Volatile.Read(ref _checkpoints);

    /// <summary>Times the stage went back to its last checkpoints because flow records were refused.</summary>
    public long Rewinds => Volatile.Read(ref _rewinds);

    /// <summary>Flows open now, over the partitions this instance owns.</summary>
    public int OpenFlows => Volatile.Read(ref _openFlows);

    /// <summary>Packets waiting to be ordered into their flows (stream time has not passed them by the grace yet).</summary>
    public int WaitingPackets => Volatile.Read(ref _waiting);

    /// <summary>
    /// Over the partitions this instance owns, since their first packet (the counts move with their checkpoints): packets
    /// that came later than the grace (applied as they came; a flow they belonged to may have ended and they started the
    /// next) …
    /// </summary>
    public long Late => Volatile.Read(ref _late);

    /// <summary>… and flows ended early because a partition had too many open.</summary>
    public long Evicted => Volatile.Read(ref _evicted);

    /// <summary>Input partitions this instance owns now.</summary>
    public int Partitions => Volatile.Read(ref _partitions);

    internal void OnPacket(bool readable, bool repeat)
    {
        _packetsRead++;
        if (!readable) _unreadableRead++;
        if (repeat) _repeatsRead++;
    }

    internal void OnRecords(int count) => Volatile.Write(ref _records, _records + count);

    internal void OnCheckpoint() => Volatile.Write(ref _checkpoints, _checkpoints + 1);

    internal void OnRewind() => Volatile.Write(ref _rewinds, _rewinds + 1);

    internal void OnTasks(IEnumerable<FlowTask> tasks)
    {
        int open = 0, waiting = 0, partitions = 0;
        long late = 0, evicted = 0;
        foreach (var task in tasks)
        {
            open += task.Flows.OpenFlows;
            waiting += task.Flows.Waiting;
            late += task.Flows.Late;
            evicted += task.Flows.Evicted;
            partitions++;
        }
        Volatile.Write(ref _repeats, _repeatsRead);
        Volatile.Write(ref _unreadable, _unreadableRead);
        Volatile.Write(ref _late, late);
        Volatile.Write(ref _evicted, evicted);
        Volatile.Write(ref _openFlows, open);
        Volatile.Write(ref _waiting, waiting);
        Volatile.Write(ref _partitions, partitions);
        Volatile.Write(ref _packets, _packetsRead); // last: whoever sees the packets sees the rest
    }
}
