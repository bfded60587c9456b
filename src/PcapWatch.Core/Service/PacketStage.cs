using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Packets;

namespace PcapWatch.Service;

/// <summary>
/// The hot loop: consumes <c>pcap</c> in batches (one consumer group across instances), each record read where
/// librdkafka holds it (<see cref="NativeRecordBatch"/>) and decided there (<see cref="PacketDecider"/>), and produces
/// every match. Offsets are committed only after the producer has flushed every match made from the records below them
/// — at-least-once, never a committed packet whose match could still be lost.
/// </summary>
/// <remarks>
/// Under a broker outage nothing blocks for long: a flush waits a bounded time (well inside max.poll.interval.ms) and
/// then skips the commit; when too much output is unacknowledged the partitions are paused, and the loop keeps polling
/// (group membership, shutdown) until the broker catches up. A record the broker finally refused is produced again
/// before any commit.
/// </remarks>
public sealed class PacketStage : IPacketStage, IDisposable
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
    private readonly DeliveryTracker _deliveries;
    private readonly PacketCommitter _committer;
    // Set by the service: a stop in progress ends the waits of the rebalance handlers.
    private CancellationToken _stopping;
    private readonly MatchProducer _matches;
    // Flows on: the watched hosts' packets for the flow stage (WATCHED_EMP_PACKETS).
    private readonly MatchProducer? _flowPackets;
    private readonly LearnedStatePublisher _learned;

    /// <summary>The instance's bindings, attributing by IP.</summary>
    internal SharedBindings? Bindings => _learned.Bindings;
    private bool _paused;

    // Half of librdkafka's default queue.buffering.max.messages: pause well before a produce call would have to wait.
    private const int PauseAtInFlight = 50_000;
    private const int ResumeAtInFlight = 10_000;

    /// <param name="options">The instance's settings: the cluster, the group, the topics and the consumer's
    /// properties.</param>
    /// <param name="decider">Decides each record (the join, the encoder, the binding rules).</param>
    /// <param name="output">The producer is shared with the changelog; flushed through the coordinator before every
    /// commit, disposed by the caller.</param>
    internal PacketStage(PipelineOptions options, PacketDecider decider, PacketOutput output, PipelineProgress progress, KafkaConnectivity kafka,
        ILogger log, SharedBindings? bindings = null, Names.SharedNames? names = null)
    {
        _learned = new LearnedStatePublisher(bindings, names, output, progress);
        _matches = new MatchProducer(output, options.Topics.Output, progress);
        _flowPackets = options.Flows ? new MatchProducer(output, options.Topics.WatchedPackets, progress, countsMatches: false) : null;
        _log = log;
        _deliveries = output.Deliveries;
        _producer = output.Producer;
        _deadLetters = output.DeadLetters;
        _decider = decider;
        _topics = options.Topics;
        _progress = progress;
        var config = ClientSettings.GroupMember(options.BootstrapServers, options.GroupId, options.ConsumerProperties);
        _committer = new PacketCommitter(_topics.Pcap, output.Commits, output.Deliveries, progress, FlushBudgetOf(config), log);
        _consumer = BuildConsumer(config, kafka);
        _committer.CommitFor(_consumer);
        _records = new NativeRecordBatch(_consumer);
    }

    /// <summary>
    /// How long a flush between polls may wait: it must leave the group in no doubt that this member is alive.
    /// </summary>
    private static TimeSpan FlushBudgetOf(ConsumerConfig config) => TimeSpan.FromMilliseconds(Math.Min(10_000, config.MaxPollIntervalMs!.Value / 3));

    private IConsumer<Ignore, Ignore> BuildConsumer(ConsumerConfig config, KafkaConnectivity kafka)
    {
        var startingOffsets = new StartingOffsets(config.Get("auto.offset.reset"));
        return KafkaClients.ConsumerBuilder<Ignore, Ignore>(config, kafka)
            .SetPartitionsAssignedHandler((consumer, assigned) => Guarded(() =>
            {
                _progress.OnAssigned(consumer.Assignment.Count + assigned.Count);
                _log.LogInformation("Assigned pcap partitions {Partitions}", string.Join(",", assigned.Select(p => p.Partition.Value)));
                return startingOffsets.For(consumer, assigned, TimeSpan.FromSeconds(10), _stopping);
            }, () => assigned.Select(tp => new TopicPartitionOffset(tp, Offset.Unset))))
            .SetPartitionsRevokedHandler((consumer, revoked) => Guarded(() =>
            {
                // Cooperative rebalance: hand over only after the revoked partitions' matches are safe and committed.
                _progress.OnAssigned(Math.Max(0, consumer.Assignment.Count - revoked.Count));
                _committer.OnRevoked(revoked);
                return 0;
            }, () => 0))
            .SetPartitionsLostHandler((_, lost) => Guarded(() =>
            {
                _committer.OnLost(lost);
                return 0;
            }, () => 0))
            .Build();
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

    /// <summary>From now on no flush (the loop's, a rebalance's, the one closing the consumer makes) waits past
    /// <paramref name="deadline"/>.</summary>
    public void StopBy(DateTime deadline) => _committer.StopBy(deadline);

    public TimeSpan FlushBudget => _committer.FlushBudget;

    /// <summary>The newest capture time of the packets this instance read past the gate (0 before the first).</summary>
    public long NewestCaptureMs => _decider.NewestCaptureMs;

    /// <inheritdoc cref="PacketDecider.MatchesByNameSource"/>
    internal long[] MatchesByNameSource => _decider.MatchesByNameSource;

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

    /// <summary>
    /// Processes up to <paramref name="max"/> records, waiting at most <paramref name="wait"/> for the first.
    /// </summary>
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

    /// <summary>
    /// One record (false for an event that is not one: the end of a partition); a consumer error is thrown, as Consume
    /// threw it.
    /// </summary>
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
        _learned.PublishFrom(_decider);
        if (decision.Outcome == PacketOutcome.Matched)
        {
            _matches.Produce(_decider.Pending, record.Partition, record.Offset, _committer.Floor(record.Partition, record.Offset), record.Timestamp);
        }
        else if (decision.Outcome == PacketOutcome.Rejected) DeadLetter(record, decision);
        if (_flowPackets is not null && _decider.PendingFlowPackets.Count > 0)
        {
            _flowPackets.Produce(_decider.PendingFlowPackets, record.Partition, record.Offset, _committer.Floor(record.Partition, record.Offset),
                record.Timestamp);
        }
        _committer.Processed(record.Partition, record.Offset);
        return true;
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
    /// Commits what was consumed once all output made from it is safe (<see cref="PacketCommitter"/>); whether it
    /// committed.
    /// </summary>
    public bool FlushAndCommit(TimeSpan budget, CancellationToken cancel) => _committer.FlushAndCommit(budget, cancel);

    public bool CommitAwaitsRejoin => _committer.AwaitsRejoin;

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
