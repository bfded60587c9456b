namespace PcapWatch.Cli.Configuration;

internal sealed class KafkaSettings
{
    public string? BootstrapServers { get; set; }
    /// <summary>
    /// Any Confluent.Kafka / librdkafka consumer property (SASL, SSL, tuning), by its librdkafka name.
    /// </summary>
    public Dictionary<string, string> Consumer { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Any Confluent.Kafka / librdkafka producer property, by its librdkafka name.</summary>
    public Dictionary<string, string> Producer { get; set; } = new(StringComparer.Ordinal);
}
