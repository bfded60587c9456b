using Confluent.Kafka;
using PcapWatch.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PcapWatch.Ingest;

/// <summary>
/// Writes input records to a topic. Records over <see cref="ClientSettings.MaxRecordBytes"/> are not sent (the broker
/// would refuse them): each is logged with its line and reported in the result, never dropped silently. Delivery
/// failures throw once the producer is flushed.
/// </summary>
public sealed class RecordPublisher : IDisposable
{
    private readonly ILogger _log;

    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly Action<DeliveryReport<byte[]?, byte[]?>> _onDelivered;
    private long _failed;
    private string? _firstError;

    public RecordPublisher(string bootstrapServers, IReadOnlyDictionary<string, string>? kafkaProperties = null, ILogger? log = null)
    {
        _log = log ?? NullLogger.Instance;
        _producer = KafkaClients.ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(bootstrapServers, kafkaProperties), _log).Build();
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

    public void Flush()
    {
        while (_producer.Flush(TimeSpan.FromSeconds(10)) > 0)
        {
            _log.LogWarning("Waiting for the broker to acknowledge records");
        }
        if (Interlocked.Read(ref _failed) > 0)
        {
            throw new KafkaException(new Error(ErrorCode.Local_Fail, $"{_failed} records were not delivered (first: {_firstError})"));
        }
    }

    public void Dispose() => _producer.Dispose();
}
