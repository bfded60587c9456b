using System.Diagnostics;
using Confluent.Kafka;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Kafka;
using PcapWatch.Output;
using Serilog;

namespace PcapWatch.Tables;

/// <summary>
/// Reads every partition of <c>employees</c> and <c>computers</c> (manual assignment, like a GlobalKTable: no group,
/// no commits) and applies each message to the stores and index. It resumes from the offsets a checkpoint recorded,
/// or from the beginning. It remembers the end offsets the tables had when it started: until it has read up to them
/// the tables are not <see cref="IsCurrent"/>, and packets must wait. (The recipe's ksqlDB join would match packets
/// against half-loaded tables.)
/// </summary>
public sealed class TableLoader : IDisposable
{
    private static readonly ILogger Log = Serilog.Log.ForContext<TableLoader>();

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly WatchIndexMaintainer _maintainer;
    private readonly TopicNames _topics;
    private readonly PipelineProgress _progress;
    private readonly DeadLetterWriter _deadLetters;
    private readonly Dictionary<TopicPartition, long> _startupEnd = new();
    private readonly Dictionary<TopicPartition, long> _next = new();
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();

    /// <param name="resume">Per table topic, the next offset of each partition to read (from a checkpoint); a topic
    /// that is absent is read from the beginning.</param>
    public TableLoader(string bootstrapServers, TopicNames topics, WatchIndexMaintainer maintainer, PipelineProgress progress,
        DeadLetterWriter deadLetters, IReadOnlyDictionary<string, Dictionary<int, long>> resume,
        IReadOnlyDictionary<string, string>? kafkaProperties, CancellationToken cancel)
    {
        _topics = topics;
        _maintainer = maintainer;
        _progress = progress;
        _deadLetters = deadLetters;
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrapServers, null, kafkaProperties)).Build();

        var assignment = new List<TopicPartitionOffset>();
        foreach (var topic in new[] { topics.Employees, topics.Computers })
        {
            var from = resume.GetValueOrDefault(topic);
            foreach (var tp in TopicPartitions.Of(_consumer, topic, TimeSpan.FromMinutes(5), cancel))
            {
                var marks = _consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
                _startupEnd[tp] = marks.High.Value;
                if (from is not null && from.TryGetValue(tp.Partition.Value, out long next))
                {
                    _next[tp] = next;
                    assignment.Add(new TopicPartitionOffset(tp, next));
                }
                else
                {
                    _next[tp] = marks.Low.Value;
                    assignment.Add(new TopicPartitionOffset(tp, Offset.Beginning));
                }
            }
        }
        _consumer.Assign(assignment);
        Log.Information("Loading tables {Employees} and {Computers}: {Messages} messages to read up to their start-up end offsets",
            topics.Employees, topics.Computers, _startupEnd.Sum(e => Math.Max(0, e.Value - _next[e.Key])));
        UpdateCurrent();
    }

    /// <summary>
    /// Whether a checkpoint's offsets still fit the topic: every partition's offset lies between the topic's low and
    /// high watermarks. Null when they do; otherwise why not (data deleted since, or the topic was recreated).
    /// </summary>
    public static string? CheckResume(string bootstrapServers, string topic, IReadOnlyDictionary<int, long> offsets,
        IReadOnlyDictionary<string, string>? kafkaProperties, CancellationToken cancel)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrapServers, null, kafkaProperties)).Build();
        var partitions = TopicPartitions.Of(consumer, topic, TimeSpan.FromMinutes(5), cancel);
        foreach (var (partition, next) in offsets)
        {
            var tp = partitions.FirstOrDefault(p => p.Partition.Value == partition);
            if (tp is null) return $"partition {partition} no longer exists";
            var marks = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
            if (next > marks.High.Value) return $"partition {partition}: checkpoint at offset {next}, but the topic ends at {marks.High.Value} (recreated?)";
            if (next < marks.Low.Value) return $"partition {partition}: checkpoint at offset {next}, but the topic now starts at {marks.Low.Value} (data deleted)";
        }
        return null;
    }

    /// <summary>True once both tables have been read up to the end offsets they had at start-up.</summary>
    public bool IsCurrent { get; private set; }

    private long _changedSinceCheckpoint;

    /// <summary>Whether anything was applied since the last call (and resets it): is a checkpoint worth taking?</summary>
    public bool TakeChanged()
    {
        bool changed = _changedSinceCheckpoint > 0;
        _changedSinceCheckpoint = 0;
        return changed;
    }

    /// <summary>The next offset to read, per partition of <paramref name="topic"/>: what a checkpoint records.</summary>
    public Dictionary<int, long> Positions(string topic) =>
        _next.Where(e => e.Key.Topic == topic).ToDictionary(e => e.Key.Partition.Value, e => e.Value);

    /// <summary>Applies up to <paramref name="max"/> table messages, waiting at most <paramref name="wait"/> for the first.</summary>
    public int Poll(TimeSpan wait, int max)
    {
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
        if (!IsCurrent) UpdateCurrent();
        return applied;
    }

    private void Apply(ConsumeResult<byte[]?, byte[]?> result)
    {
        var message = result.Message;
        bool isEmployees = result.Topic == _topics.Employees;
        Rejection rejection;
        try
        {
            if (isEmployees)
            {
                if (TableRecordParser.TryParseEmployee(message.Key, message.Key is not null, message.Value, message.Value is null,
                        out var employee, out rejection))
                {
                    _maintainer.Apply(employee);
                    return;
                }
            }
            else if (TableRecordParser.TryParseComputer(message.Key, message.Key is not null, message.Value, message.Value is null,
                         out var computer, out rejection))
            {
                _maintainer.Apply(computer);
                return;
            }
        }
        catch (Exception ex) when (RecordFaults.AreTheRecords(ex))
        {
            // The net under the parser's statuses: one row can never stop the table from loading.
            Log.Error(ex, "Applying {Topic} [{Partition}] @{Offset} failed; dead-lettering it", result.Topic,
                result.Partition.Value, result.Offset.Value);
            rejection = new Rejection(RejectionCodes.ProcessingError, $"{ex.GetType().Name}: {ex.Message}");
        }
        _deadLetters.Send(isEmployees ? _topics.EmployeesDeadLetters : _topics.ComputersDeadLetters, result, rejection.Code,
            rejection.Detail + "; the table keeps its previous value");
    }

    private void UpdateCurrent()
    {
        foreach (var (tp, end) in _startupEnd)
        {
            if (_next[tp] < end) return;
        }
        IsCurrent = true;
        Log.Information("Tables current after {Elapsed} ms: {EmployeeRows} employees, {ComputerRows} computers, {WatchedMacs} watched MACs",
            _sinceStart.ElapsedMilliseconds, _maintainer.EmployeeRows, _maintainer.ComputerRows, _maintainer.Index.Count);
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
