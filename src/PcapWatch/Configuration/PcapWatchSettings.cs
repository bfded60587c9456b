using PcapWatch.Kafka;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Every setting, bound from appsettings.json, then PCAPWATCH__ environment variables, then command-line flags (the
/// last wins). Names are configuration keys: <c>Kafka:BootstrapServers</c> is <c>PCAPWATCH__Kafka__BootstrapServers</c>
/// in the environment and <c>--bootstrap-servers</c> on the command line.
/// </summary>
internal sealed class PcapWatchSettings
{
    public KafkaSettings Kafka { get; set; } = new();
    public string StateDir { get; set; } = "pcapwatch-state";
    public string GroupId { get; set; } = "pcapwatch";
    public string? InstanceId { get; set; }
    /// <summary>src, dst or both.</summary>
    public string Match { get; set; } = "src";
    /// <summary>Empty for none.</summary>
    public string ChangelogTopic { get; set; } = TopicNames.Default.Changelog;
    public double CheckpointIntervalSeconds { get; set; } = 30;
    public double StatusIntervalSeconds { get; set; } = 30;
    public double ShutdownTimeoutSeconds { get; set; } = 30;
    /// <summary>Port of the Prometheus <c>/metrics</c> endpoint; 0 for none.</summary>
    public int MetricsPort { get; set; }
    /// <summary>json (default) or avro.</summary>
    public string OutputFormat { get; set; } = "json";
    /// <summary>Confluent Schema Registry client properties by their names: schema.registry.url, basic.auth.user.info, …</summary>
    public Dictionary<string, string> SchemaRegistry { get; set; } = new(StringComparer.Ordinal);
}
