using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// The one delivery accounting for everything the pipeline produces (matches, dead letters, the changelog): failures
/// are kept, not just counted, so the pipeline can produce them again, and no commit or checkpoint moves past a
/// record that is not acknowledged. Delivery reports arrive on librdkafka's thread; the pipeline thread takes them.
/// </summary>
public sealed class DeliveryTracker
{
    private readonly object _gate = new();
    private List<FailedDelivery> _failed = new();
    private long _failures;
    private long _inFlight;

    // The delivery handler passed to every Produce: one delegate, allocated once.
    private readonly Action<DeliveryReport<byte[], byte[]?>> _onDelivered;

    public DeliveryTracker() => _onDelivered = Record;

    /// <summary>Deliveries refused since start (for metrics), retried ones included.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Produces through this tracker (back-pressure included): the record is counted until its report arrives.</summary>
    public void Produce(IProducer<byte[], byte[]?> producer, string topic, Message<byte[], byte[]?> message)
    {
        producer.ProduceWhenRoom(topic, message, _onDelivered);
        Interlocked.Increment(ref _inFlight);
    }

    /// <summary>
    /// Records produced through <see cref="Produce"/> whose delivery report has not arrived: a counter, so the loop can
    /// ask every batch without a call into librdkafka (a flush, even with no wait, wakes its threads and ends
    /// batching early).
    /// </summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    private void Record(DeliveryReport<byte[], byte[]?> report)
    {
        Interlocked.Decrement(ref _inFlight);
        if (!report.Error.IsError) return;
        Interlocked.Increment(ref _failures);
        // A fresh message to produce again: the report's carries the broker's timestamp kind, which Produce refuses.
        var sent = report.Message;
        var again = new Message<byte[], byte[]?>
        {
            Key = sent.Key,
            Value = sent.Value,
            Headers = sent.Headers,
            Timestamp = sent.Timestamp.Type == TimestampType.CreateTime ? sent.Timestamp : Timestamp.Default,
        };
        lock (_gate) _failed.Add(new FailedDelivery(report.Topic, again, report.Error));
    }

    /// <summary>The failures since the last call (empty when none).</summary>
    private IReadOnlyList<FailedDelivery> TakeFailures()
    {
        lock (_gate)
        {
            if (_failed.Count == 0) return [];
            var taken = _failed;
            _failed = new List<FailedDelivery>();
            return taken;
        }
    }

    /// <summary>
    /// What every commit and checkpoint asks first: waits (at most <paramref name="budget"/>, never past
    /// <paramref name="cancel"/>) until the producer has nothing in flight, then hands what the broker refused to
    /// <paramref name="redeliver"/>. True only when everything produced is acknowledged and nothing was refused;
    /// <paramref name="acknowledged"/> tells a broker that is not answering from one that refused records.
    /// </summary>
    public bool Settle(IProducer<byte[], byte[]?> producer, TimeSpan budget, CancellationToken cancel,
        Action<IReadOnlyList<FailedDelivery>> redeliver, out bool acknowledged)
    {
        acknowledged = WaitForAcknowledgements(producer, budget, cancel);
        if (!acknowledged) return false;
        var failed = TakeFailures();
        if (failed.Count == 0) return true;
        redeliver(failed);
        return false;
    }

    /// <summary>
    /// Waits until the producer has no record in flight, at most <paramref name="budget"/> and never past
    /// <paramref name="cancel"/>: false when records are still unacknowledged (nothing may be committed past them).
    /// </summary>
    private static bool WaitForAcknowledgements(IProducer<byte[], byte[]?> producer, TimeSpan budget, CancellationToken cancel = default)
    {
        var deadline = DateTime.UtcNow + budget;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (producer.Flush(left < TimeSpan.FromMilliseconds(100) ? (left > TimeSpan.Zero ? left : TimeSpan.Zero)
                    : TimeSpan.FromMilliseconds(100)) == 0)
            {
                return true;
            }
            if (cancel.IsCancellationRequested || DateTime.UtcNow >= deadline) return false;
        }
    }

}
