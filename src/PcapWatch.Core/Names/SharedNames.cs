using Confluent.Kafka;
using PcapWatch.Kafka;

namespace PcapWatch.Names;

/// <summary>
/// The passive DNS of one instance and the topic that shares it with the others: an answer and the connection it names
/// often lie in different pcap partitions, read by different instances. What this instance learns is published (key
/// <c>ADDRESS|NAME|CLIENT</c>); what the others publish is read back by <see cref="NamesReader"/>. Records carry the
/// publishing instance in the same header as the bindings', so an instance skips its own.
/// </summary>
public sealed class SharedNames(PassiveDns names, string topic, string instanceId)
{
    internal byte[] InstanceBytes { get; } = System.Text.Encoding.UTF8.GetBytes(instanceId);

    public PassiveDns Names => names;

    public string Topic => topic;

    public long Published { get; private set; }

    internal void Publish(IProducer<byte[], byte[]?> producer, DeliveryTracker deliveries, List<NameStatement> learned)
    {
        foreach (var told in learned)
        {
            var message = new Message<byte[], byte[]?>
            {
                Key = NameRecord.Key(told),
                Value = NameRecord.Encode(told),
                Headers = [new Header(SharedTopicReader.InstanceHeader, InstanceBytes)],
                // The record's time is the answer's capture time: tools reading the topic see when it was given.
                Timestamp = new Timestamp(told.SeenMs, TimestampType.CreateTime),
            };
            deliveries.Produce(producer, topic, message);
            Published++;
        }
    }
}
