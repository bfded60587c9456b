using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;
using Serilog.Extensions.Logging;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// The program's edge: Serilog as the program configures it, handed to the tools, the page and the core as
/// Microsoft.Extensions.Logging loggers and one <see cref="KafkaConnectivity"/>. Only the program holds them
/// statically; everything it starts takes them through its constructor.
/// </summary>
public static class ToolLogging
{
    private static readonly Lazy<ILoggerFactory> Factory = new(() => new SerilogLoggerFactory(Serilog.Log.Logger));

    public static ILoggerFactory Loggers => Factory.Value;

    private static readonly Lazy<KafkaConnectivity> Connectivity = new(() => new KafkaConnectivity(Loggers.CreateLogger("librdkafka")));

    /// <summary>
    /// Where the tools' Kafka clients send librdkafka's lines and errors (one per process: an outage is told once).
    /// </summary>
    public static KafkaConnectivity Kafka => Connectivity.Value;
}
