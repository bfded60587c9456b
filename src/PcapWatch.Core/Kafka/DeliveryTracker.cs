using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PcapWatch.Kafka;

/// <summary>
/// The one delivery accounting for everything the pipeline produces (matches, dead letters, the changelog): failures
/// are kept, not just counted, so the pipeline can produce them again, and no commit or checkpoint moves past a
/// record that is not acknowledged. Delivery reports arrive on librdkafka's thread; the pipeline thread takes them.
/// </summary>
/// <remarks>
/// A refusal is bounded: while records the broker refused (rather than left unanswered) keep coming back, nothing is
/// committed, and once that has lasted longer than the refusal budget <see cref="Settle"/> gives up with a
/// <see cref="KafkaUnavailableException"/> naming the topic and the broker's error, and never settles again. A topic
/// deleted or denied, or a size limit below the record's, cannot fix itself; an instance that consumed on for ever
/// without committing would leave a whole night to be read again.
/// </remarks>
public sealed class DeliveryTracker
{
    /// <summary>Kafka's own default for how long a record may take to be delivered (delivery.timeout.ms).</summary>
    public static readonly TimeSpan DefaultRefusalBudget = TimeSpan.FromMinutes(2);

    private readonly object _gate = new();
    private readonly TimeSpan _refusalBudget;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private List<FailedDelivery> _failed = new();
    private long _failures;
    private long _inFlight;
    private DateTimeOffset? _refusedSince;
    private bool _gaveUp;

    // The delivery handler passed to every Produce: one delegate, allocated once.
    private readonly Action<DeliveryReport<byte[], byte[]?>> _onDelivered;

    /// <param name="refusalBudget">How long records may keep being refused before the tracker gives up.</param>
    public DeliveryTracker(TimeSpan? refusalBudget = null, ILogger? log = null, TimeProvider? clock = null)
    {
        _refusalBudget = refusalBudget ?? DefaultRefusalBudget;
        _log = log ?? NullLogger.Instance;
        _clock = clock ?? TimeProvider.System;
        _onDelivered = Record;
    }

    /// <summary>Deliveries refused since start (for metrics), retried ones included.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Since when records the broker refused have been waiting to be accepted (null: none are).</summary>
    public DateTimeOffset? RefusedSince => _refusedSince;

    /// <summary>Whether the refusal budget ran out: nothing is settled (so nothing committed) any more.</summary>
    public bool GaveUp => _gaveUp;

    /// <summary>
    /// Produces through this tracker (back-pressure included): the record is counted until its report arrives.
    /// </summary>
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
    /// <paramref name="acknowledged"/> tells a broker that is not answering from one that refused records. Throws
    /// <see cref="KafkaUnavailableException"/> (<see cref="KafkaUnavailableReason.RecordRefused"/>) once refusals have
    /// lasted past the refusal budget, before producing anything again; false from then on.
    /// </summary>
    public bool Settle(IProducer<byte[], byte[]?> producer, TimeSpan budget, CancellationToken cancel,
        Action<IReadOnlyList<FailedDelivery>> redeliver, out bool acknowledged)
    {
        acknowledged = false;
        if (_gaveUp) return false;
        acknowledged = WaitForAcknowledgements(producer, budget, cancel);
        if (!acknowledged) return false;
        var failed = TakeFailures();
        if (failed.Count == 0)
        {
            EndRefusal();
            return true;
        }
        if (failed.FirstOrDefault(f => IsRefusal(f.Error)) is { } refused) OnRefused(refused, failed.Count);
        redeliver(failed);
        return false;
    }

    /// <summary>
    /// The broker answered "no" (a topic deleted or denied, a record too large, an invalid record), as opposed to
    /// not answering in time: an outage is waited out however long it lasts, a refusal is not.
    /// </summary>
    public static bool IsRefusal(Error error) =>
        error.Code is not (ErrorCode.Local_MsgTimedOut or ErrorCode.Local_TimedOut or ErrorCode.Local_Transport
            or ErrorCode.Local_AllBrokersDown or ErrorCode.RequestTimedOut);

    private void OnRefused(FailedDelivery refused, int count)
    {
        var now = _clock.GetUtcNow();
        if (_refusedSince is not { } since)
        {
            _refusedSince = now;
            _log.LogWarning("The broker refused {Count} records (first: {Topic}: {Code}, {Reason}); producing them "
                + "again, and committing nothing past them; "
                + "still refused after {Budget} s, this instance stops", count, refused.Topic, refused.Error.Code, refused.Error.Reason,
                (int)_refusalBudget.TotalSeconds);
            return;
        }
        if (now - since <= _refusalBudget) return;
        _gaveUp = true;
        throw new KafkaUnavailableException(KafkaUnavailableReason.RecordRefused,
            $"the broker has refused records for topic '{refused.Topic}' for {(int)(now - since).TotalSeconds} s: {refused.Error.Code} "
            + $"({refused.Error.Reason}); nothing was committed past them, and they will be read and produced again after a restart "
            + "(fix the topic, its permissions or its max.message.bytes)");
    }

    private void EndRefusal()
    {
        if (_refusedSince is not { } since) return;
        _refusedSince = null;
        _log.LogInformation("Refused records accepted by the broker after {Seconds:F0} s", (_clock.GetUtcNow() - since).TotalSeconds);
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
