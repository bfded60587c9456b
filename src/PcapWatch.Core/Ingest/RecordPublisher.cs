using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PcapWatch.Kafka;

namespace PcapWatch.Ingest;

/// <summary>
/// Writes input records to a topic. Records over <see cref="ClientSettings.MaxRecordBytes"/> are not sent (the broker
/// would refuse them): each is logged with its line and reported in the result, never dropped silently. Delivery
/// failures throw once the producer is flushed; so does a broker that acknowledges nothing for the stall timeout
/// (<see cref="KafkaUnavailableException"/>), instead of a tool waiting for minutes.
/// </summary>
public sealed class RecordPublisher : IDisposable
{
    private readonly ILogger _log;
    private readonly string _bootstrapServers;
    private readonly KafkaConnectivity _kafka;
    private readonly TimeSpan? _stallTimeout;

    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly Action<DeliveryReport<byte[]?, byte[]?>> _onDelivered;
    private long _failed;
    private string? _firstError;

    /// <param name="stallTimeout">Give up when the broker acknowledges nothing for this long (null: librdkafka's own
    /// message.timeout.ms decides).</param>
    public RecordPublisher(string bootstrapServers, IReadOnlyDictionary<string, string>? kafkaProperties = null, ILogger? log = null,
        KafkaConnectivity? kafka = null, TimeSpan? stallTimeout = null)
    {
        _log = log ?? NullLogger.Instance;
        _bootstrapServers = bootstrapServers;
        _kafka = kafka ?? new KafkaConnectivity(_log);
        _stallTimeout = stallTimeout;
        _producer = KafkaClients.ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(bootstrapServers, kafkaProperties), _kafka).Build();
        _onDelivered = report =>
        {
            if (report.Error.IsError && Interlocked.Increment(ref _failed) == 1) _firstError = report.Error.ToString();
        };
    }

    public PublishResult Publish(string topic, IEnumerable<InputRecord> records, IPublishPacer? pacer = null,
        Action<long, long>? onProgress = null, CancellationToken cancel = default)
    {
        long produced = 0, bytes = 0;
        var oversized = new List<long>();
        try
        {
            Send();
        }
        catch (FormatException)
        {
            // A bad input line stops the input there: what came before it is still delivered, nothing after it is read.
            Flush();
            throw;
        }
        Flush();
        onProgress?.Invoke(produced, bytes);
        return new PublishResult(produced, bytes, oversized);

        void Send()
        {
            foreach (var record in records)
            {
                cancel.ThrowIfCancellationRequested();
                int size = record.Value?.Length ?? 0;
                if (record.IsTooLarge || size > ClientSettings.MaxRecordBytes)
                {
                    oversized.Add(record.LineNumber);
                    _log.LogError("Record {Line} is {Bytes} bytes, over the {Limit}-byte limit; it was not sent",
                        record.LineNumber, record.IsTooLarge ? record.OversizedBytes : size, ClientSettings.MaxRecordBytes);
                    continue;
                }
                var message = new Message<byte[]?, byte[]?> { Key = record.Key, Value = record.Value };
                if (record.Timestamp is { } at) message.Timestamp = new Timestamp(at);
                var partition = pacer is null ? Partition.Any : new Partition(pacer.WaitForRoom(size, cancel));
                _producer.ProduceWhenRoom(new TopicPartition(topic, partition), message, _onDelivered);
                produced++;
                bytes += size;
                if ((produced & 0xfff) == 0) onProgress?.Invoke(produced, bytes);
            }
        }
    }

    /// <summary>
    /// Waits until the cluster answers, or gives up after <paramref name="timeout"/> (exit-code-3 material).
    /// </summary>
    public void WaitForCluster(TimeSpan? timeout, CancellationToken cancel) =>
        ClusterWait.UntilReachable(_producer, null, _bootstrapServers, _kafka, timeout, null, _log, cancel);

    public void Flush()
    {
        var lastProgress = DateTime.UtcNow;
        var lastLine = DateTime.UtcNow;
        int remaining = int.MaxValue;
        while (true)
        {
            ClusterWait.ThrowIfRefused(_kafka, _bootstrapServers);
            int left = _producer.Flush(TimeSpan.FromSeconds(1));
            if (left == 0) break;
            var now = DateTime.UtcNow;
            if (left < remaining)
            {
                remaining = left;
                lastProgress = now;
            }
            else if (_stallTimeout is { } stall && now - lastProgress >= stall)
            {
                throw new KafkaUnavailableException(KafkaUnavailableReason.Unreachable,
                    $"Kafka at {_bootstrapServers} acknowledged nothing for {(int)stall.TotalSeconds} s "
                        + $"({_kafka.LastProblem ?? "no answer"}); {left} records were not delivered");
            }
            if (now - lastLine >= TimeSpan.FromSeconds(10))
            {
                _log.LogWarning("Waiting for the broker to acknowledge {Records} records", left);
                lastLine = now;
            }
        }
        if (Interlocked.Read(ref _failed) > 0)
        {
            throw new KafkaException(new Error(ErrorCode.Local_Fail, $"{_failed} records were not delivered (first: {_firstError})"));
        }
    }

    public void Dispose() => _producer.Dispose();
}
