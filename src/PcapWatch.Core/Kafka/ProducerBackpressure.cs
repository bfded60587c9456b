using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// Produce that waits for room instead of failing when librdkafka's local queue is full: every producer in PcapWatch
/// (matches, changelog, dead letters, the publisher) must slow down under load, never drop.
/// </summary>
public static class ProducerBackpressure
{
    public static void ProduceWhenRoom<TKey, TValue>(this IProducer<TKey, TValue> producer, TopicPartition target,
        Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? onDelivered = null)
    {
        while (true)
        {
            try
            {
                producer.Produce(target, message, onDelivered);
                return;
            }
            catch (ProduceException<TKey, TValue> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50)); // serve delivery reports until the queue drains
            }
        }
    }

    public static void ProduceWhenRoom<TKey, TValue>(this IProducer<TKey, TValue> producer, string topic,
        Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? onDelivered = null) =>
        producer.ProduceWhenRoom(new TopicPartition(topic, Partition.Any), message, onDelivered);
}
