using System.CommandLine;
using PcapWatch.Cli.Hosting;

using PcapWatch.Tools;

namespace PcapWatch.Cli;

/// <summary><c>demo</c>: the whole recipe in one process on the embedded broker.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        string samples = Path.Combine(AppContext.BaseDirectory, "samples");
        var employees = new Option<string>("--employees")
        {
            Description = "employees table file (kcat -K: layout)",
            DefaultValueFactory = _ => Path.Combine(samples, "employees.txt"),
        };
        var computers = new Option<string>("--computers")
        {
            Description = "computers table file (kcat -K: layout)",
            DefaultValueFactory = _ => Path.Combine(samples, "computers.txt"),
        };
        var pcap = new Option<string>("--pcap")
        {
            Description = "packets: tshark -T json (array or NDJSON) or -T ek output",
            DefaultValueFactory = _ => Path.Combine(samples, "netns-lan.json.ndjson"),
        };
        var partitions = new Option<int>("--pcap-partitions")
        {
            Description = "pcap partitions (1 keeps the output in packet order)",
            DefaultValueFactory = _ => 1,
        };
        var like = CommonOptions.ProtocolsLike();
        var format = CommonOptions.OutputFormat();
        var match = CommonOptions.Match();
        var attribution = CommonOptions.Attribution();
        var dashboard = new Option<bool>("--dashboard")
        {
            Description = "After the demo, keep the embedded broker up and serve the web page of its result (pcapwatch dashboard) "
                + "on 127.0.0.1 until Ctrl+C",
        };
        var web = new DashboardWebOptions();
        var command = new Command("demo", "Run the recipe end to end on the embedded broker and print the matches."
            + CommonOptions.Examples(
                "pcapwatch demo",
                "pcapwatch demo --protocols-like '%http'",
                "pcapwatch demo --dashboard --port 8080",
                "pcapwatch demo --employees e.json --computers c.json --pcap capture.json --match both --format json",
                "pcapwatch demo --employees samples/routed-employees.txt --computers samples/routed-computers-history.txt "
                    + "--pcap tests/Fixtures/routed-lan.json.ndjson --attribution capture-time"))
        {
            employees, computers, pcap, partitions, like, format, match, attribution, dashboard,
        };
        command.Options.Add(web.Port);
        command.SetAction(parse =>
        {
            using var signal = new ShutdownSignal();
            Action<DemoResult, string>? serve = null;
            if (parse.GetValue(dashboard))
            {
                serve = (result, bootstrap) =>
                {
                    PrintSummary(result);
                    var options = DashboardWebOptions.Options(parse.GetValue(web.Port), "127.0.0.1", [],
                        new Configuration.PcapWatchSettings(), bootstrap) with { KafkaTimeout = TimeSpan.FromSeconds(30) };
                    Console.Out.WriteLine("demo: the page stays up until Ctrl+C");
                    DashboardWebOptions.Serve(options, signal.Token);
                };
            }
            foreach (var file in new[] { parse.GetValue(employees)!, parse.GetValue(computers)!, parse.GetValue(pcap)! })
            {
                if (!File.Exists(file))
                {
                    throw new InputException($"demo: no such file: {file}");
                }
            }
            var result = EmbeddedDemo.Run(new DemoOptions
            {
                EmployeesFile = parse.GetValue(employees)!,
                ComputersFile = parse.GetValue(computers)!,
                PcapFile = parse.GetValue(pcap)!,
                PcapPartitions = Math.Max(1, parse.GetValue(partitions)),
                ProtocolsLike = parse.GetValue(like),
                Json = parse.GetValue(format) == "json",
                Match = CommonOptions.ParseMatch(parse.GetValue(match)),
                Attribution = CommonOptions.ParseAttribution(parse.GetValue(attribution)),
            }, Console.Out, signal.Token, serve);
            if (serve is null) PrintSummary(result);
            return result.OversizedRecords > 0 ? ExitCodes.Usage : ExitCodes.Ok; // input that could not be sent
        });
        return command;
    }

    private static void PrintSummary(DemoResult result)
    {
        var p = result.Pipeline;
        Console.Out.WriteLine(
            $"demo: packets={p.Packets} matches={p.Matches} shown={result.Printed} dlq={p.DeadLettered} "
            + $"oversized={result.OversizedRecords} elapsed={result.Elapsed.TotalSeconds:F2}s");
        Console.Out.Flush();
    }
}
