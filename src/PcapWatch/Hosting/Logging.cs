using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace PcapWatch.Cli.Hosting;

/// <summary>
/// Serilog set-up: logs go to stderr, so stdout carries only a command's output (matches, bootstrap line).
/// </summary>
internal static class Logging
{
    public static void Configure(string format, LogEventLevel level)
    {
        var config = new LoggerConfiguration().MinimumLevel.Is(level).Enrich.FromLogContext();
        config = format == "json"
            ? config.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose)
            : config.WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose,
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}");
        Log.Logger = config.CreateLogger();
    }
}
