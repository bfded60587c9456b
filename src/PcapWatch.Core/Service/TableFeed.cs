using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Index;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Tables;

namespace PcapWatch.Service;

/// <summary>
/// Reads every partition of <c>employees</c> and <c>computers</c> (manual assignment, like a GlobalKTable: no group,
/// no commits) and applies each message to the stores and index. It resumes from the offsets a checkpoint recorded,
/// or from the beginning. It remembers the end offsets the tables had when it started: until its position reaches them
/// the tables are not <see cref="IsCurrent"/>, and packets must wait. (The recipe's ksqlDB join would match packets
/// against half-loaded tables.) Positions, not the last record seen, so tables written with exactly-once (their
/// partitions end in a commit marker) become current; only committed rows are read (read_committed).
/// </summary>
public sealed class TableFeed : ITableFeed
{
    private readonly ILogger _log;

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly TableChangeStream _changes;
    private readonly TopicNames _topics;
    private readonly PipelineProgress _progress;
    private readonly DeadLetterWriter _deadLetters;
    private readonly EndOfPartitions _startupEnd;
    private readonly Dictionary<TopicPartition, long> _next = new();
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();

    /// <param name="consumer">A reader (<see cref="KafkaClients.Reader"/>) with nothing assigned, owned by the caller:
    /// the one the service checked the cluster with, already connected (a new client costs start-up time).</param>
    /// <param name="partitionsOf">Each table topic's partitions (as the service's start-up check found them).</param>
    /// <param name="resume">Per table topic, the next offset of each partition to read (from a checkpoint); a topic
    /// that is absent is read from the beginning.</param>
    public TableFeed(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyDictionary<string, List<TopicPartition>> partitionsOf,
        TopicNames topics, TableChangeStream changes, PipelineProgress progress, DeadLetterWriter deadLetters,
        IReadOnlyDictionary<string, Dictionary<int, long>> resume, ILogger log)
    {
        _log = log;
        _topics = topics;
        _changes = changes;
        _progress = progress;
        _deadLetters = deadLetters;
        _consumer = consumer;

        var partitions = new[] { topics.Employees, topics.Computers }.SelectMany(topic => partitionsOf[topic]).ToList();
        long? ResumeAt(TopicPartition tp) =>
            resume.GetValueOrDefault(tp.Topic) is { } from && from.TryGetValue(tp.Partition.Value, out long next) ? next : null;
        _startupEnd = new EndOfPartitions(_consumer, partitions, ResumeAt);
        var assignment = new List<TopicPartitionOffset>();
        foreach (var tp in partitions)
        {
            long? next = ResumeAt(tp);
            _next[tp] = next ?? _startupEnd.Starts[tp];
            assignment.Add(new TopicPartitionOffset(tp, next is { } at ? new Offset(at) : Offset.Beginning));
        }
        // A first load (nothing recovered): the index is made once, when the tables are current.
        _changes.TryLoadIntoEmptyStores();
        _consumer.Assign(assignment);
        _log.LogInformation("Loading tables {Employees} and {Computers}: {Messages} messages to read up to their start-up end offsets",
            topics.Employees, topics.Computers, _startupEnd.Remaining(tp => _next[tp]));
        UpdateCurrent();
    }

    /// <summary>
    /// Whether a checkpoint's offsets still fit the topic: every partition's offset lies between the topic's low and
    /// high watermarks. Null when they do; otherwise why not (data deleted since, or the topic was recreated).
    /// </summary>
    public static string? CheckResume(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyList<TopicPartition> partitions,
        IReadOnlyDictionary<int, long> offsets)
    {
        foreach (var (partition, next) in offsets)
        {
            var tp = partitions.FirstOrDefault(p => p.Partition.Value == partition);
            if (tp is null) return $"partition {partition} no longer exists";
            var marks = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
            if (next > marks.High.Value) return $"partition {partition}: checkpoint at offset {next}, but the topic "
                + $"ends at {marks.High.Value} (recreated?)";
            if (next < marks.Low.Value) return $"partition {partition}: checkpoint at offset {next}, but the topic now "
                + $"starts at {marks.Low.Value} (data deleted)";
        }
        return null;
    }

    /// <summary>True once both tables have been read up to the end offsets they had at start-up.</summary>
    public bool IsCurrent { get; private set; }

    private long _changedSinceCheckpoint;

    /// <summary>
    /// Whether anything was applied since the last call (and resets it): is a checkpoint worth taking?
    /// </summary>
    public bool TakeChanged()
    {
        bool changed = _changedSinceCheckpoint > 0;
        _changedSinceCheckpoint = 0;
        return changed;
    }

    /// <summary>
    /// The next offset to read, per partition of <paramref name="topic"/>: what a checkpoint records. The consumer's
    /// position when it is further than the last record (past a transaction marker), so a restart resumes at the end.
    /// </summary>
    public Dictionary<int, long> Positions(string topic) =>
        _next.Where(e => e.Key.Topic == topic).ToDictionary(e => e.Key.Partition.Value,
            e => Math.Max(e.Value, _consumer.Position(e.Key).Value));

    /// <summary>
    /// Applies up to <paramref name="max"/> table messages, waiting at most <paramref name="wait"/> for the first.
    /// </summary>
    public int Poll(TimeSpan wait, int max) => Poll(wait, max, _changes.DecidedUpToMs);

    /// <inheritdoc cref="Poll(TimeSpan, int)"/>
    /// <param name="decidedUpToMs">The newest capture time packets were decided for: a change valid before it is
    /// late.</param>
    public int Poll(TimeSpan wait, int max, long decidedUpToMs)
    {
        _changes.DecidedUpToMs = decidedUpToMs;
        // Index entries are recomputed once per batch (and, while loading, once when the tables are current).
        _changes.Defer();
        int applied = 0;
        while (applied < max)
        {
            var result = _consumer.Consume(applied == 0 ? wait : TimeSpan.Zero);
            if (result is null) break;
            Apply(result);
            _next[result.TopicPartition] = result.Offset.Value + 1;
            _progress.OnTableRecord();
            _changedSinceCheckpoint++;
            applied++;
        }
        if (IsCurrent) _changes.Flush();
        else UpdateCurrent();
        return applied;
    }

    // Each change, parsed straight into its stored form (reused from row to row).
    private readonly StoredChange _stored = new();

    private void Apply(ConsumeResult<byte[]?, byte[]?> result)
    {
        var message = result.Message;
        bool isEmployees = result.Topic == _topics.Employees;
        Rejection rejection;
        try
        {
            // Every change is parsed straight into its stored form: no string and no array per row.
            bool parsed = isEmployees
                ? TableRecordParser.TryParseEmployee(message.Key, message.Key is not null, message.Value, message.Value is null, _stored,
                    out rejection)
                : TableRecordParser.TryParseComputer(message.Key, message.Key is not null, message.Value, message.Value is null, _stored,
                    out rejection);
            if (parsed && TryValidFrom(_stored.ValidFrom, message.Timestamp.UnixTimestampMs, out long validFromMs, out rejection))
            {
                _changes.Apply(isEmployees ? TableName.Employees : TableName.Computers, _stored, validFromMs);
                return;
            }
        }
        catch (Exception ex) when (RecordFaults.AreTheRecords(ex))
        {
            // The net under the parser's statuses: one row can never stop the table from loading.
            _log.LogError(ex, "Applying {Topic} [{Partition}] @{Offset} failed; dead-lettering it", result.Topic,
                result.Partition.Value, result.Offset.Value);
            rejection = new Rejection(RejectionCodes.ProcessingError, $"{ex.GetType().Name}: {ex.Message}");
        }
        _deadLetters.Send(isEmployees ? _topics.EmployeesDeadLetters : _topics.ComputersDeadLetters, result, rejection.Code,
            rejection.Detail + "; the table keeps its previous value");
    }

    /// <summary>
    /// When a table change took effect: the row's <c>valid_from</c>, else the record's timestamp (a delete: always the
    /// record's). Only attributing at capture time reads it (and refuses a <c>valid_from</c> it cannot read); otherwise
    /// the field is ignored.
    /// </summary>
    private bool TryValidFrom(string? validFrom, long recordMs, out long validFromMs, out Rejection rejection)
    {
        rejection = default;
        if (_changes.History is null)
        {
            validFromMs = recordMs;
            return true;
        }
        if (ValidTime.TryResolve(validFrom, recordMs, out validFromMs, out var problem)) return true;
        rejection = new Rejection(RejectionCodes.BadField, problem!);
        return false;
    }

    private void UpdateCurrent()
    {
        if (!_startupEnd.Update(_consumer)) return;
        IsCurrent = true;
        _changes.Flush();
        _log.LogInformation("Tables current after {Elapsed} ms: {EmployeeRows} employees, {ComputerRows} computers, {WatchedMacs} watched MACs",
            _sinceStart.ElapsedMilliseconds, _changes.Present.EmployeeRows, _changes.Present.ComputerRows, _changes.Present.Index.Count);
    }
}
