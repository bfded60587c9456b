using Confluent.Kafka;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Packets;
using Microsoft.Extensions.Logging;
using PcapWatch.Bindings;

namespace PcapWatch.Service;

/// <summary>
/// The hot loop: consumes <c>pcap</c> in batches (one consumer group across instances), each record read where
/// librdkafka holds it (<see cref="NativeRecordBatch"/>) and decided there (<see cref="PacketDecider"/>), and produces
/// every match. Offsets are committed only after
/// the producer has flushed every match made from the records below them — at-least-once, never a committed packet whose match could still be lost.
/// </summary>
/// <remarks>
/// Under a broker outage nothing blocks for long: a flush waits a bounded time (well inside max.poll.interval.ms) and
/// then skips the commit; when too much output is unacknowledged the partitions are paused, and the loop keeps
/// polling (group membership, shutdown) until the broker catches up. A record the broker finally refused is produced
/// again before any commit.
/// </remarks>
public sealed class PcapJoiner : IPacketStage, IDisposable
{
    private readonly ILogger _log;

    private readonly IConsumer<Ignore, Ignore> _consumer;
    private readonly NativeRecordBatch _records;
    // A rebalance handler runs inside the batch read; what it threw is thrown from the loop after it (as Consume did).
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _handlerFailure;
    private readonly IProducer<byte[], byte[]?> _producer;
    private readonly PacketDecider _decider;
    private readonly TopicNames _topics;
    private readonly PipelineProgress _progress;
    private readonly DeadLetterWriter _deadLetters;
    private readonly OffsetTracker _offsets;
    private readonly DeliveryTracker _deliveries;
    private readonly CommitCoordinator _commits;
    private readonly TimeSpan _flushBudget;
    // Set by the service: a stop in progress ends the waits of the rebalance handlers, and no flush outlasts the deadline.
    private CancellationToken _stopping;
    private DateTime _shutdownDeadline = DateTime.MaxValue;
    // The output key of the last MAC matched.
    private MacAddress _lastKeyMac;
    private byte[]? _lastKey;
    private DateTime? _unacknowledgedSince;
    private readonly SharedBindings? _bindings;
    private bool _paused;

    // Half of librdkafka's default queue.buffering.max.messages: pause well before a produce call would have to wait.
    private const int PauseAtInFlight = 50_000;
    private const int ResumeAtInFlight = 10_000;

    /// <param name="options">The instance's settings: the cluster, the group, the topics and the consumer's properties.</param>
    /// <param name="decider">Decides each record (the join, the encoder, the binding rules).</param>
    /// <param name="output">The producer is shared with the changelog; flushed through the coordinator before every commit, disposed by the caller.</param>
    internal PcapJoiner(PipelineOptions options, PacketDecider decider, PacketOutput output, PipelineProgress progress, KafkaConnectivity kafka,
        ILogger log, SharedBindings? bindings = null)
    {
        _bindings = bindings;
        _log = log;
        _deliveries = output.Deliveries;
        _commits = output.Commits;
        _producer = output.Producer;
        _deadLetters = output.DeadLetters;
        _decider = decider;
        _topics = options.Topics;
        _offsets = new OffsetTracker(_topics.Pcap);
        _progress = progress;
        var consumerConfig = ClientSettings.Consumer(options.BootstrapServers, options.GroupId, options.ConsumerProperties);
        // With KIP-848 (group.protocol=consumer) the broker assigns partitions and owns the session timeout.
        if (consumerConfig.Get("group.protocol") != "consumer")
        {
            // Eager round-robin: every rebalance revokes all partitions (flushed and committed first), then reassigns
            // evenly. Cooperative-sticky avoids that pause, but on the embedded broker it left a reassigned partition
            // unfed for minutes in 1 of 3 runs of the scale-out test; set partition.assignment.strategy to use it.
            consumerConfig.PartitionAssignmentStrategy ??= PartitionAssignmentStrategy.RoundRobin;
            // Failover after a crash: a dead instance's partitions move after 10 s without heartbeats (Kafka's default
            // is 45 s).
            consumerConfig.SessionTimeoutMs ??= 10_000;
            consumerConfig.HeartbeatIntervalMs ??= 2_000;
        }
        // A rebalance waits at most this long for members to rejoin (the default, 300 s, also bounds how long a
        // restarted instance can wait behind members that were killed). The loop polls every 100 ms or faster.
        consumerConfig.MaxPollIntervalMs ??= 30_000;
        // A flush between polls must leave the group in no doubt that this member is alive.
        _flushBudget = TimeSpan.FromMilliseconds(Math.Min(10_000, consumerConfig.MaxPollIntervalMs.Value / 3));
        var startingOffsets = new StartingOffsets(consumerConfig.Get("auto.offset.reset"));
        _consumer = KafkaClients.ConsumerBuilder<Ignore, Ignore>(consumerConfig, kafka)
            .SetPartitionsAssignedHandler((consumer, assigned) => Guarded(() =>
            {
                _progress.OnAssigned(consumer.Assignment.Count + assigned.Count);
                _log.LogInformation("Assigned pcap partitions {Partitions}", string.Join(",", assigned.Select(p => p.Partition.Value)));
                return startingOffsets.For(consumer, assigned, TimeSpan.FromSeconds(10), _stopping);
            }, () => assigned.Select(tp => new TopicPartitionOffset(tp, Offset.Unset))))
            .SetPartitionsRevokedHandler((consumer, revoked) => Guarded(() =>
            {
                _progress.OnAssigned(Math.Max(0, consumer.Assignment.Count - revoked.Count));
                OnRevoked(revoked);
                return 0;
            }, () => 0))
            .SetPartitionsLostHandler((_, lost) => Guarded(() =>
            {
                // Lost (not revoked): another member may already own them; committing now could move its offsets.
                _offsets.Forget(lost.Select(tp => tp.TopicPartition));
                _log.LogWarning("Lost pcap partitions {Partitions}; their uncommitted records will be re-read by the new owner",
                    string.Join(",", lost.Select(p => p.Partition.Value)));
                return 0;
            }, () => 0))
            .Build();
        _records = new NativeRecordBatch(_consumer);
    }

    /// <summary>
    /// Runs a rebalance handler, keeping what it throws for the loop (it runs inside the batch read, where nothing may
    /// be thrown into librdkafka); the handler's fallback result lets the rebalance complete meanwhile.
    /// </summary>
    private T Guarded<T>(Func<T> handler, Func<T> fallback)
    {
        try
        {
            return handler();
        }
        catch (Exception ex)
        {
            _handlerFailure ??= System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            return fallback();
        }
    }


    /// <param name="stopping">Signalled when the service is asked to stop.</param>
    public void Subscribe(CancellationToken stopping)
    {
        _stopping = stopping;
        _consumer.Subscribe(_topics.Pcap);
    }

    /// <summary>From now on no flush (the loop's, a rebalance's, the one closing the consumer makes) waits past <paramref name="deadline"/>.</summary>
    public void StopBy(DateTime deadline) => _shutdownDeadline = deadline;

    public TimeSpan FlushBudget
    {
        get
        {
            var left = _shutdownDeadline - DateTime.UtcNow;
            return left < TimeSpan.Zero ? TimeSpan.Zero : left < _flushBudget ? left : _flushBudget;
        }
    }

    /// <summary>The newest capture time of the packets this instance read past the gate (0 before the first).</summary>
    public long NewestCaptureMs => _decider.NewestCaptureMs;

    /// <summary>
    /// Records in this instance's pcap partitions not yet consumed: the high watermark each fetch last reported minus
    /// the position (local values; no broker request).
    /// </summary>
    public long Lag() => LagByPartition().Sum(p => p.Value);

    /// <summary><see cref="Lag"/> per assigned partition.</summary>
    public KeyValuePair<int, long>[] LagByPartition()
    {
        var assignment = _consumer.Assignment;
        var lag = new KeyValuePair<int, long>[assignment.Count];
        for (int i = 0; i < assignment.Count; i++)
        {
            long high = _consumer.GetWatermarkOffsets(assignment[i]).High.Value;
            long position = _consumer.Position(assignment[i]).Value;
            lag[i] = new(assignment[i].Partition.Value, high >= 0 && position >= 0 ? Math.Max(0, high - position) : 0);
        }
        return lag;
    }

    /// <summary>
    /// When the last record of the last batch was written to Kafka (its timestamp, Unix ms), for latency metrics. Kept
    /// as milliseconds: a record may carry any timestamp, past the year 9999 too.
    /// </summary>
    public long? LastBatchTimestampMs { get; private set; }

    /// <summary>Processes up to <paramref name="max"/> records, waiting at most <paramref name="wait"/> for the first.</summary>
    public int ProcessBatch(TimeSpan wait, int max)
    {
        ApplyBackpressure();
        int n = 0;
        while (n < max)
        {
            int read = _records.Fill(n == 0 ? wait : TimeSpan.Zero, max - n);
            _handlerFailure?.Throw();
            if (read == 0) break;
            for (int i = 0; i < read; i++) n += Process(_records[i]) ? 1 : 0;
            if (_records[read - 1] is { Error: ErrorCode.NoError } newest && newest.Timestamp is { Type: not TimestampType.NotAvailable } written)
            {
                LastBatchTimestampMs = written.UnixTimestampMs;
            }
        }
        _records.Release();
        return n;
    }

    /// <summary>One record (false for an event that is not one: the end of a partition); a consumer error is thrown, as Consume threw it.</summary>
    private bool Process(NativeRecord record)
    {
        if (record.Error != ErrorCode.NoError)
        {
            if (record.Error == ErrorCode.Local_PartitionEOF) return false;
            throw new ConsumeException(new ConsumeResult<byte[], byte[]> { Partition = record.Partition, Offset = record.Offset },
                new Error(record.Error, record.ErrorReason));
        }
        _progress.OnConsumed(record.Partition, record.ValueIsNull ? 0 : record.Value.Length);
        var decision = _decider.Decide(record.Key, record.KeyIsNull, record.Value, record.ValueIsNull);
        if (decision.Outcome == PacketOutcome.NeedsRecordTime) decision = _decider.DecideAt(decision, record.Timestamp.UnixTimestampMs);
        if (_decider.Learned is { } learned)
        {
            _progress.OnBindingLearned();
            _bindings?.Publish(_producer, _deliveries, learned.Address, learned.Interval);
        }
        if (decision.Outcome == PacketOutcome.Matched) ProduceMatches(record.Timestamp);
        else if (decision.Outcome == PacketOutcome.Rejected) DeadLetter(record, decision);
        _offsets.Processed(record.Partition, record.Offset);
        return true;
    }

    /// <summary>The last record's matches, keyed by the canonical MAC as the recipe keys its output.</summary>
    private void ProduceMatches(Timestamp packetTime)
    {
        foreach (var (mac, value) in _decider.Pending)
        {
            // A key array is never written again once handed to the producer (a refused record is produced again
            // from it), so a new MAC gets a new array.
            if (_lastKey is null || _lastKeyMac != mac)
            {
                _lastKey = new byte[MacAddress.TextLength];
                mac.Format(_lastKey);
                _lastKeyMac = mac;
            }
            // A match keeps its packet's timestamp (ksqlDB's ROWTIME through a join): windows in `report` are event time.
            var message = new Message<byte[], byte[]?> { Key = _lastKey, Value = value };
            if (packetTime.Type != TimestampType.NotAvailable) message.Timestamp = new Timestamp(packetTime.UnixTimestampMs, TimestampType.CreateTime);
            _deliveries.Produce(_producer, _topics.Output, message);
            _progress.OnMatch(_lastKey.Length + value.Length);
        }
    }

    private void DeadLetter(NativeRecord record, PacketDecision decision)
    {
        var source = new ConsumeResult<byte[]?, byte[]?>
        {
            Topic = _topics.Pcap,
            Partition = record.Partition,
            Offset = record.Offset,
            Message = new Message<byte[]?, byte[]?>
            {
                Key = decision.Key,
                Value = decision.Value,
                Timestamp = record.Timestamp,
                Headers = record.CopyHeaders(),
            },
        };
        _deadLetters.Send(_topics.PcapDeadLetters, source, decision.Rejection.Code, decision.Rejection.Detail);
    }

    /// <summary>
    /// Pauses the pcap partitions while too much output is unacknowledged (a broker outage, a slow cluster) and
    /// resumes them once it drains. Consume keeps being called while paused: the group sees a live member.
    /// </summary>
    private void ApplyBackpressure()
    {
        long inFlight = _deliveries.InFlight;
        if (!_paused && inFlight >= PauseAtInFlight)
        {
            _paused = true;
            _log.LogWarning("Pausing pcap: {InFlight} output records not yet acknowledged by the broker", inFlight);
        }
        else if (_paused && inFlight <= ResumeAtInFlight)
        {
            _paused = false;
            _consumer.Resume(_consumer.Assignment);
            _log.LogInformation("Resuming pcap: the broker acknowledged the output ({InFlight} in flight)", inFlight);
        }
        // Again each batch while paused: a rebalance may have assigned partitions that are not paused yet.
        if (_paused) _consumer.Pause(_consumer.Assignment);
    }

    /// <summary>
    /// Waits (at most a bounded time) until every produced match and dead letter is acknowledged, produces again what
    /// the broker refused, and commits the consumed offsets only when all of it is safe. Returns whether it committed;
    /// a commit that has to wait is tried again at the next interval. Never waits past <paramref name="cancel"/>.
    /// </summary>
    public bool FlushAndCommit(CancellationToken cancel = default, IEnumerable<TopicPartition>? only = null) =>
        FlushAndCommit(FlushBudget, cancel, only);

    /// <inheritdoc cref="FlushAndCommit(CancellationToken, IEnumerable{TopicPartition}?)"/>
    public bool FlushAndCommit(TimeSpan budget, CancellationToken cancel, IEnumerable<TopicPartition>? only = null)
    {
        bool committed = TryFlushAndCommit(budget, cancel, only);
        _progress.OnCommitAttempt(committed, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return committed;
    }

    bool IPacketStage.FlushAndCommit(TimeSpan budget, CancellationToken cancel) => FlushAndCommit(budget, cancel);

    private bool TryFlushAndCommit(TimeSpan budget, CancellationToken cancel, IEnumerable<TopicPartition>? only)
    {
        // What the broker refused is produced again by the coordinator; the next commit waits for those too.
        bool settled = _commits.Settle(budget, cancel, out bool acknowledged);
        if (!acknowledged && _unacknowledgedSince is null)
        {
            _unacknowledgedSince = DateTime.UtcNow;
            _log.LogWarning("The broker has not acknowledged {InFlight} output records within {Budget} s; pcap offsets are not committed past them",
                _deliveries.InFlight, (int)budget.TotalSeconds);
        }
        else if (acknowledged && _unacknowledgedSince is { } since)
        {
            _log.LogInformation("Output acknowledged again after {Seconds:F0} s", (DateTime.UtcNow - since).TotalSeconds);
            _unacknowledgedSince = null;
        }
        if (!settled) return false;
        var offsets = _offsets.ToCommit(tp => _consumer.Position(tp).Value, only);
        if (offsets.Count == 0) return true;
        try
        {
            _consumer.Commit(offsets);
        }
        catch (KafkaException ex)
        {
            // A refused commit loses nothing: those records are read again (by us or the partitions' next owner).
            // Typical after a broker stall or a rebalance (unknown member, rebalance in progress). Keep the offsets:
            // the next commit retries them, unless the partitions were revoked or lost meanwhile (the handlers drop
            // those).
            _log.LogWarning("Commit of pcap offsets refused ({Reason}); will retry, and records may be read twice", ex.Error.Reason);
            return false;
        }
        _offsets.Committed(offsets);
        if (_log.IsEnabled(LogLevel.Debug))
        {
            _log.LogDebug("Committed pcap offsets {Offsets}", string.Join(",", offsets.Select(o => $"{o.Partition.Value}:{o.Offset.Value}")));
        }
        return true;
    }

    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        // Cooperative rebalance: hand over only after the revoked partitions' matches are safe and committed.
        // If the output cannot be acknowledged in time the partitions go uncommitted: their next owner reads them again.
        var partitions = revoked.Select(r => r.TopicPartition).ToList();
        FlushAndCommit(CancellationToken.None, partitions);
        // Whether or not that commit went through, these offsets are no longer ours to commit: a member may commit any
        // partition of its group, so a refused commit retried later would move the next owner's offsets back (seen
        // in the scale-out test: a member's stale offsets from before a rebalance overwrote the new owner's).
        _offsets.Forget(partitions);
        _log.LogInformation("Released pcap partitions {Partitions}", string.Join(",", partitions.Select(p => p.Partition.Value)));
    }

    public void Dispose()
    {
        _records.Dispose();
        try
        {
            _consumer.Close();
        }
        catch (KafkaException ex)
        {
            _log.LogWarning("Leaving the consumer group failed: {Reason}", ex.Error.Reason);
        }
        _consumer.Dispose();
    }
}
