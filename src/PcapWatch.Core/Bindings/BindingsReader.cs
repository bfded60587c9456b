using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PcapWatch.Index;
using PcapWatch.Kafka;

namespace PcapWatch.Bindings;

/// <summary>
/// Reads IP_MAC_BINDINGS from the beginning, every partition (no group: each instance needs every binding), into the
/// instance's <see cref="IpBindings"/>; polled on the pipeline thread between packet batches, as the tables are. An
/// unreadable record is counted and logged (with its partition and offset), never fatal.
/// </summary>
public sealed class BindingsReader : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly SharedBindings _shared;
    private readonly EndOfPartitions _end;
    private readonly ILogger _log;

    public BindingsReader(string bootstrapServers, IReadOnlyDictionary<string, string>? properties, IReadOnlyList<TopicPartition> partitions,
        SharedBindings shared, KafkaConnectivity kafka, ILogger log)
    {
        _shared = shared;
        _log = log;
        _consumer = KafkaClients.Reader(bootstrapServers, properties, kafka);
        _end = new EndOfPartitions(_consumer, partitions);
        _consumer.Assign(partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
    }

    /// <summary>Bindings read from other instances.</summary>
    public long Adopted { get; private set; }

    public long Unreadable { get; private set; }

    /// <summary>
    /// Bindings from other instances that began before the newest packet this instance had already decided: packets of
    /// that address captured in between may have gone unattributed (there is no grace period). A measure of the gap.
    /// </summary>
    public long Late { get; private set; }

    /// <summary>Whether the topic has been read up to where it ended when the instance started.</summary>
    public bool IsCurrent { get; private set; }

    /// <summary>Applies up to <paramref name="max"/> records, waiting at most <paramref name="wait"/> for the
    /// first.</summary>
    /// <param name="decidedUpToMs">The newest capture time this instance has decided packets for (0: none yet).</param>
    public int Poll(TimeSpan wait, int max, long decidedUpToMs = 0)
    {
        int n = 0;
        while (n < max)
        {
            var result = _consumer.Consume(n == 0 ? wait : TimeSpan.Zero);
            if (result is null) break;
            if (result.IsPartitionEOF) continue;
            n++;
            if (result.Message.Headers?.TryGetLastBytes(SharedBindings.InstanceHeader, out var from) == true
                && from.AsSpan().SequenceEqual(_shared.InstanceBytes))
            {
                continue; // learned here, applied when it was learned
            }
            if (result.Message.Value is not { } value) continue; // a tombstone: compaction's business, not a binding
            if (BindingRecord.TryDecode(value, out var address, out var interval, out var problem))
            {
                _shared.Bindings.Adopt(address, interval);
                Adopted++;
                if (interval.FromMs < decidedUpToMs && interval.LastStatedMs == interval.FromMs)
                {
                    Late++;
                    _log.LogDebug("Binding {Address} → {Mac} from {From} arrived after packets up to {Decided} were decided", address,
                        interval.Mac, interval.FromMs, decidedUpToMs);
                }
            }
            else
            {
                Unreadable++;
                _log.LogWarning("{Topic} [{Partition}] @{Offset}: not a binding ({Problem}); skipped", result.Topic,
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
