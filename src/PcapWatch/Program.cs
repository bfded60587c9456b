using System.CommandLine;
using PcapWatch.Cli;
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
    + "(employees + computers + tshark packets from Kafka → WATCHED_EMP_NETWORK_TRAFFIC)."
    + Environment.NewLine + Environment.NewLine + ExitCodes.Help)
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
root.Subcommands.Add(DashboardCommand.Create());
root.Subcommands.Add(SettingsCommand.Create());

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Unknown options and bad values: one line each, then exit code 2 (bad usage), before anything starts.
    foreach (var error in parse.Errors) Console.Error.WriteLine($"pcapwatch: {error.Message}");
    Console.Error.WriteLine("pcapwatch: see 'pcapwatch --help' or 'pcapwatch COMMAND --help'");
    return ExitCodes.Usage;
}
Logging.Configure(parse.GetValue(logFormat) ?? "text", parse.GetValue(logLevel));
try
{
    // Our handler, not System.CommandLine's, reports failures: through Serilog, one line with the reason first.
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    var (code, line) = ExitCodes.Classify(ex);
    // A stack trace reads as "the program is broken": only for those who ask for detail.
    Log.Fatal(Log.IsEnabled(LogEventLevel.Debug) ? ex : null, "{Reason}", line);
    return code;
}
finally
{
    await Log.CloseAndFlushAsync();
}
