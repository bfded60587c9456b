namespace PcapWatch.Service;

/// <summary>
/// The running instance's loop, modelled on Kafka Streams' StreamThread: each <see cref="RunOnce"/> is the same named
/// phases in the same order on one thread, so the stores and the index have one writer and need no locks. Tables change
/// rarely and packets are many: table changes are applied between packet batches, and a batch does not wait for packets
/// when changes came. Every move of the state past the output goes through the <see cref="CommitCoordinator"/>.
/// </summary>
internal sealed class PipelineLoop
{
    public const int TableBatch = 1000;
    private const int PacketBatch = 5000;
    private static readonly TimeSpan PacketWait = TimeSpan.FromMilliseconds(100);
    // The latest the loaded tables are checkpointed after joining when no packet comes.
    private static readonly TimeSpan LoadedTablesCheckpointAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly LoopParts _parts;
    private readonly TimeProvider _time;
    private long _lastCommit;
    private long _lastRefresh;
    private long _lastCheckpoint;
    private bool _loadedTablesCheckpointed;

    public PipelineLoop(LoopParts parts, TimeProvider? time = null)
    {
        _parts = parts;
        _time = time ?? TimeProvider.System;
        _lastCommit = _lastRefresh = _lastCheckpoint = _time.GetTimestamp();
    }

    /// <summary>Runs the phases until <paramref name="stop"/> fires.</summary>
    public void Run(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested) RunOnce(stop);
    }

    /// <summary>
    /// One pass: tables, bindings, packets, then what is due of committing, refreshing and checkpointing.
    /// </summary>
    public void RunOnce(CancellationToken stop)
    {
        _parts.Changelog?.StepIfRead();
        int changes = PollTables() + PollBindings();
        int packets = PollPackets(changes > 0 ? TimeSpan.Zero : PacketWait);
        CheckpointLoadedTablesOnce(packets, stop);
        CommitIfDue(stop);
        RefreshIfDue();
        CheckpointIfDue(stop);
        _parts.Reporting.LogStatusIfDue();
        _parts.Reporting.CheckHealth();
    }

    private int PollTables()
    {
        int changes = _parts.Tables.Poll(TimeSpan.Zero, TableBatch, _parts.Packets.NewestCaptureMs);
        _parts.Reporting.OnTablesPolled(changes);
        return changes;
    }

    private int PollBindings()
    {
        if (_parts.Bindings is not { } bindings) return 0;
        int records = bindings.Poll(TimeSpan.Zero, TableBatch, _parts.Packets.NewestCaptureMs);
        _parts.Reporting.OnBindingsPolled(records, bindings.Late);
        return records;
    }

    private int PollPackets(TimeSpan wait)
    {
        int packets = _parts.Packets.ProcessBatch(wait, PacketBatch);
        _parts.Reporting.OnPacketsPolled(packets, _parts.Packets.LastBatchTimestampMs);
        return packets;
    }

    /// <summary>
    /// The tables as loaded are checkpointed once the first batch of packets is on its way, not before: a checkpoint
    /// takes 0.15 s even for a few rows, and packets need no checkpoint to be matched.
    /// </summary>
    private void CheckpointLoadedTablesOnce(int packets, CancellationToken stop)
    {
        if (_loadedTablesCheckpointed || (packets == 0 && Since(_lastCheckpoint) < LoadedTablesCheckpointAfter)) return;
        _parts.Commits.CheckpointWhenSettled(stop);
        _parts.Reporting.OnStateOnDiskCurrent(); // also when nothing changed: the state on disk is the tables' now
        _loadedTablesCheckpointed = true;
        _lastCheckpoint = _time.GetTimestamp();
    }

    private void CommitIfDue(CancellationToken stop)
    {
        if (Since(_lastCommit) < _parts.CommitInterval) return;
        _parts.Packets.FlushAndCommit(_parts.Packets.FlushBudget, stop);
        if (_parts.Commits.TakeReconcileRequest()) _parts.Changelog?.Again(stop);
        _lastCommit = _time.GetTimestamp();
    }

    // Every second whatever the commit interval: the gauges say what the loop is doing now.
    private void RefreshIfDue()
    {
        if (Since(_lastRefresh) < RefreshInterval) return;
        _parts.Reporting.Refresh();
        _lastRefresh = _time.GetTimestamp();
    }

    private void CheckpointIfDue(CancellationToken stop)
    {
        if (Since(_lastCheckpoint) < _parts.CheckpointInterval) return;
        _parts.Commits.CheckpointWhenSettled(stop);
        _lastCheckpoint = _time.GetTimestamp();
    }

    private TimeSpan Since(long timestamp) => _time.GetElapsedTime(timestamp);
}
