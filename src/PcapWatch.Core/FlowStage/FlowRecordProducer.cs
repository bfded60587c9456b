using Confluent.Kafka;
using PcapWatch.Flows;
using PcapWatch.Packets;

namespace PcapWatch.FlowStage;

/// <summary>
/// Writes flow records to <c>WATCHED_EMP_FLOWS</c> (key: the host's MAC, value: <see cref="FlowRecordJson"/>) and keeps
/// count of those the broker finally refused, which the stage checks before it checkpoints: a checkpoint must never
/// cover a flow record that was lost.
/// </summary>
internal sealed class FlowRecordProducer(IProducer<byte[], byte[]?> producer, string topic, FlowStageProgress progress)
{
    private long _refused;
    private string? _lastRefusal;
    private Action<DeliveryReport<byte[], byte[]?>>? _onDelivery;

    public IProducer<byte[], byte[]?> Producer => producer;

    public void Send(List<FlowRecord> records)
    {
        if (records.Count == 0) return;
        var onDelivery = _onDelivery ??= OnDelivery;
        foreach (var record in records)
        {
            var key = new byte[MacAddress.TextLength];
            record.Host.Format(key);
            producer.Produce(topic, new Message<byte[], byte[]?> { Key = key, Value = FlowRecordJson.Encode(record) }, onDelivery);
        }
        progress.OnRecords(records.Count);
        records.Clear();
    }

    private void OnDelivery(DeliveryReport<byte[], byte[]?> report)
    {
        if (!report.Error.IsError) return;
        _lastRefusal = $"{report.Error.Code}: {report.Error.Reason}";
        Interlocked.Increment(ref _refused);
    }

    /// <summary>How many were refused since the last call, and the last reason; the count starts again.</summary>
    public (long Count, string? Reason) TakeRefusals() => (Interlocked.Exchange(ref _refused, 0), _lastRefusal);
}
