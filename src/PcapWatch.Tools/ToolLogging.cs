using Microsoft.Extensions.Logging;
using PcapWatch.Kafka;
using Serilog.Extensions.Logging;

namespace PcapWatch.Tools;

/// <summary>
/// The tools log through Serilog, as the program configures it; the core takes Microsoft.Extensions.Logging loggers,
/// so the tools hand it Serilog's, made here once the program has set Serilog up.
/// </summary>
public static class ToolLogging
{
    private static readonly Lazy<ILoggerFactory> Factory = new(() => new SerilogLoggerFactory(Serilog.Log.Logger));

    public static ILoggerFactory Loggers => Factory.Value;

    private static readonly Lazy<KafkaConnectivity> Connectivity = new(() => new KafkaConnectivity(Loggers.CreateLogger("librdkafka")));

    /// <summary>Where the tools' Kafka clients send librdkafka's lines and errors (one per process: an outage is told once).</summary>
    public static KafkaConnectivity Kafka => Connectivity.Value;
}
