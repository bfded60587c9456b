using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Flows;
using PcapWatch.Service;

namespace PcapWatch.FlowStage;

/// <summary>
/// The flow stage's tasks, one per input partition this instance owns, as Kafka Streams' TaskManager keeps them: a task
/// is restored from its newest checkpoint when its partition is assigned and resumes at that checkpoint's offset,
/// checkpointed (<see cref="Checkpoint"/>) before its partition is revoked, and dropped unsaved when it is lost. What a
/// checkpoint holds was made from exactly the input before its offset, and its flow records were acknowledged before
/// it was written, so a partition continues on its next owner without losing a packet or counting one twice; what was
/// made after the checkpoint is made again, identically (readers recognise the repeats).
/// </summary>
internal sealed partial class FlowTasks(PipelineOptions options, FlowCheckpointTopic checkpoints, IConsumer<byte[]?, byte[]?> checkpointReader,
    FlowRecordProducer output, FlowStageProgress progress, ILogger log, CancellationToken cancel)
{
    // A task checkpoints when it changed, and at least this often anyway, so its newest checkpoint outlives the
    // checkpoint topic's retention however long its partition stays quiet.
    private static readonly TimeSpan KeepAlive = TimeSpan.FromHours(6);
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromSeconds(30);
    private readonly Dictionary<int, FlowTask> _tasks = [];
    private readonly List<FlowRecord> _emitted = [];

    public IEnumerable<FlowTask> All => _tasks.Values;

    public IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
    {
        var resumed = new List<TopicPartitionOffset>();
        foreach (var partition in partitions)
        {
            var task = Open(consumer, partition);
            _tasks[partition.Partition.Value] = task;
            resumed.Add(new TopicPartitionOffset(partition, task.NextOffset));
        }
        progress.OnTasks(_tasks.Values);
        return resumed;
    }

    public void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        var revoked = partitions.Select(p => _tasks.GetValueOrDefault(p.Partition.Value)).OfType<FlowTask>().ToList();
        Checkpoint(consumer, revoked, TimeSpan.FromSeconds(10));
        foreach (var task in revoked) _tasks.Remove(task.Partition);
        progress.OnTasks(_tasks.Values);
        log.LogInformation("Flows: partitions {Partitions} handed over", string.Join(",", revoked.Select(t => t.Partition)));
    }

    public void OnLost(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        foreach (var p in partitions) _tasks.Remove(p.Partition.Value);
        progress.OnTasks(_tasks.Values);
        log.LogWarning("Flows: partitions {Partitions} lost without a checkpoint; their next owner goes on from the last one",
            string.Join(",", partitions.Select(p => p.Partition.Value)));
    }

    public void Apply(ConsumeResult<byte[]?, byte[]?> record)
    {
        if (!_tasks.TryGetValue(record.Partition.Value, out var task)) return;
        var outcome = task.Add(record, _emitted, NowTicks());
        progress.OnPacket(outcome != FlowTask.Outcome.Unreadable, outcome == FlowTask.Outcome.Repeat);
        if (outcome == FlowTask.Outcome.Unreadable && task.Unreadable is 1 or 10 or 100 or 1000 or 10_000)
        {
            log.LogWarning("Flows: partition {Partition} offset {Offset} is not a flow packet (another layout, or no {Header} header); "
                + "skipped ({Count} so far there)", task.Partition, record.Offset.Value, Output.MatchOrigin.Header, task.Unreadable);
        }
        output.Send(_emitted);
    }

    /// <summary>Quiet partitions move on by wall time (<see cref="FlowTask.AdvanceByWallClock"/>).</summary>
    public void Tick(long nowTicks)
    {
        foreach (var task in _tasks.Values) task.AdvanceByWallClock(nowTicks, _emitted);
        output.Send(_emitted);
        progress.OnTasks(_tasks.Values);
    }

    /// <summary>A monotonic clock in ticks: wall time as the tasks measure quiet and keep-alive.</summary>
    public static long NowTicks() => Stopwatch.GetElapsedTime(0).Ticks;

    private FlowTask Open(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition)
    {
        int p = partition.Partition.Value;
        long now = NowTicks();
        try
        {
            if (checkpoints.ReadLatest(checkpointReader, p, RestoreTimeout, cancel) is { } checkpoint)
            {
                var task = FlowTask.Restore(checkpoint, options.FlowTimeouts, now);
                log.LogInformation("Flows: partition {Partition} restored from its checkpoint, {Open} open flows, resuming at offset {Offset}",
                    p, task.Flows.OpenFlows, task.NextOffset);
                return task;
            }
        }
        catch (InvalidDataException ex)
        {
            log.LogError("Flows: the newest checkpoint of partition {Partition} is unusable ({Reason}); starting it without open flows",
                p, ex.Message);
        }
        return Empty(consumer, partition, now);
    }

    private FlowTask Empty(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition, long now)
    {
        long committed = consumer.Committed([partition], RestoreTimeout).Single().Offset.Value;
        long low = consumer.QueryWatermarkOffsets(partition, RestoreTimeout).Low.Value;
        long start = Math.Max(committed, low);
        if (committed > low)
        {
            log.LogWarning("Flows: partition {Partition} has no checkpoint; resuming at its committed offset {Offset} without the flows "
                + "open there (they start again with what follows)", partition.Partition.Value, committed);
        }
        var task = FlowTask.Empty(partition.Partition.Value, start, options.FlowTimeouts, now);
        task.Written(task.Save(), now);
        return task;
    }
}
