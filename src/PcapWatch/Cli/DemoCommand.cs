using System.CommandLine;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;

using PcapWatch.Demo;
using PcapWatch.Tools;

namespace PcapWatch.Cli;

/// <summary><c>demo</c>: the whole recipe in one process on the embedded broker.</summary>
internal static class DemoCommand
{
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "samples");

    /// <summary>The flags of <c>demo</c>.</summary>
    private sealed class Flags
    {
        public Option<string> Employees { get; } = new("--employees")
        {
            Description = "employees table file (kcat -K: layout)",
            DefaultValueFactory = _ => Path.Combine(Samples, "employees.txt"),
        };

        public Option<string> Computers { get; } = new("--computers")
        {
            Description = "computers table file (kcat -K: layout)",
            DefaultValueFactory = _ => Path.Combine(Samples, "computers.txt"),
        };

        public Option<string> Pcap { get; } = new("--pcap")
        {
            Description = "packets: tshark -T json (array or NDJSON) or -T ek output",
            DefaultValueFactory = _ => Path.Combine(Samples, "netns-lan.json.ndjson"),
        };

        public Option<int> Partitions { get; } = new("--pcap-partitions")
        {
            Description = "pcap partitions (1 keeps the output in packet order)",
            DefaultValueFactory = _ => 1,
        };

        public Option<string?> Like { get; } = CommonOptions.ProtocolsLike();
        public Option<string> Format { get; } = CommonOptions.OutputFormat();

        // Declared here with their own checks (an error names the flag); bound to the same keys as run's.
        public Option<string> Match { get; } = CommonOptions.Match();
        public Option<string> Attribution { get; } = CommonOptions.Attribution();

        public Option<bool> Flows { get; } = new("--flows")
        {
            Description = "Print flow records instead of matches: each watched host's connections, both directions, closed "
                + "with 'end' where the input ends (WATCHED_EMP_FLOWS' shape with --format json)",
        };

        public Option<bool> Dashboard { get; } = new("--dashboard")
        {
            Description = "After the demo, keep the embedded broker up and serve the web page of its result (pcapwatch dashboard) "
                + "on 127.0.0.1 until Ctrl+C",
        };

        public DashboardWebOptions Web { get; } = new();

        public IEnumerable<Option> All => [Employees, Computers, Pcap, Partitions, Like, Format, Match, Attribution, Flows, Dashboard, Web.Port];

        /// <summary>
        /// The flags, with the settings that decide attribution as <c>run</c> reads them (file, environment, flags).
        /// </summary>
        public DemoOptions Read(ParseResult parse, PcapWatchSettings settings) => new()
        {
            EmployeesFile = parse.GetValue(Employees)!,
            ComputersFile = parse.GetValue(Computers)!,
            PcapFile = parse.GetValue(Pcap)!,
            PcapPartitions = Math.Max(1, parse.GetValue(Partitions)),
            ProtocolsLike = parse.GetValue(Like),
            Json = parse.GetValue(Format) == "json",
            Flows = parse.GetValue(Flows),
            Pipeline = o => PipelineOptionsFactory.Attribution(settings, o),
        };
    }

    public static Command Create()
    {
        var flags = new Flags();
        var command = new Command("demo", "Run the recipe end to end on the embedded broker and print the matches."
            + CommonOptions.Examples(
                "pcapwatch demo",
                "pcapwatch demo --protocols-like '%http'",
                "pcapwatch demo --flows",
                "pcapwatch demo --dashboard --port 8080",
                "pcapwatch demo --employees e.json --computers c.json --pcap capture.json --match both --format json",
                "pcapwatch demo --employees samples/routed-employees.txt --computers samples/routed-computers-history.txt "
                    + "--pcap tests/Fixtures/routed-lan.json.ndjson --attribution capture-time"));
        foreach (var option in flags.All) command.Options.Add(option);
        // What is attributed to whom: run's own settings and flags (--match, --attribution, the bindings' and the
        // clock's), read from the same settings file and environment.
        var loader = new SettingsLoader().Flag(flags.Match, nameof(PcapWatchSettings.Match))
            .Flag(flags.Attribution, nameof(PcapWatchSettings.Attribution));
        SettingFlags.AddTo(command, loader,
            s => s.Attribute.Demo && s.Key is not (nameof(PcapWatchSettings.Match) or nameof(PcapWatchSettings.Attribution)));
        command.SetAction(parse => Run(parse, flags, loader));
        return command;
    }

    private static int Run(ParseResult parse, Flags flags, SettingsLoader loader)
    {
        var settings = loader.Load(parse, parse.GetValue(CommonOptions.ConfigFile));
        AttributionSettingsValidator.ThrowIfInvalid(settings);
        using var signal = new ShutdownSignal();
        var options = flags.Read(parse, settings);
        foreach (var file in new[] { options.EmployeesFile, options.ComputersFile, options.PcapFile })
        {
            if (!File.Exists(file)) throw new InputException($"demo: no such file: {file}");
        }
        var serve = parse.GetValue(flags.Dashboard) ? ServeAfterwards(parse.GetValue(flags.Web.Port), signal.Token) : null;
        var result = new EmbeddedDemo(ToolLogging.Loggers, ToolLogging.Kafka).Run(options, Console.Out, signal.Token, serve);
        if (serve is null) PrintSummary(result);
        return result.OversizedRecords > 0 ? ExitCodes.Usage : ExitCodes.Ok; // input that could not be sent
    }

    /// <summary>
    /// With <c>--dashboard</c>: the page of the demo's result, on the broker the demo leaves up, until Ctrl+C.
    /// </summary>
    private static Action<DemoResult, string> ServeAfterwards(int port, CancellationToken stop) => (result, bootstrap) =>
    {
        PrintSummary(result);
        var page = DashboardWebOptions.Options(port, "127.0.0.1", [], new Configuration.PcapWatchSettings(), bootstrap);
        var options = page with { KafkaTimeout = TimeSpan.FromSeconds(30) };
        Console.Out.WriteLine("demo: the page stays up until Ctrl+C");
        DashboardWebOptions.Serve(options, stop);
    };

    private static void PrintSummary(DemoResult result)
    {
        var p = result.Pipeline;
        var flows = result.FlowPackets is { } packets ? $"flow_packets={packets} flows_shown={result.Printed} " : $"shown={result.Printed} ";
        Console.Out.WriteLine(
            $"demo: packets={p.Packets} matches={p.Matches} {flows}dlq={p.DeadLettered} "
            + $"oversized={result.OversizedRecords} elapsed={result.Elapsed.TotalSeconds:F2}s");
        Console.Out.Flush();
    }
}
