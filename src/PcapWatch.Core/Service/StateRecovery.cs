using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Index;
using PcapWatch.Persistence;
using PcapWatch.Tables;

namespace PcapWatch.Service;

/// <summary>
/// Start-up's restoring phase, modelled on Kafka Streams' StoreChangelogReader: opens both table stores at the same
/// time (two cores; 2 M rows take a second or two each) and keeps a checkpoint only when it can be trusted — FASTER
/// accepts it, its rows match the saved count and hash, its offsets still fit the topic, and (attributing at capture
/// time) the table history saved beside it covers the same offsets. A store that is not trusted starts empty, and what
/// its scan showed is forgotten.
/// </summary>
internal sealed class StateRecovery(PipelineOptions options, IConsumer<byte[]?, byte[]?> reader, Dictionary<string, List<TopicPartition>> partitions,
    ILogger log)
{
    private readonly PipelineOptions _options = options;
    private readonly IConsumer<byte[]?, byte[]?> _reader = reader;
    private readonly Dictionary<string, List<TopicPartition>> _partitions = partitions;
    private readonly ILogger _log = log;
    private Task<(OwnershipHistoryFile? File, string? Problem)>? _historyReading;

    public RecoveredState Recover()
    {
        var rebuild = new IndexRebuild();
        var history = _options.Attribution == Attribution.CaptureTime
            ? new OwnershipHistory { Retention = _options.HistoryRetention, Ceiling = new TimeCeiling(TimeProvider.System, _options.MaxClockSkew) }
            : null;
        // Read beside the stores' recovery; asked for once a checkpoint is to be used.
        _historyReading = history is null ? null : Task.Run(() =>
            (File: OwnershipHistoryFile.TryRead(TableCheckpointer.HistoryPathIn(_options.StateDir), out var problem), Problem: problem));
        var computersOpening = Task.Run(() => new TableRecovery(this, _options.Topics.Computers, "computers", rebuild.OnComputer).Open());
        TableOpened employees;
        try
        {
            employees = new TableRecovery(this, _options.Topics.Employees, "employees", rebuild.OnEmployee).Open();
        }
        catch
        {
            computersOpening.ContinueWith(t => t.Result.Store.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw;
        }
        var computers = OpenedOrDispose(computersOpening, employees.Store);
        var resume = new Dictionary<string, Dictionary<int, long>>();
        if (employees.ResumeAt is { } e) resume[_options.Topics.Employees] = e;
        else rebuild.ForgetEmployees();
        if (computers.ResumeAt is { } c) resume[_options.Topics.Computers] = c;
        else rebuild.ForgetComputers();
        if (history is not null && resume.Count > 0) RestoreHistory(history);
        return new RecoveredState(employees.Store, computers.Store, rebuild, history, resume);
    }

    private static TableOpened OpenedOrDispose(Task<TableOpened> opening, FasterTableStore other)
    {
        try
        {
            return opening.GetAwaiter().GetResult();
        }
        catch
        {
            other.Dispose();
            throw;
        }
    }

    private void RestoreHistory(OwnershipHistory history)
    {
        if (_historyReading!.GetAwaiter().GetResult().File is not { } saved) return;
        // Versions of a table read again from its topic (its checkpoint was not used) replace their saved copies.
        saved.RestoreInto(history);
        _log.LogInformation("Table history restored: {Versions} versions, {Macs} MACs with a watched owner at some time", history.VersionCount,
            history.MacCount);
    }

    private string? HistoryMismatch(TableCheckpoint checkpoint)
    {
        if (_historyReading is null) return null;
        var (saved, problem) = _historyReading.GetAwaiter().GetResult();
        return saved is null ? problem + " (attributing at capture time needs it)"
            : saved.Covers(checkpoint.Topic, checkpoint.NextOffsets) ? null
            : "the table history saved beside it covers other offsets";
    }

    /// <summary>
    /// A table's store, and the offsets to resume at when its checkpoint is used (null: read from the beginning).
    /// </summary>
    private sealed record TableOpened(FasterTableStore Store, Dictionary<int, long>? ResumeAt);

    /// <summary>One table's store, opened and judged.</summary>
    private sealed class TableRecovery(StateRecovery recovery, string topic, string name, FasterTableStore.RowVisitor recoveredRows)
    {
        private readonly string _dir = Path.Combine(recovery._options.StateDir, name);
        private long? _buckets;

        public TableOpened Open()
        {
            var store = FasterTableStore.Verify(FasterTableStore.Recover(_dir), _dir, Buckets, out var checkpoint, out var problem, recoveredRows);
            if (problem is not null)
            {
                recovery._log.LogWarning("Table {Topic}: the checkpoint in {Dir} cannot be used ({Problem}); "
                    + "rebuilding from the topic", topic, _dir, problem);
            }
            if (checkpoint is null) return new TableOpened(store, null);
            if (Mismatch(checkpoint) is { } mismatch)
            {
                store.Dispose();
                var rebuilt = FasterTableStore.Create(_dir, Buckets(), out var setAsideAs);
                recovery._log.LogWarning("Table {Topic}: the checkpoint in {Dir} does not fit the topic ({Problem}); "
                    + "rebuilding from the topic (the old store is kept as {SetAsideAs})",
                    topic, _dir, mismatch, setAsideAs);
                return new TableOpened(rebuilt, null);
            }
            recovery._log.LogInformation("Table {Topic}: serving from checkpoint, {Rows} rows ({Scan}), resuming at "
                + "offsets {Offsets}", topic, store.Count,
                store.FirstWritesOnly ? "each written once: verified in one pass" : "verified in two passes",
                string.Join(",", checkpoint.NextOffsets.OrderBy(e => e.Key).Select(e => $"{e.Key}:{e.Value}")));
            return new TableOpened(store, checkpoint.NextOffsets);
        }

        private string? Mismatch(TableCheckpoint checkpoint) => checkpoint.Topic != topic
            ? $"it is for topic '{checkpoint.Topic}'"
            : TableFeed.CheckResume(recovery._reader, recovery._partitions[topic], checkpoint.NextOffsets) ?? recovery.HistoryMismatch(checkpoint);

        private long Buckets() => _buckets ??= recovery._options.TableIndexBuckets > 0 ? recovery._options.TableIndexBuckets : IndexBucketsFor();

        /// <summary>
        /// A new store's index, sized from the records its topic holds (an upper bound on its rows): too small and
        /// FASTER chains keys through the log (a 65,536-bucket index with a million rows made every write a longer
        /// walk); too large and every checkpoint writes it out (4 MB took 70 ms for a 3-row table).
        /// </summary>
        private long IndexBucketsFor()
        {
            long records = 0;
            foreach (var tp in recovery._partitions[topic])
            {
                var marks = recovery._reader.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
                records += Math.Max(0, marks.High.Value - marks.Low.Value);
            }
            return FasterTableStore.IndexBucketsFor(records);
        }
    }
}
