using Confluent.Kafka;
using PcapWatch.Kafka;

namespace PcapWatch.Service;

/// <summary>The output through the instance's producer, accounted by its <see cref="DeliveryTracker"/>.</summary>
internal sealed class ProducerDeliveries(IProducer<byte[], byte[]?> producer, DeliveryTracker deliveries) : IOutputDeliveries
{
    public long InFlight => deliveries.InFlight;

    public bool Settle(TimeSpan budget, CancellationToken cancel, Action<IReadOnlyList<FailedDelivery>> redeliver, out bool acknowledged) =>
        deliveries.Settle(producer, budget, cancel, redeliver, out acknowledged);

    public void Produce(string topic, Message<byte[], byte[]?> message) => deliveries.Produce(producer, topic, message);
}
