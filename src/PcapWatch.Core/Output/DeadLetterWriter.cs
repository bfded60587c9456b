using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PcapWatch.Kafka;

namespace PcapWatch.Output;

/// <summary>
/// Sends records the pipeline cannot use to a dead-letter topic: the original key, value and headers, plus headers
/// that say where the record came from and why it was refused. Nothing is dropped silently, and the pipeline keeps
/// going. A dead letter is never itself a poison pill: one that would exceed the topic's maximum message size is cut to
/// fit, with a header giving the original size. Deliveries are tracked with the pipeline's other output, so no commit
/// or checkpoint moves past a dead letter the broker has not acknowledged.
/// </summary>
public sealed class DeadLetterWriter
{
    public const string SourceTopicHeader = "pcapwatch.source.topic";
    public const string SourcePartitionHeader = "pcapwatch.source.partition";
    public const string SourceOffsetHeader = "pcapwatch.source.offset";
    public const string ReasonHeader = "pcapwatch.reason";
    public const string DetailHeader = "pcapwatch.detail";
    public const string TruncatedHeader = "pcapwatch.truncated.original.bytes";
    public const string TruncatedKeyHeader = "pcapwatch.truncated.original.key.bytes";
    public const string DroppedHeadersHeader = "pcapwatch.dropped.original.headers";

    /// <summary>Kafka's default <c>max.message.bytes</c> (1,048,588) less room for the record's framing.</summary>
    public const int DefaultMaxBytes = 1_000_000;

    private const int DetailedWarnings = 20;
    private const int MaxKeyBytes = 4096;
    private const int HeaderOverhead = 64; // per header: name length, varints, framing
    private readonly ILogger _log;

    private readonly IProducer<byte[], byte[]?> _producer;
    private readonly DeliveryTracker _deliveries;
    private readonly int _maxBytes;
    private readonly Dictionary<string, long> _byReason = new(StringComparer.Ordinal);

    /// <param name="maxBytes">The largest dead letter to write, key, value and headers together.</param>
    public DeadLetterWriter(IProducer<byte[], byte[]?> producer, DeliveryTracker deliveries, int maxBytes = DefaultMaxBytes,
        ILogger? log = null)
    {
        _log = log ?? NullLogger.Instance;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 16 * 1024);
        _producer = producer;
        _deliveries = deliveries;
        _maxBytes = maxBytes;
    }

    /// <summary>Records dead-lettered, all topics and reasons.</summary>
    public long Count { get; private set; }

    /// <summary>Records dead-lettered per reason code.</summary>
    public IReadOnlyDictionary<string, long> ByReason => _byReason;

    public void Send(string deadLetterTopic, ConsumeResult<byte[]?, byte[]?> source, string reasonCode, string detail)
    {
        var message = Build(source, reasonCode, detail, _maxBytes);
        _deliveries.Produce(_producer, deadLetterTopic, message);

        Count++;
        _byReason[reasonCode] = _byReason.GetValueOrDefault(reasonCode) + 1;
        if (Count <= DetailedWarnings || Count % 1000 == 0)
        {
            _log.LogWarning("Dead-lettered {Topic} [{Partition}] @{Offset} to {DeadLetterTopic}: {Reason} ({Detail}); {Count} so far",
                source.Topic, source.Partition.Value, source.Offset.Value, deadLetterTopic, reasonCode, detail, Count);
        }
    }

    /// <summary>The dead letter for <paramref name="source"/>, at most <paramref name="maxBytes"/> in all.</summary>
    internal static Message<byte[], byte[]?> Build(ConsumeResult<byte[]?, byte[]?> source, string reasonCode, string detail, int maxBytes)
    {
        var original = source.Message;
        var headers = new Headers
        {
            { SourceTopicHeader, Encoding.UTF8.GetBytes(source.Topic) },
            { SourcePartitionHeader, Ascii(source.Partition.Value) },
            { SourceOffsetHeader, Ascii(source.Offset.Value) },
            { ReasonHeader, Encoding.UTF8.GetBytes(reasonCode) },
            { DetailHeader, Encoding.UTF8.GetBytes(detail.Length <= 1000 ? detail : detail[..1000]) },
        };
        int budget = maxBytes - Size(headers) - 4 * HeaderOverhead; // room for the truncation headers below

        var key = original.Key;
        if (key is not null && key.Length > MaxKeyBytes)
        {
            headers.Add(TruncatedKeyHeader, Ascii(key.Length));
            key = key[..MaxKeyBytes];
        }
        budget -= key?.Length ?? 0;

        if (original.Headers is { Count: > 0 } originalHeaders)
        {
            int size = originalHeaders.Sum(h => h.Key.Length + (h.GetValueBytes()?.Length ?? 0) + HeaderOverhead);
            if (size <= budget / 4)
            {
                foreach (var h in originalHeaders) headers.Add(h.Key, h.GetValueBytes());
                budget -= size;
            }
            else
            {
                headers.Add(DroppedHeadersHeader, Ascii(originalHeaders.Count));
            }
        }

        var value = original.Value;
        if (value is not null && value.Length > budget)
        {
            headers.Add(TruncatedHeader, Ascii(value.Length));
            value = value[..Math.Max(0, budget)];
        }
        return new Message<byte[], byte[]?> { Key = key!, Value = value, Headers = headers };
    }

    private static int Size(Headers headers) => headers.Sum(h => h.Key.Length + h.GetValueBytes().Length + HeaderOverhead);

    private static byte[] Ascii(long n) => Encoding.ASCII.GetBytes(n.ToString(CultureInfo.InvariantCulture));
}
