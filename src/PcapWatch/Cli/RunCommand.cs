using System.CommandLine;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using PcapWatch.Kafka;
using PcapWatch.Service;
using Serilog;

namespace PcapWatch.Cli;

/// <summary><c>run</c>: the service, until SIGINT/SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.BootstrapServers();
        var kafka = CommonOptions.KafkaProperties();
        var schemaRegistry = CommonOptions.SchemaRegistry();
        var command = new Command("run", "Run the service: load employees and computers, join pcap against the watched MACs, "
            + "produce matches to WATCHED_EMP_NETWORK_TRAFFIC. Scale out by starting more instances with the same --group-id."
            + CommonOptions.Examples(
                "pcapwatch run -b localhost:9092",
                "pcapwatch run -b broker:9092 --state-dir /var/lib/pcapwatch --metrics-port 9464",
                "PCAPWATCH__Kafka__BootstrapServers=broker:9093 pcapwatch run -X security.protocol=SASL_SSL -X sasl.mechanism=SCRAM-SHA-512",
                "pcapwatch run --config /etc/pcapwatch/appsettings.json --match both",
                "pcapwatch run -b localhost:9092 --output-format avro --schema-registry http://localhost:8081"))
        {
            bootstrap, kafka, schemaRegistry,
        };
        var loader = new SettingsLoader()
            .Flag(bootstrap, "Kafka:BootstrapServers").Flag(schemaRegistry, "SchemaRegistry:" + SettingsLoader.SchemaRegistryUrlKey)
            .KafkaFlag(kafka);
        SettingFlags.AddTo(command, loader);
        command.SetAction(parse =>
        {
            var s = loader.Load(parse, parse.GetValue(CommonOptions.ConfigFile));
            SettingsLoader.ValidateForRun(s);
            var options = new PipelineOptions
            {
                BootstrapServers = s.Kafka.BootstrapServers!.Trim(),
                StateDir = Path.GetFullPath(s.StateDir),
                GroupId = s.GroupId,
                Match = CommonOptions.ParseMatch(s.Match),
                Topics = TopicNames.Default with { Changelog = s.ChangelogTopic },
                PublishChangelog = !string.IsNullOrEmpty(s.ChangelogTopic),
                CheckpointInterval = TimeSpan.FromSeconds(s.CheckpointIntervalSeconds),
                ConsumerProperties = s.Kafka.Consumer,
                ProducerProperties = s.Kafka.Producer,
                StatusInterval = TimeSpan.FromSeconds(s.StatusIntervalSeconds),
                ShutdownTimeout = TimeSpan.FromSeconds(s.ShutdownTimeoutSeconds),
                OutputFormat = s.OutputFormat == "avro" ? Output.OutputFormat.Avro : Output.OutputFormat.Json,
                SchemaRegistryProperties = s.SchemaRegistry,
            };
            if (s.InstanceId is { Length: > 0 } id) options = options with { InstanceId = id };
            Log.Information("Settings: bootstrap={Bootstrap} state_dir={StateDir} group={GroupId} match={Match} metrics_port={MetricsPort} output={OutputFormat} consumer=[{Consumer}] producer=[{Producer}] schema_registry=[{SchemaRegistry}]",
                options.BootstrapServers, options.StateDir, options.GroupId, s.Match, s.MetricsPort, s.OutputFormat,
                Secrets.Describe(s.Kafka.Consumer), Secrets.Describe(s.Kafka.Producer), Secrets.Describe(s.SchemaRegistry));

            using var signal = new ShutdownSignal();
            using var metrics = s.MetricsPort > 0 ? PrometheusEndpoint.Start(s.MetricsPort) : null;
            PipelineHost.Run(options, signal.Token);
            return 0;
        });
        return command;
    }
}
