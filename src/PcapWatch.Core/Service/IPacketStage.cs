namespace PcapWatch.Service;

/// <summary>
/// The packets' side of the loop: read, decided, matches produced, offsets committed (<see cref="PacketStage"/>).
/// </summary>
internal interface IPacketStage
{
    /// <summary>The newest capture time of the packets read past the gate (0 before the first).</summary>
    long NewestCaptureMs { get; }

    /// <summary>
    /// When the last record of the last batch was written to Kafka (Unix ms), for the latency metric.
    /// </summary>
    long? LastBatchTimestampMs { get; }

    /// <summary>
    /// Processes up to <paramref name="max"/> records, waiting at most <paramref name="wait"/> for the first.
    /// </summary>
    int ProcessBatch(TimeSpan wait, int max);

    /// <summary>Commits what was consumed once all output made from it is acknowledged; whether it committed.</summary>
    bool FlushAndCommit(TimeSpan budget, CancellationToken cancel);

    /// <summary>
    /// The last commit was refused because this member has to rejoin its group first (a rebalance in progress, a member
    /// or generation the coordinator no longer knows): tried again before the consumer is polled, it cannot succeed.
    /// </summary>
    bool CommitAwaitsRejoin { get; }

    /// <summary>The usual budget of one flush (bounded by a stop's deadline once one is set).</summary>
    TimeSpan FlushBudget { get; }

    /// <summary>From now on no flush waits past <paramref name="deadline"/>.</summary>
    void StopBy(DateTime deadline);
}
