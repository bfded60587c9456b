namespace PcapWatch.Service;

/// <summary>How a stop's last commit ended (<see cref="CommitCoordinator.CommitThenCheckpoint"/>).</summary>
internal enum StopCommit
{
    /// <summary>Committed, and the tables checkpointed.</summary>
    Committed,

    /// <summary>The group is rebalancing: the partitions go to their next owner uncommitted.</summary>
    RefusedByRebalance,

    /// <summary>Output not acknowledged, or the commit refused, until the shutdown deadline.</summary>
    TimedOut,
}
