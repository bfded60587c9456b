using Microsoft.Extensions.Logging;
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

    /// <summary>The logger for librdkafka's own lines.</summary>
    public static Microsoft.Extensions.Logging.ILogger Kafka => Loggers.CreateLogger("librdkafka");
}
