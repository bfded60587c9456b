using System.Diagnostics;
using Confluent.Kafka;
using PcapWatch.Index;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
public sealed class PcapWatchService
{
    private const int TableBatch = 1000;
    private const long LargeRebuildRows = 100_000;
    // The latest the loaded tables are checkpointed after joining when no packet comes.
    private static readonly TimeSpan LoadedTablesCheckpointAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MetricsInterval = TimeSpan.FromSeconds(1);
    private const int PacketBatch = 5000;

    private readonly PipelineOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;

    /// <param name="loggers">Where the service and its clients log (the program passes Serilog's); none by default.</param>
    public PcapWatchService(PipelineOptions options, ILoggerFactory? loggers = null)
    {
        _options = options;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _log = _loggers.CreateLogger<PcapWatchService>();
    }

    public PipelineProgress Progress { get; } = new();


    /// <summary>Runs until <paramref name="cancel"/> fires, then flushes, commits, checkpoints and returns the summary.</summary>
    public PipelineSummary Run(CancellationToken cancel)
    {
        try
        {
            return RunUntilStopped(cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Stopped while starting (waiting for a topic, reading the changelog): nothing was consumed or committed.
            _log.LogInformation("Stopped during start-up: packets=0 matches=0 dlq=0 instance={InstanceId}", _options.InstanceId);
            return new PipelineSummary(0, 0, 0, new Dictionary<string, long>(), 0, 0, 0, TimeSpan.Zero);
        }
    }

    private PipelineSummary RunUntilStopped(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var o = _options;
        using var instanceScope = _log.BeginScope(new Dictionary<string, object> { ["InstanceId"] = o.InstanceId });
        using var stateLock = StateDirectoryLock.Acquire(o.StateDir);
        using var metrics = new PipelineMetrics(Progress, o.InstanceId);
        _log.LogInformation("Instance {InstanceId} starting (group {GroupId}, state in {StateDir})", o.InstanceId, o.GroupId, o.StateDir);
        var kafka = new KafkaConnectivity(_loggers.CreateLogger("librdkafka"));
        // One reader, connected once: it waits for the cluster, checks the topics and the checkpoints' offsets, and then
        // becomes the table loader's (each new client costs a connection and metadata round trips at start-up).
        using var reader = KafkaClients.Reader(o.BootstrapServers, o.ConsumerProperties, kafka);
        // Kept for the run: disposing an admin handle takes ~100 ms (its callback thread polls at that interval), which
        // belongs to shutdown, not to the time before the first match.
        using var metadata = new DependentAdminClientBuilder(reader.Handle).Build();
        ClusterWait.UntilReachable(reader, () => reader.Consume(TimeSpan.Zero), o.BootstrapServers, kafka, o.StartupTimeout,
            o.WaitingLogInterval, _log, cancel, metadata);
        kafka.ReportOutages();
        // Asked through a consumer: its metadata requests do not create topics (allow.auto.create.topics is false
        // for consumers), so a missing topic is reported, not silently created with the broker's defaults.
        var partitions = RequireTopics(metadata, o, cancel);
        var resume = new Dictionary<string, Dictionary<int, long>>();
        // The index is rebuilt from the rows the recovery scans show; a store that is not trusted starts empty, and what
        // was collected from it is forgotten.
        var rebuild = new IndexRebuild();
        var rebuildClock = Stopwatch.StartNew();
        // Attributing at capture time, a store's checkpoint is used only with the table history saved for it.
        var history = o.Attribution == Attribution.CaptureTime ? new OwnershipHistory { Retention = o.HistoryRetention } : null;
        // Read beside the stores' recovery (2 M versions take a second or two); asked for once a checkpoint is to be used.
        var historyReading = history is null ? null : Task.Run(() => (File: OwnershipHistoryFile.TryRead(HistoryPath, out var problem), Problem: problem));
        string? HistoryMismatch(TableCheckpoint checkpoint)
        {
            if (historyReading is null) return null;
            var (saved, problem) = historyReading.GetAwaiter().GetResult();
            return saved is null ? problem + " (attributing at capture time needs it)"
                : saved.Covers(checkpoint.Topic, checkpoint.NextOffsets) ? null
                : "the table history saved beside it covers other offsets";
        }
        // The two stores are recovered and scanned at the same time (two cores): the rebuild takes each scan's half
        // apart and resolves the watched owners once both are done.
        var computersOpening = Task.Run(() => OpenTable(o.Topics.Computers, "computers", resume, reader, partitions, rebuild.OnComputer,
            HistoryMismatch));
        FasterTableStore employeesStore;
        try
        {
            employeesStore = OpenTable(o.Topics.Employees, "employees", resume, reader, partitions, rebuild.OnEmployee, HistoryMismatch);
        }
        catch
        {
            computersOpening.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw;
        }
        using var employees = employeesStore;
        if (!Resumed(o.Topics.Employees)) rebuild.ForgetEmployees();
        using var computers = computersOpening.GetAwaiter().GetResult();
        if (!Resumed(o.Topics.Computers)) rebuild.ForgetComputers();
        var savedHistory = historyReading?.GetAwaiter().GetResult().File;
        bool Resumed(string topic)
        {
            lock (resume) return resume.ContainsKey(topic);
        }
        if (history is not null && savedHistory is not null && resume.Count > 0)
        {
            // Versions of a table read again from its topic (its checkpoint was not used) replace their saved copies.
            savedHistory.RestoreInto(history);
            _log.LogInformation("Table history restored: {Versions} versions, {Macs} MACs with a watched owner at some time", history.VersionCount,
                history.MacCount);
        }

        using var producer = ClientSettings.BuildProducer(o.BootstrapServers, o.ProducerProperties, kafka);
        var deliveries = new DeliveryTracker(o.RefusedRecordTimeout, _loggers.CreateLogger<DeliveryTracker>());
        metrics.Track(deliveries);
        var deadLetters = new DeadLetterWriter(producer, deliveries, o.DeadLetterMaxBytes, _loggers.CreateLogger<DeadLetterWriter>());
        using var changelog = o.PublishChangelog ? new WatchChangelog(producer, o.Topics.Changelog, deliveries, _loggers.CreateLogger<WatchChangelog>(), kafka) : null;
        var maintainer = new WatchIndexMaintainer(employees, computers, changelog, _loggers.CreateLogger<WatchIndexMaintainer>(), history);
        if (resume.Count > 0)
        {
            maintainer.Adopt(rebuild);
            _log.LogInformation("Tables recovered and index rebuilt in {Elapsed} ms: {WatchedMacs} watched MACs",
                rebuildClock.ElapsedMilliseconds, maintainer.Index.Count);
            bool large = employees.Count + computers.Count >= LargeRebuildRows;
            maintainer.MapsBuilt.ContinueWith(built =>
            {
                var gcClock = Stopwatch.StartNew();
                // The restart's scratch (the scans' copies of repeated keys, the packed rows, the maps while they grew) is garbage
                // now; with a million rows it kept the restarted process 150 MB above a first start until the GC got
                // round to it.
                if (large && built.IsCompletedSuccessfully) GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                _log.LogInformation("Reverse maps of the computers table made {Elapsed} ms after the restart began ({Collecting} ms returning scratch memory)",
                    rebuildClock.ElapsedMilliseconds, gcClock.ElapsedMilliseconds);
            }, TaskScheduler.Default);
        }
        var tables = new TableLoader(reader, partitions, o.Topics, maintainer, Progress, deadLetters, resume, _loggers.CreateLogger<TableLoader>());

        // What the broker finally refused is produced again; a changelog record is made good by reconciling the topic
        // (re-sending an old value could overwrite a newer one for its MAC).
        bool reconcileChangelog = false;
        void Redeliver(IReadOnlyList<FailedDelivery> failed)
        {
            // The tracker tells when refusals begin and end; each retry is detail.
            _log.LogDebug("{Count} output records were refused by the broker (first: {Topic}: {Reason}); producing them again before committing",
                failed.Count, failed[0].Topic, failed[0].Error.Reason);
            foreach (var f in failed)
            {
                if (changelog is not null && f.Topic == o.Topics.Changelog) reconcileChangelog = true;
                else deliveries.Produce(producer, f.Topic, f.Message);
            }
        }
        void ReconcileIfNeeded()
        {
            if (!reconcileChangelog || changelog is null) return;
            reconcileChangelog = false;
            changelog.Reconcile(o.BootstrapServers, maintainer.Index, o.ConsumerProperties, cancel, partitions.GetValueOrDefault(o.Topics.Changelog));
        }
        // A checkpoint moves the table offsets past rows that were dead-lettered: only once those are acknowledged.
        void CheckpointWhenSafe()
        {
            if (!deliveries.Settle(producer, TimeSpan.FromSeconds(10), cancel, Redeliver, out _)) return;
            if (!tables.TakeChanged()) return;
            Checkpoint(employees, computers, tables, history);
            metrics.OnCheckpoint();
        }

        // Made before the tables are read, subscribed after: its client connects and finds the group's coordinator
        // meanwhile (~50 ms that were on the way to the first match), and joins only once the tables are current.
        var shared = (o.Match & Join.MatchMode.Ip) != 0
            ? new SharedBindings(new IpBindings(), o.UsesBindingsTopic ? o.Topics.IpMacBindings : null, o.InstanceId)
            : null;
        using var encoder = o.OutputFormat == OutputFormat.Avro
            ? (IMatchEncoder)new AvroMatchEncoder(o.SchemaRegistryProperties
                ?? throw new InvalidOperationException("Avro output needs Schema Registry properties"), o.Topics.Output)
            : new JsonMatchEncoder();
        using var joiner = new PcapJoiner(o.BootstrapServers, o.GroupId, o.Topics, maintainer.Index, o.Match, Progress,
            o.ConsumerProperties, producer, deadLetters, encoder, deliveries, Redeliver, kafka, _loggers.CreateLogger<PcapJoiner>(), shared, history,
            o.MatchMaxBytes);

        while (!tables.IsCurrent && !cancel.IsCancellationRequested)
        {
            tables.Poll(TimeSpan.FromMilliseconds(100), TableBatch * 10);
            ClusterWait.ThrowIfRefused(kafka, o.BootstrapServers);
        }
        if (tables.IsCurrent)
        {
            // Packets do not wait for the changelog: its topic is read beside them, and compared with the index before the
            // index next changes at the latest.
            changelog?.BeginReconcile(o.BootstrapServers, maintainer.Index, o.ConsumerProperties, cancel, partitions.GetValueOrDefault(o.Topics.Changelog));
            Progress.OnTablesCurrent();
        }

        // Attributing by IP: the bindings the other instances published, read up to now before the first packet (as the
        // tables are), then between packet batches.
        using var bindingsReader = shared?.Topic is { } bindingsTopic
            ? new BindingsReader(o.BootstrapServers, o.ConsumerProperties, partitions[bindingsTopic], shared, kafka, _loggers.CreateLogger<BindingsReader>())
            : null;
        while (bindingsReader is { IsCurrent: false } && !cancel.IsCancellationRequested)
        {
            Progress.OnBindingsRead(bindingsReader.Poll(TimeSpan.FromMilliseconds(100), TableBatch * 10));
            ClusterWait.ThrowIfRefused(kafka, o.BootstrapServers);
        }
        if (bindingsReader is not null)
        {
            _log.LogInformation("Bindings {Topic} read: {Adopted} from other instances, {Addresses} addresses", o.Topics.IpMacBindings,
                bindingsReader.Adopted, shared!.Bindings.AddressCount);
        }

        if (!cancel.IsCancellationRequested)
        {
            joiner.Subscribe(cancel);
            _log.LogInformation("Joining {Pcap} → {Output} on {Match} as group {GroupId}, attributing to the owner {Attribution}", o.Topics.Pcap,
                o.Topics.Output, o.Match.ToString().ToLowerInvariant(), o.GroupId,
                history is null ? "now (latest)" : $"at capture time (history kept {o.HistoryRetention.TotalHours:0.###} h)");
            var sinceCommit = Stopwatch.StartNew();
            var sinceMetrics = Stopwatch.StartNew();
            var sinceCheckpoint = Stopwatch.StartNew();
            var status = new StatusLine(o.StatusInterval, joiner, maintainer, Progress, deadLetters, _log);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            // The loaded tables are checkpointed once the first batch of packets is on its way, not before: a
            // checkpoint takes 0.15 s even for a few rows, and packets need no checkpoint to be matched.
            bool loadedTablesCheckpointed = false;
            while (!cancel.IsCancellationRequested)
            {
                changelog?.ReconcileIfRead();
                maintainer.DecidedUpToMs = joiner.NewestCaptureMs;
                int tableChanges = tables.Poll(TimeSpan.Zero, TableBatch);
                if (tableChanges > 0 && history is not null) Progress.OnLateTableChanges(maintainer.LateChanges);
                if (bindingsReader is not null)
                {
                    int bindings = bindingsReader.Poll(TimeSpan.Zero, TableBatch, joiner.NewestCaptureMs);
                    // Late first: whoever sees the records read also sees what they said about lateness.
                    Progress.OnBindingsLate(bindingsReader.Late);
                    Progress.OnBindingsRead(bindings);
                    tableChanges += bindings;
                }
                int packets = joiner.ProcessBatch(TimeSpan.FromMilliseconds(tableChanges > 0 ? 0 : 100), PacketBatch);
                if (packets > 0 && joiner.LastBatchTimestampMs is { } writtenMs) metrics.RecordLatency(writtenMs);
                if (!loadedTablesCheckpointed && (packets > 0 || sinceCheckpoint.Elapsed >= LoadedTablesCheckpointAfter))
                {
                    CheckpointWhenSafe();
                    metrics.OnCheckpoint(); // also when nothing changed: the state on disk is the tables' now
                    loadedTablesCheckpointed = true;
                    sinceCheckpoint.Restart();
                }
                if (sinceCommit.Elapsed >= o.CommitInterval)
                {
                    joiner.FlushAndCommit(cancel);
                    ReconcileIfNeeded();
                    sinceCommit.Restart();
                }
                // Every second whatever the commit interval: the gauges say what the loop is doing now.
                if (sinceMetrics.Elapsed >= MetricsInterval)
                {
                    metrics.Update(joiner, maintainer, deadLetters);
                    Progress.OnLoopAllocated(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
                    sinceMetrics.Restart();
                }
                if (sinceCheckpoint.Elapsed >= o.CheckpointInterval)
                {
                    CheckpointWhenSafe();
                    sinceCheckpoint.Restart();
                }
                status.LogIfDue();
                // Credentials refused (rotated, revoked): retrying cannot fix it, an operator must.
                ClusterWait.ThrowIfRefused(kafka, o.BootstrapServers);
            }
            Progress.OnLoopAllocated(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
        }

        // Shutdown: finish the batch in hand, deliver everything, commit, checkpoint — within the shutdown timeout. What
        // the broker has not acknowledged by then is not committed past: those packets are read again after a restart.
        var shutdownDeadline = DateTime.UtcNow + o.ShutdownTimeout;
        joiner.StopBy(shutdownDeadline);
        if (changelog is { Reconciling: true })
        {
            // Half the time at most: committing what was matched matters more (the next start reconciles anyway).
            using var reconcileDeadline = new CancellationTokenSource(o.ShutdownTimeout / 2);
            if (!changelog.FinishReconcile(reconcileDeadline.Token))
            {
                _log.LogWarning("Stopping before the changelog {Topic} was reconciled with the index; the next start does it", o.Topics.Changelog);
            }
        }
        bool committed = false;
        while (!committed && DateTime.UtcNow < shutdownDeadline)
        {
            committed = joiner.FlushAndCommit(shutdownDeadline - DateTime.UtcNow, CancellationToken.None);
        }
        if (committed)
        {
            if (tables.TakeChanged()) Checkpoint(employees, computers, tables, history);
        }
        else
        {
            _log.LogError("Stopping without committing: {InFlight} output records were not acknowledged within the shutdown timeout ({Timeout} s); their packets will be read again after a restart",
                deliveries.InFlight, (int)o.ShutdownTimeout.TotalSeconds);
        }

        var summary = new PipelineSummary(Progress.Packets, Progress.Matches, deadLetters.Count, deadLetters.ByReason,
            maintainer.EmployeeRows, maintainer.ComputerRows, maintainer.Index.Count, clock.Elapsed);
        _log.LogInformation(
            "Stopped: packets={Packets} matches={Matches} dlq={DeadLettered} instance={InstanceId} employees={EmployeeRows} computers={ComputerRows} watched_macs={WatchedMacs} elapsed={Elapsed} dlq_by_reason={DeadLetteredByReason}",
            summary.Packets, summary.Matches, summary.DeadLettered, o.InstanceId, summary.EmployeeRows, summary.ComputerRows,
            summary.WatchedMacs, summary.Elapsed, summary.DeadLetteredByReason);
        if (history is not null)
        {
            _log.LogInformation("History: versions={Versions} macs={Macs} older_versions={OlderVersions} late_changes={LateChanges} judged_at_horizon={JudgedAtHorizon} instance={InstanceId}",
                history.VersionCount, history.MacCount, maintainer.OlderVersions, maintainer.LateChanges, history.JudgedAtHorizon, o.InstanceId);
        }
        if (shared is not null)
        {
            _log.LogInformation("Bindings: learned={Learned} published={Published} read_from_others={Adopted} late={Late} addresses={Addresses} instance={InstanceId}",
                Progress.BindingsLearned, shared.Published, bindingsReader?.Adopted ?? 0, bindingsReader?.Late ?? 0, shared.Bindings.AddressCount, o.InstanceId);
        }
        return summary;
    }

    private string TableDirectory(string name) => Path.Combine(_options.StateDir, name);

    /// <summary>
    /// Opens a table's store and recovers its checkpoint when it can be trusted: FASTER accepts it, its rows match the
    /// saved count and hash, and its offsets still fit the topic. Otherwise the store starts empty and the table is
    /// read from the beginning. Adds the offsets to resume from to <paramref name="resume"/>.
    /// </summary>
    /// <param name="alsoRequired">Any further reason not to use the checkpoint (null: none).</param>
    /// <param name="resume">Shared by the two tables' openings, which run at the same time: written under its lock.</param>
    private FasterTableStore OpenTable(string topic, string name, Dictionary<string, Dictionary<int, long>> resume,
        IConsumer<byte[]?, byte[]?> reader, Dictionary<string, List<TopicPartition>> partitions, FasterTableStore.RowVisitor recoveredRows,
        Func<TableCheckpoint, string?> alsoRequired)
    {
        var dir = TableDirectory(name);
        long? sized = null;
        long Buckets() => sized ??= _options.TableIndexBuckets > 0 ? _options.TableIndexBuckets : IndexBucketsFor(reader, partitions[topic]);
        var store = FasterTableStore.Verify(FasterTableStore.Recover(dir), dir, Buckets, out var checkpoint, out var problem,
            recoveredRows);
        if (problem is not null)
        {
            _log.LogWarning("Table {Topic}: the checkpoint in {Dir} cannot be used ({Problem}); rebuilding from the topic", topic, dir, problem);
        }
        if (checkpoint is null) return store;

        var mismatch = checkpoint.Topic != topic
            ? $"it is for topic '{checkpoint.Topic}'"
            : TableLoader.CheckResume(reader, partitions[topic], checkpoint.NextOffsets) ?? alsoRequired(checkpoint);
        if (mismatch is not null)
        {
            store.Dispose();
            var rebuilt = FasterTableStore.Create(dir, Buckets(), out var setAsideAs);
            _log.LogWarning("Table {Topic}: the checkpoint in {Dir} does not fit the topic ({Problem}); rebuilding from the topic (the old store is kept as {SetAsideAs})",
                topic, dir, mismatch, setAsideAs);
            return rebuilt;
        }
        _log.LogInformation("Table {Topic}: serving from checkpoint, {Rows} rows ({Scan}), resuming at offsets {Offsets}", topic, store.Count,
            store.FirstWritesOnly ? "each written once: verified in one pass" : "verified in two passes",
            string.Join(",", checkpoint.NextOffsets.OrderBy(e => e.Key).Select(e => $"{e.Key}:{e.Value}")));
        lock (resume) resume[topic] = checkpoint.NextOffsets;
        return store;
    }

    /// <summary>
    /// A new store's index, sized from the records its topic holds (an upper bound on its rows): too small and FASTER
    /// chains keys through the log (a 65,536-bucket index with a million rows made every write a longer walk); too
    /// large and every checkpoint writes it out (4 MB took 70 ms for a 3-row table).
    /// </summary>
    private static long IndexBucketsFor(IConsumer<byte[]?, byte[]?> reader, List<TopicPartition> partitions)
    {
        long records = 0;
        foreach (var tp in partitions)
        {
            var marks = reader.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
            records += Math.Max(0, marks.High.Value - marks.Low.Value);
        }
        return FasterTableStore.IndexBucketsFor(records);
    }

    private void Checkpoint(FasterTableStore employees, FasterTableStore computers, TableLoader tables, OwnershipHistory? history)
    {
        var clock = Stopwatch.StartNew();
        var employeeOffsets = tables.Positions(_options.Topics.Employees);
        var computerOffsets = tables.Positions(_options.Topics.Computers);
        employees.Checkpoint(_options.Topics.Employees, employeeOffsets);
        computers.Checkpoint(_options.Topics.Computers, computerOffsets);
        // After the stores: a crash in between leaves a history that does not cover them, and the tables are read again.
        if (history is not null)
        {
            try
            {
                OwnershipHistoryFile.Write(HistoryPath, history, new Dictionary<string, Dictionary<int, long>>
                {
                    [_options.Topics.Employees] = employeeOffsets,
                    [_options.Topics.Computers] = computerOffsets,
                });
            }
            catch (Exception ex) when (StorageFaults.IsEnvironment(ex))
            {
                throw StoreUnavailableException.For(Path.GetDirectoryName(HistoryPath)!, "saving the table history", ex);
            }
        }
        _log.LogInformation("Checkpointed tables ({EmployeeRows} employees, {ComputerRows} computers{History}) in {Elapsed} ms",
            employees.Count, computers.Count, history is null ? "" : $", {history.VersionCount} versions of history", clock.ElapsedMilliseconds);
    }

    private string HistoryPath => Path.Combine(_options.StateDir, "history", "versions.bin");

    /// <summary>
    /// The partitions of every topic the service writes (which must exist now: a missing one stops the start with its
    /// name, rather than the first bad record) and of the tables (waited for: they may be created by whoever fills
    /// them), asked once: the later readers take them from here, as asking again costs ~100 ms a time.
    /// </summary>
    private static Dictionary<string, List<TopicPartition>> RequireTopics(IAdminClient admin, PipelineOptions o, CancellationToken cancel)
    {
        var written = o.Topics.Written(o.PublishChangelog, o.UsesBindingsTopic).Select(t => (t, TimeSpan.FromSeconds(30)));
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
