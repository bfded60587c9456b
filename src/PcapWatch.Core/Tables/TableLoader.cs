using System.Diagnostics;
using Confluent.Kafka;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Kafka;
using Serilog;

namespace PcapWatch.Tables;

/// <summary>
/// Reads every partition of <c>employees</c> and <c>computers</c> (manual assignment, like a GlobalKTable: no group,
/// no commits) and applies each message to the stores and index. It remembers the end offsets the tables had when it
/// started: until it has read up to them the tables are not <see cref="IsCurrent"/>, and packets must wait — the
/// recipe's ksqlDB join would match packets against half-loaded tables.
/// </summary>
public sealed class TableLoader : IDisposable
{
    private static readonly ILogger Log = Serilog.Log.ForContext<TableLoader>();

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly WatchIndexMaintainer _maintainer;
    private readonly TopicNames _topics;
    private readonly PipelineProgress _progress;
    private readonly Dictionary<TopicPartition, long> _startupEnd = new();
    private readonly Dictionary<TopicPartition, long> _next = new();
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();

    public TableLoader(string bootstrapServers, TopicNames topics, WatchIndexMaintainer maintainer, PipelineProgress progress,
        IReadOnlyDictionary<string, string>? kafkaProperties, CancellationToken cancel)
    {
        _topics = topics;
        _progress = progress;
        _maintainer = maintainer;
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrapServers, null, kafkaProperties)).Build();

        var partitions = new List<TopicPartition>();
        foreach (var topic in new[] { topics.Employees, topics.Computers })
        {
            foreach (var tp in TopicPartitions.Of(_consumer, topic, TimeSpan.FromMinutes(5), cancel))
            {
                var marks = _consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
                partitions.Add(tp);
                _startupEnd[tp] = marks.High.Value;
                _next[tp] = marks.Low.Value;
            }
        }
        _consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        Log.Information("Loading tables {Employees} and {Computers} up to their start-up end offsets ({Messages} messages)",
            topics.Employees, topics.Computers, _startupEnd.Sum(e => e.Value - _next[e.Key]));
        UpdateCurrent();
    }

    /// <summary>True once both tables have been read up to the end offsets they had at start-up.</summary>
    public bool IsCurrent { get; private set; }

    /// <summary>Table messages that could not be applied (bad JSON, no key…); the row kept its previous value.</summary>
    public long RejectedRows { get; private set; }

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
            applied++;
        }
        if (!IsCurrent) UpdateCurrent();
        return applied;
    }

    private void Apply(ConsumeResult<byte[]?, byte[]?> result)
    {
        var message = result.Message;
        bool isEmployees = result.Topic == _topics.Employees;
        try
        {
            if (isEmployees)
            {
                _maintainer.Apply(TableRecordParser.ParseEmployee(message.Key, message.Key is not null, message.Value, message.Value is null));
            }
            else
            {
                _maintainer.Apply(TableRecordParser.ParseComputer(message.Key, message.Key is not null, message.Value, message.Value is null));
            }
        }
        catch (TableRecordException ex)
        {
            RejectedRows++;
            Log.Warning("Rejected {Topic} [{Partition}] @{Offset}: {Reason}; the table keeps its previous value",
                result.Topic, result.Partition.Value, result.Offset.Value, ex.Reason);
        }
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
