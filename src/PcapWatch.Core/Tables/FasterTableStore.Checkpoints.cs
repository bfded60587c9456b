using System.Text;
using FASTER.core;

namespace PcapWatch.Tables;

/// <summary>Checkpoints that carry the table offsets they cover, and the compaction that keeps them small.</summary>
public sealed unsafe partial class FasterTableStore
{
    /// <summary>
    /// Takes a checkpoint that covers exactly the rows applied so far, and records <paramref name="nextOffsets"/> in
    /// it. The session is closed meanwhile: FASTER's checkpoint waits for every open session to move on, and this
    /// thread is the only user.
    /// </summary>
    /// <remarks>
    /// Every update appends to FASTER's log, so a table updated a million times would keep a million records on disk
    /// and scan them all at restart. When the log has grown past twice the live rows, the read-only part is compacted
    /// first (live rows copied to the tail, the begin address moved past the rest); the checkpoint then persists that
    /// and deletes the segments below the new begin. Disk use and restart time follow the live rows, not the history.
    /// </remarks>
    public void Checkpoint(string topic, Dictionary<int, long> nextOffsets)
    {
        // Checked before FASTER starts: its checkpoint never completes when a write fails, and the last one stays good.
        StoreDirectory.RequireSpace(_directory, CheckpointBytesAtMost(), "checkpointing the table");
        CompactIfWorthIt();
        _session.Dispose();
        try
        {
            _kv.CommitCookie = new TableCheckpoint(topic, nextOffsets, Count, ContentHash) { FirstWritesOnly = FirstWritesOnly }.ToBytes();
            if (!_kv.TryInitiateFullCheckpoint(out _, CheckpointType.FoldOver))
            {
                throw new InvalidOperationException("FASTER refused to start a checkpoint (one already running?)");
            }
            if (!_kv.CompleteCheckpointAsync().AsTask().Wait(CheckpointTimeout))
            {
                throw new StoreUnavailableException($"cannot use the state in {_directory} (checkpointing the table): not done after "
                    + $"{CheckpointTimeout.TotalMinutes:0} min (a full or failing disk?); the previous checkpoint is kept");
            }
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            if (StorageFaults.IsEnvironment(ex)) throw StoreUnavailableException.For(_directory, "checkpointing the table", ex.InnerException!);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException!);
            throw;
        }
        catch (Exception ex) when (ex is not StoreUnavailableException && StorageFaults.IsEnvironment(ex))
        {
            throw StoreUnavailableException.For(_directory, "checkpointing the table", ex);
        }
        finally
        {
            _session = NewSession();
        }
    }

    /// <summary>
    /// An upper bound on what a fold-over checkpoint writes: the log held in memory (the live rows again, should it
    /// compact first), the hash index with its overflow buckets, and a page of files and rounding.
    /// </summary>
    private long CheckpointBytesAtMost() =>
        (_kv.Log.TailAddress - _kv.Log.HeadAddress) + LiveBytes + (_kv.IndexSize + _kv.OverflowBucketCount) * 64 + (2L << PageSizeBits);

    private void CompactIfWorthIt()
    {
        if (!CompactionEnabled || LogBytes <= Math.Max(MinCompactBytes, CompactWhenLogExceedsLive * LiveBytes)) return;
        // Only the read-only region can be compacted; after the previous fold-over checkpoint that is nearly all of it.
        long until = _kv.Log.SafeReadOnlyAddress;
        if (until <= _kv.Log.BeginAddress) return;
        _session.Compact(until, CompactionType.Lookup);
        Compactions++;
    }
}
