using PcapWatch.Kafka;
using PcapWatch.Service;

namespace PcapWatch.Cli.Configuration;

/// <summary>
/// Turns validated settings into the core's <see cref="PipelineOptions"/> (the core knows nothing of settings files or
/// flags).
/// </summary>
internal static class PipelineOptionsFactory
{
    public static PipelineOptions From(PcapWatchSettings s)
    {
        var options = Attribution(s, new PipelineOptions
        {
            BootstrapServers = s.Kafka.BootstrapServers!.Trim(),
            StateDir = Path.GetFullPath(s.StateDir),
            GroupId = s.GroupId,
            Topics = TopicNames.Default with { Changelog = s.ChangelogTopic, IpMacBindings = s.BindingsTopic, IpNames = s.NamesTopic },
            PublishChangelog = !string.IsNullOrEmpty(s.ChangelogTopic),
            ShareBindings = !string.IsNullOrEmpty(s.BindingsTopic),
            ShareNames = !string.IsNullOrEmpty(s.NamesTopic),
            CheckpointInterval = TimeSpan.FromSeconds(s.CheckpointIntervalSeconds),
            CommitInterval = TimeSpan.FromSeconds(s.CommitIntervalSeconds),
            ConsumerProperties = s.Kafka.Consumer,
            ProducerProperties = s.Kafka.Producer,
            StatusInterval = TimeSpan.FromSeconds(s.StatusIntervalSeconds),
            ShutdownTimeout = TimeSpan.FromSeconds(s.ShutdownTimeoutSeconds),
            StartupTimeout = s.StartupTimeoutSeconds > 0 ? TimeSpan.FromSeconds(s.StartupTimeoutSeconds) : null,
            RefusedRecordTimeout = TimeSpan.FromSeconds(s.RefusedRecordTimeoutSeconds),
            OutputFormat = s.OutputFormat,
            SchemaRegistryProperties = s.SchemaRegistry,
            Flows = s.Flows,
            FlowTimeouts = FlowTimeouts(s),
            FlowCheckpointInterval = TimeSpan.FromSeconds(s.FlowCheckpointIntervalSeconds),
        });
        return s.InstanceId is { Length: > 0 } id ? options with { InstanceId = id } : options;
    }

    /// <summary>
    /// What decides who is attributed what (the settings <c>demo</c> shares with <c>run</c>), onto <paramref
    /// name="o"/>.
    /// </summary>
    public static PipelineOptions Attribution(PcapWatchSettings s, PipelineOptions o)
    {
        // Checked by AttributionSettingsValidator before this is called.
        Bindings.KnownDhcpServers.TryParse(DhcpServerEntries(s), out var serverAddresses, out var serverMacs, out _);
        return o with
        {
            Match = WithASide(s.Match),
            Names = s.Names,
            NameGrace = TimeSpan.FromSeconds(s.NameGraceSeconds),
            PassiveDnsMaxAddresses = s.PassiveDnsMaxAddresses,
            Attribution = s.Attribution,
            HistoryRetention = TimeSpan.FromHours(s.HistoryRetentionHours),
            DhcpLeaseCap = TimeSpan.FromHours(s.DhcpLeaseCapHours),
            DhcpServerAddresses = serverAddresses,
            DhcpServerMacs = serverMacs,
            BindingsMaxAddresses = s.BindingsMaxAddresses,
            BindingClaimsPerMinute = s.BindingClaimsPerMinute,
            MaxClockSkew = TimeSpan.FromMinutes(s.MaxClockSkewMinutes),
        };
    }

    private static Flows.FlowTimeouts FlowTimeouts(PcapWatchSettings s) => new(TimeSpan.FromSeconds(s.FlowTcpIdleSeconds),
        TimeSpan.FromSeconds(s.FlowUdpIdleSeconds), TimeSpan.FromSeconds(s.FlowIcmpIdleSeconds), TimeSpan.FromSeconds(s.FlowOtherIdleSeconds),
        TimeSpan.FromSeconds(s.FlowTcpLingerSeconds), TimeSpan.FromSeconds(s.FlowInterimSeconds), TimeSpan.FromSeconds(s.FlowGraceSeconds),
        s.FlowMaxOpen);

    /// <summary>ip alone attributes the sender, as the recipe's src does.</summary>
    private static Join.MatchMode WithASide(Join.MatchMode match) =>
        (match & Join.MatchMode.Both) == 0 ? match | Join.MatchMode.Src : match;

    /// <summary>The entries of <c>DhcpServers</c> (checked by <see cref="AttributionSettingsValidator"/>).</summary>
    public static string[] DhcpServerEntries(PcapWatchSettings s) =>
        s.DhcpServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
