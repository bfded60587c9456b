using System.Text;
using Confluent.Kafka;
using PcapWatch.Kafka;
using Serilog;

namespace PcapWatch.Output;

/// <summary>
/// Sends records the pipeline cannot use to a dead-letter topic: the original key, value and headers, plus headers
/// that say where the record came from and why it was refused. Nothing is dropped silently, and the pipeline keeps
/// going. A dead letter the broker refuses counts as a failure that stops the next commit.
/// </summary>
public sealed class DeadLetterWriter
{
    public const string SourceTopicHeader = "pcapwatch.source.topic";
    public const string SourcePartitionHeader = "pcapwatch.source.partition";
    public const string SourceOffsetHeader = "pcapwatch.source.offset";
    public const string ReasonHeader = "pcapwatch.reason";
    public const string DetailHeader = "pcapwatch.detail";
    public const string TruncatedHeader = "pcapwatch.truncated.original.bytes";

    private const int DetailedWarnings = 20;
    private static readonly ILogger Log = Serilog.Log.ForContext<DeadLetterWriter>();

    private readonly IProducer<byte[], byte[]?> _producer;
    private readonly Dictionary<string, long> _byReason = new(StringComparer.Ordinal);
    private readonly Action<DeliveryReport<byte[], byte[]?>> _onDelivered;
    private long _failures;
    private string? _firstFailure;

    public DeadLetterWriter(IProducer<byte[], byte[]?> producer)
    {
        _producer = producer;
        _onDelivered = report =>
        {
            if (report.Error.IsError && Interlocked.Increment(ref _failures) == 1) _firstFailure = report.Error.ToString();
        };
    }

    /// <summary>Records dead-lettered, all topics and reasons.</summary>
    public long Count { get; private set; }

    /// <summary>Records dead-lettered per reason code.</summary>
    public IReadOnlyDictionary<string, long> ByReason => _byReason;

    /// <summary>Dead letters the broker refused (the caller must not commit past them).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public string? FirstFailure => _firstFailure;

    public void Send(string deadLetterTopic, ConsumeResult<byte[]?, byte[]?> source, string reasonCode, string detail)
    {
        var original = source.Message;
        var headers = new Headers();
        if (original.Headers is not null)
        {
            foreach (var h in original.Headers) headers.Add(h.Key, h.GetValueBytes());
        }
        headers.Add(SourceTopicHeader, Encoding.UTF8.GetBytes(source.Topic));
        headers.Add(SourcePartitionHeader, Encoding.UTF8.GetBytes(source.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        headers.Add(SourceOffsetHeader, Encoding.UTF8.GetBytes(source.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        headers.Add(ReasonHeader, Encoding.UTF8.GetBytes(reasonCode));
        headers.Add(DetailHeader, Encoding.UTF8.GetBytes(detail.Length <= 1000 ? detail : detail[..1000]));

        var value = original.Value;
        if (value is not null && value.Length > ClientSettings.MaxRecordBytes)
        {
            // Too large for any topic we may write: keep the first 1 MiB and say how large it was.
            headers.Add(TruncatedHeader, Encoding.UTF8.GetBytes(value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            value = value[..(1024 * 1024)];
        }

        _producer.ProduceWhenRoom(deadLetterTopic, new Message<byte[], byte[]?> { Key = original.Key!, Value = value, Headers = headers },
            _onDelivered);

        Count++;
        _byReason[reasonCode] = _byReason.GetValueOrDefault(reasonCode) + 1;
        if (Count <= DetailedWarnings || Count % 1000 == 0)
        {
            Log.Warning("Dead-lettered {Topic} [{Partition}] @{Offset} to {DeadLetterTopic}: {Reason} ({Detail}); {Count} so far",
                source.Topic, source.Partition.Value, source.Offset.Value, deadLetterTopic, reasonCode, detail, Count);
        }
    }
}
