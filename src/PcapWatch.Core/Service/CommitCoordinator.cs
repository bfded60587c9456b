using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;

namespace PcapWatch.Service;

/// <summary>
/// The one place that decides when the instance's state may move on, modelled on Kafka Streams' TaskManager commits.
/// Everything waits for the output to settle first (acknowledged, nothing refused); what the broker refused is produced
/// again here, except a changelog record, which is made good by reconciling the topic (re-sending an old value could
/// overwrite a newer one for its MAC). The order is fixed: pcap offsets only over settled output, and the tables'
/// checkpoint (stores, then history) only over settled dead letters of table rows — and, when stopping, only after the
/// last commit went through.
/// </summary>
internal sealed class CommitCoordinator(IOutputDeliveries output, ITableFeed tables, ITableCheckpoints checkpoints, string? changelogTopic,
    ILogger log)
{
    // What a checkpoint waits for the output at most; a checkpoint that has to wait more is tried at its next interval.
    private static readonly TimeSpan CheckpointSettleBudget = TimeSpan.FromSeconds(10);

    private bool _reconcileWanted;

    /// <summary>
    /// Waits (at most <paramref name="budget"/>, never past <paramref name="cancel"/>) until all output is
    /// acknowledged, and produces again what the broker refused: true only when everything is safe to commit past.
    /// </summary>
    public bool Settle(TimeSpan budget, CancellationToken cancel, out bool acknowledged) =>
        output.Settle(budget, cancel, Redeliver, out acknowledged);

    /// <summary>Whether a refused changelog record asked for the topic to be reconciled (and resets it).</summary>
    public bool TakeReconcileRequest()
    {
        bool wanted = _reconcileWanted;
        _reconcileWanted = false;
        return wanted;
    }

    /// <summary>
    /// Checkpoints the tables if they changed, once their dead letters are settled; whether it checkpointed.
    /// </summary>
    public bool CheckpointWhenSettled(CancellationToken cancel)
    {
        if (!Settle(CheckpointSettleBudget, cancel, out _)) return false;
        if (!tables.TakeChanged()) return false;
        checkpoints.Checkpoint();
        return true;
    }

    /// <summary>
    /// The stop's order: commits the packets (retrying until <paramref name="deadline"/>), and only if that went
    /// through checkpoints the tables; otherwise nothing moves, and the uncommitted packets are read again after a
    /// restart.
    /// </summary>
    public StopCommit CommitThenCheckpoint(IPacketStage packets, DateTime deadline)
    {
        while (!packets.FlushAndCommit(deadline - DateTime.UtcNow, CancellationToken.None))
        {
            // A stopping member does not rejoin its group: its close hands the partitions over, and what they held
            // since the last commit is read again by their next owner. Retrying would spin until the deadline.
            if (packets.CommitAwaitsRejoin) return StopCommit.RefusedByRebalance;
            // A coordinator moving or a broker stalling: tried again shortly, not in a spin.
            if (DateTime.UtcNow + StopCommitRetryPause >= deadline) return StopCommit.TimedOut;
            Thread.Sleep(StopCommitRetryPause);
        }
        if (tables.TakeChanged()) checkpoints.Checkpoint();
        return StopCommit.Committed;
    }

    private static readonly TimeSpan StopCommitRetryPause = TimeSpan.FromMilliseconds(100);

    private void Redeliver(IReadOnlyList<FailedDelivery> failed)
    {
        // The tracker tells when refusals begin and end; each retry is detail.
        log.LogDebug("{Count} output records were refused by the broker (first: {Topic}: {Reason}); producing them again before committing",
            failed.Count, failed[0].Topic, failed[0].Error.Reason);
        foreach (var f in failed)
        {
            if (changelogTopic is not null && f.Topic == changelogTopic) _reconcileWanted = true;
            else output.Produce(f.Topic, f.Message);
        }
    }
}
