using Confluent.Kafka;
using PcapWatch.Index;
using PcapWatch.Kafka;
using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>
/// The IP ↔ MAC bindings of one instance and the topic that shares them with the others: what this instance learns
/// from its packets is published (key = address); what the others publish is read back into
/// <see cref="Bindings"/> by <see cref="BindingsReader"/>. Records carry the publishing instance in a header, so an
/// instance skips its own.
/// </summary>
public sealed class SharedBindings(EvidenceGate gate, string? topic, string instanceId)
{
    /// <summary>The instance's name as the header carries it.</summary>
    internal byte[] InstanceBytes { get; } = System.Text.Encoding.UTF8.GetBytes(instanceId);

    public IpBindings Bindings => gate.Bindings;

    /// <summary>What decides which of this instance's packets' statements are believed.</summary>
    public EvidenceGate Gate => gate;

    /// <summary>The topic, or null when bindings stay in this instance.</summary>
    public string? Topic => topic;

    public string InstanceId => instanceId;

    public long Published { get; private set; }

    internal void Publish(IProducer<byte[], byte[]?> producer, DeliveryTracker deliveries, IpAddressKey address, IpBindings.Interval interval)
    {
        if (topic is null) return;
        var message = new Message<byte[], byte[]?>
        {
            Key = BindingRecord.Key(address),
            Value = BindingRecord.Encode(address, interval),
            Headers = [new Header(SharedTopicReader.InstanceHeader, InstanceBytes)],
            // The record's time is the binding's: tools reading the topic see when it began.
            Timestamp = new Timestamp(interval.FromMs, TimestampType.CreateTime),
        };
        deliveries.Produce(producer, topic, message);
        Published++;
    }
}
