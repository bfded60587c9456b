using System.CommandLine;
using PcapWatch.Cli;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using Serilog;
using Serilog.Events;

// PcapWatch: which network traffic do the computers of watched employees produce? See README.md.
var logFormat = new Option<string>("--log-format")
{
    Description = "Log format on stderr: text or json (compact JSON for log shippers)",
    DefaultValueFactory = _ => "text",
    Recursive = true,
}.AcceptOnlyFromAmong("text", "json");
var logLevel = new Option<LogEventLevel>("--log-level")
{
    Description = "Minimum log level",
    DefaultValueFactory = _ => LogEventLevel.Information,
    Recursive = true,
};

var root = new RootCommand("PcapWatch: reports, in real time, the network traffic of watched employees' computers "
    + "(employees + computers + tshark packets from Kafka → WATCHED_EMP_NETWORK_TRAFFIC)")
{
    logFormat,
    logLevel,
    CommonOptions.ConfigFile,
};
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(BrokerCommand.Create());
root.Subcommands.Add(ProduceCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(TailCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(WhoCommand.Create());
root.Subcommands.Add(SettingsCommand.Create());

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Unknown options and bad values: one line each, then exit code 2 (bad usage), before anything starts.
    foreach (var error in parse.Errors) Console.Error.WriteLine($"pcapwatch: {error.Message}");
    Console.Error.WriteLine("pcapwatch: see 'pcapwatch --help' or 'pcapwatch COMMAND --help'");
    return SettingsException.ExitCode;
}
Logging.Configure(parse.GetValue(logFormat) ?? "text", parse.GetValue(logLevel));
PcapWatch.Kafka.EmbeddedBroker.Log = PcapWatch.Tools.ToolLogging.Kafka;
try
{
    // Our handler, not System.CommandLine's, reports failures: through Serilog, with the reason first.
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (SettingsException ex)
{
    Log.Fatal("Invalid settings: {Reason}", ex.Message);
    return SettingsException.ExitCode;
}
catch (PcapWatch.Service.StateDirectoryException ex)
{
    Log.Fatal("Invalid settings: {Reason}", ex.Message);
    return SettingsException.ExitCode;
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    Log.Fatal(ex, "PcapWatch stopped: {Reason}", ex.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
