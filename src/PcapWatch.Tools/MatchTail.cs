using Confluent.Kafka;
using PcapWatch.Kafka;
using PcapWatch.Output;

namespace PcapWatch.Tools;

/// <summary>
/// Reads the output topic (all partitions, manual assignment, no group) and hands each record's rendered line to a
/// writer — the <c>tail</c> command (matches, or flow records with <see cref="FlowLines"/>), and the demo's printer.
/// </summary>
public sealed class MatchTail : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly List<TopicPartition> _partitions;
    private readonly HashSet<TopicPartition> _atEnd = new();
    private readonly Dictionary<TopicPartition, long> _next = new(); // next offset to read, once a record was read
    private readonly Func<byte[], string?> _render;
    private readonly MatchValueDecoder? _decoder;
    private readonly string _topic;
    private readonly TextWriter _output;
    private long _consumedBytes;

    /// <param name="kafka">Where the consumer's librdkafka lines and outages go.</param>
    /// <param name="log">Where records it cannot read are named.</param>
    /// <param name="render">A record's value as a line; null when a filter leaves it out.</param>
    public MatchTail(string bootstrapServers, string topic, bool fromBeginning, Func<byte[], string?> render, TextWriter output,
        KafkaConnectivity kafka,
        Microsoft.Extensions.Logging.ILogger log, IReadOnlyDictionary<string, string>? kafkaProperties = null, CancellationToken cancel = default,
        MatchValueDecoder? decoder = null, TimeSpan? timeout = null, RepeatFilter? repeats = null)
    {
        Repeats = repeats;
        Unreadable = new UnreadableRecords(log);
        _decoder = decoder;
        _topic = topic;
        _render = render;
        _output = output;
        var config = ClientSettings.Consumer(bootstrapServers, null, kafkaProperties);
        config.EnablePartitionEof = true;
        _consumer = KafkaClients.ConsumerBuilder<byte[]?, byte[]?>(config, kafka).Build();
        // A consumer left undisposed when the tool gives up kept librdkafka's threads running into the process's exit,
        // which now and then ended in a segmentation fault (exit code 139 instead of 3).
        try
        {
            if (timeout is not null)
            {
                ClusterWait.UntilReachable(_consumer, () => _consumer.Consume(TimeSpan.Zero), bootstrapServers, kafka,
                    timeout, null, kafka.Log, cancel);
                kafka.ReportOutages(); // following: an outage from now on is told once, and its end
            }
            _partitions = TopicPartitions.Of(_consumer, topic, timeout ?? TimeSpan.FromMinutes(1), cancel);
        }
        catch (KafkaUnavailableException ex)
        {
            _consumer.Dispose();
            throw ex.At(bootstrapServers);
        }
        catch
        {
            _consumer.Dispose();
            throw;
        }
        _consumer.Assign(_partitions.Select(tp => new TopicPartitionOffset(tp, fromBeginning ? Offset.Beginning : Offset.End)));
    }

    /// <summary>What tells a match produced again from its first (null: every record is shown, repeats too).</summary>
    public RepeatFilter? Repeats { get; }

    /// <summary>Records read (printed or filtered out).</summary>
    public long Records { get; private set; }

    /// <summary>Records that could not be read (not JSON, undecodable Avro), skipped with a warning.</summary>
    public UnreadableRecords Unreadable { get; }

    /// <summary>Lines written (records that passed the filter).</summary>
    public long Printed { get; private set; }

    /// <summary>Key + value bytes read, for pacing a producer to this reader.</summary>
    public long ConsumedBytes => Volatile.Read(ref _consumedBytes);

    /// <summary>True when every partition has reported end-of-partition since the last record.</summary>
    public bool AtEnd => _atEnd.Count == _partitions.Count;

    /// <summary>Reads what is there, waiting at most <paramref name="wait"/> for the first record.</summary>
    public void Poll(TimeSpan wait)
    {
        for (int i = 0; i < 10_000; i++)
        {
            var result = _consumer.Consume(i == 0 ? wait : TimeSpan.Zero);
            if (result is null) return;
            if (result.IsPartitionEOF)
            {
                _atEnd.Add(result.TopicPartition);
                continue;
            }
            _atEnd.Remove(result.TopicPartition);
            _next[result.TopicPartition] = result.Offset.Value + 1;
            Records++;
            var value = result.Message.Value ?? [];
            Interlocked.Add(ref _consumedBytes, value.Length + (result.Message.Key?.Length ?? 0));
            if (Repeats is not null && !Repeats.IsFirst(result)) continue;
            Unreadable.Guard(result, () =>
            {
                if (_decoder is not null) value = _decoder.ToJson(value, _topic) ?? [];
                if (_render(value) is { } line)
                {
                    _output.WriteLine(line);
                    Printed++;
                }
            });
        }
    }

    /// <summary>Reads until every partition is at end (kcat -e).</summary>
    public void RunToEnd(CancellationToken cancel)
    {
        while (!AtEnd && !cancel.IsCancellationRequested) Poll(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Reads until every partition reaches its current high watermark.</summary>
    public void ReadToCurrentEnd(CancellationToken cancel)
    {
        var end = new EndOfPartitions(_consumer, _partitions, tp => _next.TryGetValue(tp, out var next) ? next : null);
        while (!cancel.IsCancellationRequested && !end.Update(_consumer)) Poll(TimeSpan.FromMilliseconds(100));
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
