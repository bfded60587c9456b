using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace PcapWatch.FlowStage;

/// <summary>Checkpoints, and going back to them when flow records were lost.</summary>
internal sealed partial class FlowTasks
{
    /// <summary>
    /// Checkpoints the tasks that changed (or whose last checkpoint is old): first every flow record produced so far
    /// must be acknowledged; then each task's state is written with its offset and acknowledged; then the offsets are
    /// committed to the group (for lag; the checkpoint is what a restore goes by). False when it could not be done in
    /// <paramref name="timeout"/>: nothing is committed, and the next interval tries again. When the broker refused a
    /// flow record, every task goes back to its last checkpoint and reads on from there, so the record is made again.
    /// </summary>
    public bool Checkpoint(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyCollection<FlowTask> tasks, TimeSpan timeout)
    {
        bool done = TryCheckpoint(consumer, tasks, timeout);
        // Told once when checkpoints stop (an outage would repeat it every interval) and once when they go on again.
        if (done && _checkpointsFailing) log.LogInformation("Flows: checkpoints written again");
        _checkpointsFailing = !done;
        return done;
    }

    private bool _checkpointsFailing;

    private bool TryCheckpoint(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyCollection<FlowTask> tasks, TimeSpan timeout)
    {
        if (tasks.Count == 0) return true;
        int unsent = output.Producer.Flush(timeout);
        if (unsent > 0)
        {
            if (!_checkpointsFailing)
            {
                log.LogWarning("Flows: {Unsent} flow records not acknowledged within {Seconds} s; no checkpoint until they are", unsent,
                    timeout.TotalSeconds);
            }
            return false;
        }
        var (refused, reason) = output.TakeRefusals();
        if (refused > 0)
        {
            Rewind(consumer, refused, reason);
            return false;
        }
        long now = NowTicks();
        foreach (var task in tasks)
        {
            if (!task.Changed && now - task.CheckpointedAtTicks < KeepAlive.Ticks) continue;
            var checkpoint = task.Save();
            if (!checkpoints.Write(output.Producer, checkpoint, timeout, out var failure))
            {
                if (_checkpointsFailing) return false;
                log.LogWarning("Flows: the checkpoint of partition {Partition} was not written ({Reason}); trying again at the next interval",
                    task.Partition, failure);
                return false;
            }
            task.Written(checkpoint, now);
            progress.OnCheckpoint();
        }
        Commit(consumer, tasks);
        return true;
    }

    private void Commit(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyCollection<FlowTask> tasks)
    {
        try
        {
            consumer.Commit(tasks.Select(t => new TopicPartitionOffset(options.Topics.WatchedPackets, t.Partition, t.NextOffset)));
        }
        catch (KafkaException ex)
        {
            // The checkpoints are written: a restore goes by them, so a refused commit only leaves the group's lag stale.
            log.LogWarning("Flows: commit refused ({Reason}); the checkpoints are written", ex.Error.Reason);
        }
    }

    private void Rewind(IConsumer<byte[]?, byte[]?> consumer, long refused, string? reason)
    {
        log.LogError("Flows: the broker refused {Count} flow records ({Reason}); going back to the last checkpoints to make them again",
            refused, reason);
        long now = NowTicks();
        foreach (var task in _tasks.Values.ToList())
        {
            if (task.Checkpointed is not { } checkpoint) continue;
            _tasks[task.Partition] = FlowTask.Restore(checkpoint, options.FlowTimeouts, now);
            try
            {
                consumer.Seek(new TopicPartitionOffset(options.Topics.WatchedPackets, task.Partition, checkpoint.NextOffset));
            }
            catch (KafkaException ex)
            {
                // Being revoked: its next owner restores the same checkpoint.
                log.LogWarning("Flows: partition {Partition} could not go back ({Reason})", task.Partition, ex.Error.Reason);
            }
        }
        progress.OnRewind();
    }
}
