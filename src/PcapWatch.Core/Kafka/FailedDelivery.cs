using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>A record the broker finally refused (after librdkafka's own retries), kept to be produced again.</summary>
public sealed record FailedDelivery(string Topic, Message<byte[], byte[]?> Message, Error Error);
