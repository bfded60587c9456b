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
            .Flag(SchemaRegistry, "SchemaRegistry:" + SettingsChecks.SchemaRegistryUrlKey);
    }

    public Option<string> Bootstrap { get; } = CommonOptions.BootstrapServers();
    public Option<string[]> Kafka { get; } = CommonOptions.KafkaProperties();
    public Option<string> SchemaRegistry { get; } = CommonOptions.SchemaRegistry();
    public Option<double> Timeout { get; } = CommonOptions.Timeout();

    public void AddTo(Command command)
    {
        command.Options.Add(Bootstrap);
        command.Options.Add(Kafka);
        command.Options.Add(SchemaRegistry);
        command.Options.Add(Timeout);
    }

    /// <summary>
    /// The settings (file, environment, flags), checked; the bootstrap servers; how long to wait for Kafka.
    /// </summary>
    public (PcapWatchSettings Settings, string Servers, TimeSpan Timeout) Load(ParseResult parse)
    {
        var settings = _loader.Load(parse, parse.GetValue(CommonOptions.ConfigFile));
        var servers = SettingsChecks.RequireBootstrap(settings);
        SettingsChecks.ThrowIfFailed(SettingsChecks.SchemaRegistry(settings.SchemaRegistry));
        SettingsChecks.RefuseUnsafeKafkaSettings(settings, Hosting.ToolLogging.Loggers.CreateLogger("settings"));
        return (settings, servers, CommonOptions.TimeoutOf(parse, Timeout));
    }
}
