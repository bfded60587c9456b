using Confluent.Kafka;
using PcapWatch.Kafka;

namespace PcapWatch.Service;

/// <summary>The output in flight: what the commit coordinator waits on before anything moves past it.</summary>
internal interface IOutputDeliveries
{
    /// <summary>Records produced and not yet acknowledged.</summary>
    long InFlight { get; }

    /// <summary>
    /// See <see cref="DeliveryTracker.Settle"/>: true only when everything produced is acknowledged and nothing was
    /// refused.
    /// </summary>
    bool Settle(TimeSpan budget, CancellationToken cancel, Action<IReadOnlyList<FailedDelivery>> redeliver, out bool acknowledged);

    void Produce(string topic, Message<byte[], byte[]?> message);
}
