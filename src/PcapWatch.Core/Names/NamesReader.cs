using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Bindings;
using PcapWatch.Kafka;

namespace PcapWatch.Names;

/// <summary>
/// Reads IP_NAMES from the beginning, every partition (no group: each instance needs every answer), into the
/// instance's <see cref="PassiveDns"/>; polled on the pipeline thread between packet batches, as the bindings are. An
/// unreadable record is counted and logged (with its partition and offset), never fatal.
/// </summary>
public sealed class NamesReader : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly SharedNames _shared;
    private readonly EndOfPartitions _end;
    private readonly ILogger _log;

    public NamesReader(string bootstrapServers, IReadOnlyDictionary<string, string>? properties, IReadOnlyList<TopicPartition> partitions,
        SharedNames shared, KafkaConnectivity kafka, ILogger log)
    {
        _shared = shared;
        _log = log;
        _consumer = KafkaClients.Reader(bootstrapServers, properties, kafka);
        _end = new EndOfPartitions(_consumer, partitions);
        _consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
    }

    /// <summary>Records read, this instance's own included.</summary>
    public long Read { get; private set; }

    public long Unreadable { get; private set; }

    /// <summary>Whether the topic has been read up to where it ended when the instance started.</summary>
    public bool IsCurrent { get; private set; }

    /// <summary>Applies up to <paramref name="max"/> records, waiting at most <paramref name="wait"/> for the first.</summary>
    public int Poll(TimeSpan wait, int max)
    {
        int n = 0;
        while (n < max)
        {
            var result = _consumer.Consume(n == 0 ? wait : TimeSpan.Zero);
            if (result is null) break;
            if (result.IsPartitionEOF) continue;
            n++;
            Read++;
            if (result.Message.Headers?.TryGetLastBytes(SharedBindings.InstanceHeader, out var from) == true
                && from.AsSpan().SequenceEqual(_shared.InstanceBytes))
            {
                continue; // learned here, applied when it was learned
            }
            if (result.Message.Value is not { } value) continue; // a tombstone: compaction's business
            if (NameRecord.TryDecode(value, out var told, out var problem)) _shared.Names.Adopt(told);
            else
            {
                Unreadable++;
                _log.LogWarning("{Topic} [{Partition}] @{Offset}: not a name statement ({Problem}); skipped", result.Topic,
                    result.Partition.Value, result.Offset.Value, problem);
            }
        }
        if (!IsCurrent) IsCurrent = _end.Update(_consumer);
        return n;
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
