using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PcapWatch.Kafka;
using PcapWatch.Service;

namespace PcapWatch.FlowStage;

/// <summary>
/// The flow stage of <c>run --flows</c>: a member of its own consumer group (<see cref="PipelineOptions.FlowGroupId"/>)
/// on <c>WATCHED_EMP_PACKETS</c>, so it scales by partition assignment like the packet stage. It turns each owned
/// partition's packets into flow records on <c>WATCHED_EMP_FLOWS</c> (<see cref="FlowTask"/>), checkpoints them every
/// <see cref="PipelineOptions.FlowCheckpointInterval"/>, at a rebalance and at shutdown (<see cref="FlowTasks"/>), and
/// moves quiet partitions on by wall time. Records are delivered at least once: after a crash what was made since the
/// last checkpoint is made again, the same records with the same <c>SEQ</c>.
/// </summary>
public sealed class FlowStageLoop(PipelineOptions options, ILoggerFactory? loggers = null)
{
    private const int BatchRecords = 10_000;
    private static readonly TimeSpan CheckpointTimeout = TimeSpan.FromSeconds(10);
    private readonly ILoggerFactory _loggers = loggers ?? NullLoggerFactory.Instance;

    public FlowStageProgress Progress { get; } = new();

    /// <summary>Runs until <paramref name="cancel"/> fires; then checkpoints every partition and leaves the group.</summary>
    public void Run(CancellationToken cancel)
    {
        var log = _loggers.CreateLogger<FlowStageLoop>();
        var o = options;
        var kafka = new KafkaConnectivity(_loggers.CreateLogger("librdkafka"));
        using var reader = KafkaClients.Reader(o.BootstrapServers, o.ConsumerProperties, kafka);
        var wait = o.StartupTimeout ?? TimeSpan.FromDays(365);
        TopicPartitions.Of(reader, o.Topics.WatchedPackets, wait, cancel);
        TopicPartitions.Of(reader, o.Topics.Flows, wait, cancel);
        int checkpointPartitions = TopicPartitions.Of(reader, o.Topics.FlowCheckpoints, wait, cancel).Count;
        using var producer = ClientSettings.BuildProducer(o.BootstrapServers, o.ProducerProperties, kafka);
        var output = new FlowRecordProducer(producer, o.Topics.Flows, Progress);
        var checkpoints = new FlowCheckpointTopic(o.Topics.FlowCheckpoints, o.FlowGroupId, checkpointPartitions);
        var tasks = new FlowTasks(o, checkpoints, reader, output, Progress, log, cancel);
        using var consumer = KafkaClients.ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.GroupMember(o.BootstrapServers, o.FlowGroupId,
                o.ConsumerProperties), kafka)
            .SetPartitionsAssignedHandler(tasks.OnAssigned)
            .SetPartitionsRevokedHandler(tasks.OnRevoked)
            .SetPartitionsLostHandler(tasks.OnLost)
            .Build();
        log.LogInformation("Flows: {Input} → {Output} as group {GroupId}, checkpoints in {Checkpoints} every {Seconds} s", o.Topics.WatchedPackets,
            o.Topics.Flows, o.FlowGroupId, o.Topics.FlowCheckpoints, o.FlowCheckpointInterval.TotalSeconds);
        consumer.Subscribe(o.Topics.WatchedPackets);
        try
        {
            Loop(consumer, tasks, log, cancel);
        }
        finally
        {
            Stop(consumer, tasks, log);
        }
    }

    private void Loop(IConsumer<byte[]?, byte[]?> consumer, FlowTasks tasks, ILogger log, CancellationToken cancel)
    {
        long nextCheckpoint = FlowTasks.NowTicks() + options.FlowCheckpointInterval.Ticks;
        long nextStatus = options.StatusInterval > TimeSpan.Zero ? FlowTasks.NowTicks() + options.StatusInterval.Ticks : long.MaxValue;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                for (int i = 0; i < BatchRecords && consumer.Consume(i == 0 ? TimeSpan.FromMilliseconds(100) : TimeSpan.Zero) is { } record; i++)
                {
                    tasks.Apply(record);
                }
            }
            catch (ConsumeException ex)
            {
                log.LogWarning("Flows: {Reason}", ex.Error.Reason);
            }
            long now = FlowTasks.NowTicks();
            tasks.Tick(now);
            if (now >= nextStatus)
            {
                LogStatus(log, "Flows status:");
                nextStatus = now + options.StatusInterval.Ticks;
            }
            if (now < nextCheckpoint) continue;
            tasks.Checkpoint(consumer, tasks.All.ToList(), CheckpointTimeout);
            nextCheckpoint = now + options.FlowCheckpointInterval.Ticks;
        }
    }

    private void Stop(IConsumer<byte[]?, byte[]?> consumer, FlowTasks tasks, ILogger log)
    {
        bool saved = tasks.Checkpoint(consumer, tasks.All.ToList(), options.ShutdownTimeout);
        tasks.Tick(FlowTasks.NowTicks());
        // Before leaving the group: the counts of the partitions it holds go with them.
        LogStatus(log, saved ? "Flows stopped:" : "Flows stopped without a last checkpoint:");
        try
        {
            consumer.Close(); // revokes: nothing changed since, so nothing more is written
        }
        catch (KafkaException ex)
        {
            log.LogWarning("Flows: leaving the group: {Reason}", ex.Error.Reason);
        }
    }

    private void LogStatus(ILogger log, string what)
    {
        var p = Progress;
        log.LogInformation("{What} flow_packets={Packets} repeats={Repeats} unreadable={Unreadable} flow_records={Records} open_flows={Open} "
            + "waiting={Waiting} late={Late} evicted={Evicted} partitions={Partitions} checkpoints={Checkpoints} rewinds={Rewinds}", what,
            p.Packets, p.Repeats, p.Unreadable, p.Records, p.OpenFlows, p.WaitingPackets, p.Late, p.Evicted, p.Partitions, p.Checkpoints,
            p.Rewinds);
    }
}
