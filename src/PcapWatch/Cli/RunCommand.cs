using System.CommandLine;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using PcapWatch.Kafka;

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
            .Flag(bootstrap, "Kafka:BootstrapServers").Flag(schemaRegistry, "SchemaRegistry:" + SettingsChecks.SchemaRegistryUrlKey)
            .KafkaFlag(kafka);
        SettingFlags.AddTo(command, loader);
        command.SetAction(parse =>
        {
            // While the settings are read and the host starts.
            KafkaClients.PrepareNativeLibrary();
            var configuration = loader.Build(parse, parse.GetValue(CommonOptions.ConfigFile));
            using var signal = new ShutdownSignal();
            PipelineHost.Run(configuration, signal.Token);
            return 0;
        });
        return command;
    }
}
