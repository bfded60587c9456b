using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>A Kafka error kept for a person: its code and librdkafka's reason without the broker prefix.</summary>
public sealed record KafkaError(ErrorCode Code, string Reason);
