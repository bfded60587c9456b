using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;

namespace PcapWatch.Service;

/// <summary>
/// The pcap offsets of one consumer: what was processed, committed only when the <see cref="CommitCoordinator"/> says
/// all output made from it is safe, and forgotten when its partitions leave this member. Every flush is bounded (well
/// inside max.poll.interval.ms, and never past a stop's deadline).
/// </summary>
internal sealed class PacketCommitter(string pcapTopic, CommitCoordinator commits, DeliveryTracker deliveries, PipelineProgress progress,
    TimeSpan flushBudget, ILogger log)
{
    private readonly OffsetTracker _offsets = new(pcapTopic);
    private DateTime _shutdownDeadline = DateTime.MaxValue;
    private DateTime? _unacknowledgedSince;
    private IConsumer<Ignore, Ignore>? _consumer;

    /// <summary>The consumer whose positions are committed (made after this, as its handlers call back here).</summary>
    public void CommitFor(IConsumer<Ignore, Ignore> consumer) => _consumer = consumer;

    /// <summary>The last commit was refused until this member rejoins its group (<see cref="IPacketStage.CommitAwaitsRejoin"/>).</summary>
    public bool AwaitsRejoin { get; private set; }

    public void Processed(int partition, long offset) => _offsets.Processed(partition, offset);

    /// <inheritdoc cref="OffsetTracker.Floor"/>
    public long Floor(int partition, long offset) => _offsets.Floor(partition, offset);

    /// <summary>From now on no flush waits past <paramref name="deadline"/>.</summary>
    public void StopBy(DateTime deadline) => _shutdownDeadline = deadline;

    public TimeSpan FlushBudget
    {
        get
        {
            var left = _shutdownDeadline - DateTime.UtcNow;
            return left < TimeSpan.Zero ? TimeSpan.Zero : left < flushBudget ? left : flushBudget;
        }
    }

    /// <summary>
    /// Waits (at most <paramref name="budget"/>) until every produced match and dead letter is acknowledged, has the
    /// coordinator produce again what the broker refused, and commits the consumed offsets only when all of it is safe.
    /// Returns whether it committed; a commit that has to wait is tried again at the next interval.
    /// </summary>
    public bool FlushAndCommit(TimeSpan budget, CancellationToken cancel, IEnumerable<TopicPartition>? only = null)
    {
        bool committed = TryFlushAndCommit(budget, cancel, only);
        progress.OnCommitAttempt(committed, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return committed;
    }

    private bool TryFlushAndCommit(TimeSpan budget, CancellationToken cancel, IEnumerable<TopicPartition>? only)
    {
        AwaitsRejoin = false;
        // What the broker refused is produced again by the coordinator; the next commit waits for those too.
        bool settled = commits.Settle(budget, cancel, out bool acknowledged);
        ReportAcknowledgement(acknowledged, budget);
        if (!settled) return false;
        var offsets = _offsets.ToCommit(tp => _consumer!.Position(tp).Value, only);
        if (offsets.Count == 0) return true;
        try
        {
            _consumer!.Commit(offsets);
        }
        catch (KafkaException ex)
        {
            // A refused commit loses nothing: those records are read again (by us or the partitions' next owner).
            // Typical after a broker stall or a rebalance (unknown member, rebalance in progress). Keep the offsets:
            // the next commit retries them, unless the partitions were revoked or lost meanwhile (the handlers drop
            // those).
            AwaitsRejoin = ex.Error.Code is ErrorCode.RebalanceInProgress or ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration
                or ErrorCode.FencedInstanceId or ErrorCode.StaleMemberEpoch or ErrorCode.Local_State;
            log.LogWarning("Commit of pcap offsets refused ({Reason}); will retry, and records may be read twice", ex.Error.Reason);
            return false;
        }
        _offsets.Committed(offsets);
        if (log.IsEnabled(LogLevel.Debug))
        {
            log.LogDebug("Committed pcap offsets {Offsets}", string.Join(",", offsets.Select(o => $"{o.Partition.Value}:{o.Offset.Value}")));
        }
        return true;
    }

    private void ReportAcknowledgement(bool acknowledged, TimeSpan budget)
    {
        if (!acknowledged && _unacknowledgedSince is null)
        {
            _unacknowledgedSince = DateTime.UtcNow;
            log.LogWarning("The broker has not acknowledged {InFlight} output records within {Budget} s; pcap offsets are not committed past them",
                deliveries.InFlight, (int)budget.TotalSeconds);
        }
        else if (acknowledged && _unacknowledgedSince is { } since)
        {
            log.LogInformation("Output acknowledged again after {Seconds:F0} s", (DateTime.UtcNow - since).TotalSeconds);
            _unacknowledgedSince = null;
        }
    }

    /// <summary>Partitions handed over in a rebalance: committed first when their output is safe in time.</summary>
    public void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        // If the output cannot be acknowledged in time the partitions go uncommitted: their next owner reads them
        // again.
        var partitions = revoked.Select(r => r.TopicPartition).ToList();
        FlushAndCommit(FlushBudget, CancellationToken.None, partitions);
        // Whether or not that commit went through, these offsets are no longer ours to commit: a member may commit any
        // partition of its group, so a refused commit retried later would move the next owner's offsets back (seen
        // in the scale-out test: a member's stale offsets from before a rebalance overwrote the new owner's).
        _offsets.Forget(partitions);
        log.LogInformation("Released pcap partitions {Partitions}", string.Join(",", partitions.Select(p => p.Partition.Value)));
    }

    /// <summary>
    /// Lost (not revoked): another member may already own them; committing now could move its offsets.
    /// </summary>
    public void OnLost(List<TopicPartitionOffset> lost)
    {
        _offsets.Forget(lost.Select(tp => tp.TopicPartition));
        log.LogWarning("Lost pcap partitions {Partitions}; their uncommitted records will be re-read by the new owner",
            string.Join(",", lost.Select(p => p.Partition.Value)));
    }
}
