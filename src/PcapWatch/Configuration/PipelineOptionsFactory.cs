using PcapWatch.Kafka;
using PcapWatch.Service;

namespace PcapWatch.Cli.Configuration;

/// <summary>Turns validated settings into the core's <see cref="PipelineOptions"/> (the core knows nothing of settings files or flags).</summary>
internal static class PipelineOptionsFactory
{
    public static PipelineOptions From(PcapWatchSettings s)
    {
        var options = new PipelineOptions
        {
            BootstrapServers = s.Kafka.BootstrapServers!.Trim(),
            StateDir = Path.GetFullPath(s.StateDir),
            GroupId = s.GroupId,
            Match = CommonOptions.ParseMatch(s.Match),
            Attribution = CommonOptions.ParseAttribution(s.Attribution),
            HistoryRetention = TimeSpan.FromHours(s.HistoryRetentionHours),
            DhcpLeaseCap = TimeSpan.FromHours(s.DhcpLeaseCapHours),
            Topics = TopicNames.Default with { Changelog = s.ChangelogTopic, IpMacBindings = s.BindingsTopic },
            PublishChangelog = !string.IsNullOrEmpty(s.ChangelogTopic),
            ShareBindings = !string.IsNullOrEmpty(s.BindingsTopic),
            CheckpointInterval = TimeSpan.FromSeconds(s.CheckpointIntervalSeconds),
            CommitInterval = TimeSpan.FromSeconds(s.CommitIntervalSeconds),
            ConsumerProperties = s.Kafka.Consumer,
            ProducerProperties = s.Kafka.Producer,
            StatusInterval = TimeSpan.FromSeconds(s.StatusIntervalSeconds),
            ShutdownTimeout = TimeSpan.FromSeconds(s.ShutdownTimeoutSeconds),
            StartupTimeout = s.StartupTimeoutSeconds > 0 ? TimeSpan.FromSeconds(s.StartupTimeoutSeconds) : null,
            RefusedRecordTimeout = TimeSpan.FromSeconds(s.RefusedRecordTimeoutSeconds),
            OutputFormat = s.OutputFormat == "avro" ? Output.OutputFormat.Avro : Output.OutputFormat.Json,
            SchemaRegistryProperties = s.SchemaRegistry,
        };
        return s.InstanceId is { Length: > 0 } id ? options with { InstanceId = id } : options;
    }
}
