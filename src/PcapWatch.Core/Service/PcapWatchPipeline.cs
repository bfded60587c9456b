using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Tables;

namespace PcapWatch.Service;

/// <summary>
/// One PcapWatch instance: table loading, index maintenance and the packet join, all on one thread. Tables change
/// rarely and packets are many, so a single owner of the stores and index needs no locks; table messages are applied
/// between packet batches, within ~100 ms. More throughput comes from more instances in the consumer group.
/// </summary>
/// <remarks>
/// Durability: the table stores are checkpointed (with the table offsets they cover) periodically and at shutdown, and
/// recovered on start, so a restart reads only what changed while it was down. pcap offsets are committed only after
/// every match and dead letter below them is acknowledged (at-least-once).
/// </remarks>
public sealed class PcapWatchPipeline
{
    private const long LargeRebuildRows = 100_000;

    private readonly PipelineOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;

    /// <param name="loggers">Where the service and its clients log (the program passes Serilog's); none by
    /// default.</param>
    public PcapWatchPipeline(PipelineOptions options, ILoggerFactory? loggers = null)
    {
        _options = options;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _log = _loggers.CreateLogger<PcapWatchPipeline>();
    }

    public PipelineProgress Progress { get; } = new();

    /// <summary>
    /// Runs until <paramref name="cancel"/> fires, then flushes, commits, checkpoints and returns the summary.
    /// </summary>
    public PipelineSummary Run(CancellationToken cancel)
    {
        var state = new LoopStateMachine(Progress, _log);
        try
        {
            return RunUntilStopped(cancel, state);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Stopped while starting (waiting for a topic, reading the changelog): nothing was consumed or committed.
            _log.LogInformation("Stopped during start-up: packets=0 matches=0 dlq=0 instance={InstanceId}", _options.InstanceId);
            return new PipelineSummary(0, 0, 0, new Dictionary<string, long>(), 0, 0, 0, TimeSpan.Zero);
        }
        finally
        {
            state.MoveTo(LoopState.Dead);
        }
    }

    /// <summary>
    /// The phases of a run in their order: starting, restoring, loading tables, running, shutting down.
    /// </summary>
    private PipelineSummary RunUntilStopped(CancellationToken cancel, LoopStateMachine state)
    {
        var clock = Stopwatch.StartNew();
        var o = _options;
        using var instanceScope = _log.BeginScope(new Dictionary<string, object> { ["InstanceId"] = o.InstanceId });
        using var stateLock = StateDirectoryLock.Acquire(o.StateDir);
        using var metrics = new PipelineMetrics(Progress, o.InstanceId);
        _log.LogInformation("Instance {InstanceId} starting (group {GroupId}, state in {StateDir})", o.InstanceId, o.GroupId, o.StateDir);
        var kafka = new KafkaConnectivity(_loggers.CreateLogger("librdkafka"));
        // One reader, connected once: it waits for the cluster, checks the topics and the checkpoints' offsets, and
        // then becomes the table loader's (each new client costs a connection and metadata round trips at start-up).
        using var reader = KafkaClients.Reader(o.BootstrapServers, o.ConsumerProperties, kafka);
        // Kept for the run: disposing an admin handle takes ~100 ms (its callback thread polls at that interval), which
        // belongs to shutdown, not to the time before the first match.
        using var metadata = new DependentAdminClientBuilder(reader.Handle).Build();
        ClusterWait.UntilReachable(reader, () => reader.Consume(TimeSpan.Zero), o.BootstrapServers, kafka, o.StartupTimeout,
            o.WaitingLogInterval, _log, cancel, metadata);
        kafka.ReportOutages();
        var partitions = RequireTopics(metadata, o, cancel);

        state.MoveTo(LoopState.Restoring);
        var restoreClock = Stopwatch.StartNew();
        using var recovered = new StateRecovery(o, reader, partitions, _log).Recover();
        using var pipeline = AssembledPipeline.Build(o, recovered, reader, partitions, kafka, metrics, Progress, _loggers);
        if (recovered.Resumed) ReportRestored(pipeline.Maintainer, recovered, restoreClock);

        state.MoveTo(LoopState.LoadingTables);
        var catchUp = new StartupCatchUp(pipeline, o, kafka, Progress, _log);
        var shared = catchUp.Run(partitions, _loggers, cancel);
        if (!cancel.IsCancellationRequested)
        {
            state.MoveTo(LoopState.Running);
            RunLoop(pipeline, shared, metrics, kafka, cancel);
        }

        state.MoveTo(LoopState.ShuttingDown);
        ShutDown(pipeline);
        return new StopReport(o, Progress, _log).Summarise(pipeline, clock.Elapsed);
    }

    private void ReportRestored(WatchIndexMaintainer maintainer, RecoveredState recovered, Stopwatch restoreClock)
    {
        _log.LogInformation("Tables recovered and index rebuilt in {Elapsed} ms: {WatchedMacs} watched MACs",
            restoreClock.ElapsedMilliseconds, maintainer.Index.Count);
        bool large = recovered.Employees.Count + recovered.Computers.Count >= LargeRebuildRows;
        maintainer.MapsBuilt.ContinueWith(built =>
        {
            var gcClock = Stopwatch.StartNew();
            // The restart's scratch (the scans' copies of repeated keys, the packed rows, the maps while they grew) is
            // garbage now; with a million rows it kept the restarted process 150 MB above a first start until the GC
            // got round to it.
            if (large && built.IsCompletedSuccessfully) GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            _log.LogInformation("Reverse maps of the computers table made {Elapsed} ms after the restart began "
                + "({Collecting} ms returning scratch memory)",
                restoreClock.ElapsedMilliseconds, gcClock.ElapsedMilliseconds);
        }, TaskScheduler.Default);
    }

    private void RunLoop(AssembledPipeline pipeline, SharedStateFeed? shared, PipelineMetrics metrics, KafkaConnectivity kafka,
        CancellationToken cancel)
    {
        var o = _options;
        pipeline.Packets.Subscribe(cancel);
        _log.LogInformation("Joining {Pcap} → {Output} on {Match} as group {GroupId}, attributing to the owner {Attribution}", o.Topics.Pcap,
            o.Topics.Output, o.Match.ToString().ToLowerInvariant(), o.GroupId,
            pipeline.Changes.History is null ? "now (latest)" : $"at capture time (history kept {o.HistoryRetention.TotalHours:0.###} h)");
        var status = new StatusLine(o.StatusInterval, pipeline.Packets, pipeline.Maintainer, Progress, pipeline.DeadLetters, _log);
        var reporting = new LoopReporting(pipeline.Packets, pipeline.Changes, pipeline.DeadLetters, Progress, metrics, status, kafka,
            o.BootstrapServers);
        var parts = new LoopParts(pipeline.Tables, shared, pipeline.Packets, pipeline.Commits, pipeline.Reconciler, reporting)
        {
            CommitInterval = o.CommitInterval,
            CheckpointInterval = o.CheckpointInterval,
        };
        new PipelineLoop(parts).Run(cancel);
        reporting.RecordAllocated();
    }

    /// <summary>
    /// Finishes the batch in hand, delivers everything, commits, checkpoints — within the shutdown timeout. What the
    /// broker has not acknowledged by then is not committed past: those packets are read again after a restart.
    /// </summary>
    private void ShutDown(AssembledPipeline pipeline)
    {
        var o = _options;
        var deadline = DateTime.UtcNow + o.ShutdownTimeout;
        pipeline.Packets.StopBy(deadline);
        if (pipeline.Reconciler is { Reconciling: true } reconciler)
        {
            // Half the time at most: committing what was matched matters more (the next start reconciles anyway).
            using var reconcileDeadline = new CancellationTokenSource(o.ShutdownTimeout / 2);
            if (!reconciler.Finish(reconcileDeadline.Token))
            {
                _log.LogWarning("Stopping before the changelog {Topic} was reconciled with the index; the next start does it", o.Topics.Changelog);
            }
        }
        var stopped = pipeline.Commits.CommitThenCheckpoint(pipeline.Packets, deadline);
        if (stopped == StopCommit.RefusedByRebalance)
        {
            _log.LogWarning("Stopping without a last commit: the group is rebalancing; the packets read since the last commit will "
                + "be read again by their partitions' next owner");
        }
        else if (stopped == StopCommit.TimedOut)
        {
            _log.LogError("Stopping without committing within the shutdown timeout ({Timeout} s; {InFlight} output records not "
                + "acknowledged); their packets will be read again after a restart",
                (int)o.ShutdownTimeout.TotalSeconds, pipeline.Deliveries.InFlight);
        }
    }

    /// <summary>
    /// The partitions of every topic the service writes (which must exist now: a missing one stops the start with its
    /// name, rather than the first bad record) and of the tables (waited for: they may be created by whoever fills
    /// them), asked once: the later readers take them from here, as asking again costs ~100 ms a time.
    /// </summary>
    private static Dictionary<string, List<TopicPartition>> RequireTopics(IAdminClient admin, PipelineOptions o, CancellationToken cancel)
    {
        var written = o.Topics.Written(o.PublishChangelog, o.UsesBindingsTopic, o.UsesNamesTopic, o.Flows).Select(t => (t, TimeSpan.FromSeconds(30)));
        var tables = new[] { o.Topics.Employees, o.Topics.Computers }.Select(t => (t, TimeSpan.FromMinutes(5)));
        try
        {
            return TopicPartitions.Of(admin, written.Concat(tables), cancel);
        }
        catch (KafkaUnavailableException ex) when (ex.Reason == KafkaUnavailableReason.TopicMissing)
        {
            // The message names the topic: "topic 'X' not found on the cluster".
            throw ex.At(o.BootstrapServers, "create it before starting (see docs/operations.md, 'Against a real Kafka')");
        }
    }
}
