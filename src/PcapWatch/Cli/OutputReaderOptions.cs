using System.CommandLine;
using PcapWatch.Cli.Configuration;

namespace PcapWatch.Cli;

/// <summary>
/// What every tool that reads the output topic shares (tail, report, who): the broker, client properties and the
/// Schema Registry for Avro records, as flags, and the settings they resolve to.
/// </summary>
internal sealed class OutputReaderOptions
{
    private readonly SettingsLoader _loader;

    public OutputReaderOptions()
    {
        _loader = new SettingsLoader().Flag(Bootstrap, "Kafka:BootstrapServers").KafkaFlag(Kafka)
            .Flag(SchemaRegistry, "SchemaRegistry:" + SettingsLoader.SchemaRegistryUrlKey);
    }

    public Option<string> Bootstrap { get; } = CommonOptions.BootstrapServers();
    public Option<string[]> Kafka { get; } = CommonOptions.KafkaProperties();
    public Option<string> SchemaRegistry { get; } = CommonOptions.SchemaRegistry();

    public void AddTo(Command command)
    {
        command.Options.Add(Bootstrap);
        command.Options.Add(Kafka);
        command.Options.Add(SchemaRegistry);
    }

    /// <summary>The settings (file, environment, flags), checked; and the bootstrap servers.</summary>
    public (PcapWatchSettings Settings, string Servers) Load(ParseResult parse)
    {
        var settings = _loader.Load(parse, parse.GetValue(CommonOptions.ConfigFile));
        var servers = SettingsLoader.RequireBootstrap(settings);
        SettingsLoader.ValidateSchemaRegistry(settings.SchemaRegistry);
        return (settings, servers);
    }
}
