namespace PcapWatch.Service;

/// <summary>Where an instance is in its life; only the moves <see cref="LoopStateMachine"/> allows happen.</summary>
public enum LoopState
{
    /// <summary>Waiting for the cluster and checking the topics.</summary>
    Starting,
    /// <summary>Opening the table stores from their checkpoints and rebuilding the index from them.</summary>
    Restoring,
    /// <summary>
    /// Reading the tables (and the bindings others published) up to their start-up ends: no packet yet.
    /// </summary>
    LoadingTables,
    /// <summary>In the group, matching packets.</summary>
    Running,
    /// <summary>Asked to stop: finishing the batch in hand, delivering, committing, checkpointing.</summary>
    ShuttingDown,
    /// <summary>Ended: stopped, or failed from any state.</summary>
    Dead,
}
