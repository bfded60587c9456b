using PcapWatch.Flows;
using PcapWatch.Kafka;

namespace PcapWatch.Tools;

/// <summary>
/// <c>who ADDRESS --flows</c>: reads <c>WATCHED_EMP_FLOWS</c> from its start to its current end and keeps, of each flow
/// a filter wants, its newest record (the final one, or the newest interim one of a flow still open), each record
/// counted once (<see cref="FlowRepeats"/>); records that are not flow records are counted and skipped.
/// </summary>
public sealed class FlowLookup
{
    private readonly Dictionary<(Packets.MacAddress, string, long), FlowRecord> _newest = [];
    private readonly FlowRepeats _repeats = new();

    private FlowLookup()
    {
    }

    /// <summary>The flows kept, oldest first.</summary>
    public IReadOnlyList<FlowRecord> Flows => _newest.Values.OrderBy(f => f.FirstUs).ThenBy(f => f.FlowId, StringComparer.Ordinal).ToList();

    public long Repeats => _repeats.Repeats;

    public long Unreadable { get; private set; }

    public static FlowLookup Read(string bootstrapServers, string topic, Func<FlowRecord, bool> wanted, KafkaConnectivity kafka,
        Microsoft.Extensions.Logging.ILogger log, IReadOnlyDictionary<string, string>? kafkaProperties, CancellationToken cancel,
        TimeSpan? timeout)
    {
        var lookup = new FlowLookup();
        using var tail = new MatchTail(bootstrapServers, topic, fromBeginning: true, lookup.Keep(wanted), TextWriter.Null, kafka, log,
            kafkaProperties, cancel, timeout: timeout);
        tail.ReadToCurrentEnd(cancel);
        lookup.Unreadable = tail.Unreadable.Count;
        return lookup;
    }

    private Func<byte[], string?> Keep(Func<FlowRecord, bool> wanted) => value =>
    {
        var record = FlowRecordReader.TryRead(value) ?? throw new FormatException("not a WATCHED_EMP_FLOWS record");
        if (!_repeats.IsFirst(record) || !wanted(record)) return null;
        var flow = (record.Host, record.FlowId, record.FirstUs);
        if (!_newest.TryGetValue(flow, out var kept) || kept.Seq < record.Seq) _newest[flow] = record;
        return null;
    };
}
