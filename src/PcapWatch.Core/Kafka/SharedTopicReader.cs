using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace PcapWatch.Kafka;

/// <summary>
/// Reads a topic the instances share what they learn through (IP_MAC_BINDINGS, IP_NAMES): from the beginning, every
/// partition, no group (each instance needs every record), polled on the pipeline thread between packet batches. The
/// records an instance published itself carry its name in <see cref="InstanceHeader"/> and are skipped (they were
/// applied when learned); a tombstone is compaction's business. A record <see cref="Apply"/> refuses is counted and
/// logged with its partition and offset, never fatal.
/// </summary>
public abstract class SharedTopicReader : IDisposable
{
    /// <summary>The header naming the instance that published a record.</summary>
    public const string InstanceHeader = "pcapwatch.instance";

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly EndOfPartitions _end;
    private readonly byte[] _instance;
    private readonly string _what;

    /// <param name="what">What a record is, for the log line of one refused ("a binding").</param>
    protected SharedTopicReader(string bootstrapServers, IReadOnlyDictionary<string, string>? properties, IReadOnlyList<TopicPartition> partitions,
        byte[] instance, string what, KafkaConnectivity kafka, ILogger log)
    {
        _instance = instance;
        _what = what;
        Log = log;
        _consumer = KafkaClients.Reader(bootstrapServers, properties, kafka);
        _end = new EndOfPartitions(_consumer, partitions);
        _consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
    }

    protected ILogger Log { get; }

    /// <summary>Records read, this instance's own included.</summary>
    public long Read { get; private set; }

    public long Unreadable { get; private set; }

    /// <summary>Whether the topic has been read up to where it ended when the instance started.</summary>
    public bool IsCurrent { get; private set; }

    /// <summary>Applies another instance's record; false, with the reason, for one that is not what the topic holds.</summary>
    protected abstract bool Apply(byte[] value, out string? problem);

    /// <summary>Applies up to <paramref name="max"/> records, waiting at most <paramref name="wait"/> for the first.</summary>
    protected int PollRecords(TimeSpan wait, int max)
    {
        int n = 0;
        while (n < max)
        {
            var result = _consumer.Consume(n == 0 ? wait : TimeSpan.Zero);
            if (result is null) break;
            if (result.IsPartitionEOF) continue;
            n++;
            Read++;
            if (result.Message.Headers?.TryGetLastBytes(InstanceHeader, out var from) == true && from.AsSpan().SequenceEqual(_instance)) continue;
            if (result.Message.Value is not { } value || Apply(value, out var problem)) continue;
            Unreadable++;
            Log.LogWarning("{Topic} [{Partition}] @{Offset}: not {What} ({Problem}); skipped", result.Topic, result.Partition.Value,
                result.Offset.Value, _what, problem);
        }
        if (!IsCurrent) IsCurrent = _end.Update(_consumer);
        return n;
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
        GC.SuppressFinalize(this);
    }
}
