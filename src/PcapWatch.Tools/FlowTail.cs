using Confluent.Kafka;
using PcapWatch.Flows;
using PcapWatch.Kafka;
using PcapWatch.Output;

namespace PcapWatch.Tools;

/// <summary>
/// Makes flows from <c>WATCHED_EMP_PACKETS</c> (all partitions, manual assignment, no group) and hands each flow record
/// to a writer as it falls due: the demo's flow stage. Each partition's flows are kept apart, as the flow stage keeps
/// them; at the end of the input every flow still open is closed with <c>end</c>.
/// </summary>
public sealed class FlowTail : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly List<TopicPartition> _partitions;
    private readonly Dictionary<TopicPartition, long> _next = [];
    private readonly Dictionary<int, FlowPartition> _flows = [];
    private readonly List<FlowRecord> _emitted = [];
    private readonly FlowTimeouts _timeouts;
    private readonly FlowView _view;
    private readonly TextWriter _output;
    private long _consumedBytes;

    public FlowTail(string bootstrapServers, string topic, FlowTimeouts timeouts, FlowView view, TextWriter output, KafkaConnectivity kafka,
        Microsoft.Extensions.Logging.ILogger log, IReadOnlyDictionary<string, string>? kafkaProperties = null, CancellationToken cancel = default)
    {
        _timeouts = timeouts;
        _view = view;
        _output = output;
        Unreadable = new UnreadableRecords(log);
        _consumer = KafkaClients.ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrapServers, null, kafkaProperties), kafka).Build();
        try
        {
            _partitions = TopicPartitions.Of(_consumer, topic, TimeSpan.FromMinutes(1), cancel);
        }
        catch
        {
            _consumer.Dispose();
            throw;
        }
        _consumer.Assign(_partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
    }

    /// <summary>Records that are not flow packets (another layout, no origin), skipped with a warning.</summary>
    public UnreadableRecords Unreadable { get; }

    /// <summary>Flow records written: final and interim.</summary>
    public long Printed { get; private set; }

    /// <summary>Key + value bytes read, for pacing a producer to this reader.</summary>
    public long ConsumedBytes => Volatile.Read(ref _consumedBytes);

    /// <summary>Reads what is there, waiting at most <paramref name="wait"/> for the first record.</summary>
    public void Poll(TimeSpan wait)
    {
        for (int i = 0; i < 10_000; i++)
        {
            var result = _consumer.Consume(i == 0 ? wait : TimeSpan.Zero);
            if (result is null) break;
            _next[result.TopicPartition] = result.Offset.Value + 1;
            Interlocked.Add(ref _consumedBytes, (result.Message.Value?.Length ?? 0) + (result.Message.Key?.Length ?? 0));
            Unreadable.Guard(result, () => Add(result));
        }
        Print();
    }

    private void Add(ConsumeResult<byte[]?, byte[]?> result)
    {
        var header = result.Message.Headers?.FirstOrDefault(h => h.Key == MatchOrigin.Header)?.GetValueBytes();
        if (header is null || !MatchOrigin.TryDecode(header, out var origin)) throw new FormatException("no pcapwatch.origin header");
        var packet = FlowPacketCodec.TryDecode(result.Message.Value ?? [], origin.Partition, origin.Offset, origin.Index)
            ?? throw new FormatException($"not a flow packet (version {FlowPacketCodec.Version})");
        if (!_flows.TryGetValue(result.Partition.Value, out var flows)) _flows[result.Partition.Value] = flows = new FlowPartition(_timeouts);
        flows.Add(packet, _emitted);
    }

    /// <summary>Reads until every partition reaches its current high watermark.</summary>
    public void ReadToCurrentEnd(CancellationToken cancel)
    {
        var end = new EndOfPartitions(_consumer, _partitions, tp => _next.TryGetValue(tp, out var next) ? next : null);
        while (!cancel.IsCancellationRequested && !end.Update(_consumer)) Poll(TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The input ended: every flow still open is written, closed with <c>end</c>.</summary>
    public void EndAll()
    {
        foreach (var flows in _flows.Values) flows.EndAll(FlowEnd.End, _emitted);
        Print();
    }

    private void Print()
    {
        foreach (var flow in _emitted) _output.WriteLine(_view.Render(flow));
        Printed += _emitted.Count;
        _emitted.Clear();
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
