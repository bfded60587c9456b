using System.CommandLine;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using PcapWatch.Ingest;
using PcapWatch.Tools;
using Serilog;

namespace PcapWatch.Cli;

/// <summary><c>produce</c>: writes a file (or stdin) to a topic, one record per table line or per packet.</summary>
internal static class ProduceCommand
{
    /// <summary>The flags of <c>produce</c>.</summary>
    private sealed class Flags
    {
        public Option<string> Bootstrap { get; } = CommonOptions.BootstrapServers();
        public Option<string> Topic { get; } = new("--topic", "-t") { Description = "Topic to write to", Required = true };

        public Option<string> File { get; } = new("--file", "-f")
        {
            Description = "Input file, or - for stdin. Table files: kcat -K: lines ('key:json', 'key:' = tombstone). "
                + "Packets: tshark -T json (array or NDJSON) or -T ek output",
            DefaultValueFactory = _ => "-",
        };

        public Option<InputFormat> Format { get; } = new("--input-format")
        {
            Description = "auto (default: the topic decides: employees/computers take key:value lines, pcap takes packets; "
                + "any other topic: '[' or '{' first means packets, else key:value lines), keyed, or pcap",
            DefaultValueFactory = _ => InputFormat.Auto,
        };

        public Option<string?> Key { get; } = new("--key")
        {
            Description = "Packets: one key for every record, e.g. the capture point's name: its packets then stay in capture "
                + "order in one partition (what --match ip needs to read a DHCP ACK before the traffic it explains)",
        };

        public Option<string> Timestamps { get; } = new Option<string>("--timestamps")
        {
            Description = "Packets: now (the producer stamps each record) or capture (each record's timestamp is its packet's "
                + "frame.time_epoch, so a replayed capture keeps its own time in report windows, who --at and the dashboard; "
                + "beware a topic's time-based retention, which deletes old-stamped records at once)",
            DefaultValueFactory = _ => "now",
        }.AcceptOnlyFromAmong("now", "capture");

        public Option<string[]> Kafka { get; } = CommonOptions.KafkaProperties();
        public Option<double> Timeout { get; } = CommonOptions.Timeout();

        public IEnumerable<Option> All => [Bootstrap, Topic, File, Format, Key, Timestamps, Kafka, Timeout];
    }

    public static Command Create()
    {
        var flags = new Flags();
        var command = new Command("produce", "Write lines or packets to a topic. From a pipe it sends each record as it arrives "
            + "(a live capture works, memory stays bounded); from a file it shows progress on a terminal. A table line that "
            + "is not key:json stops the input there (exit code 2; what came before it is sent). A packet record that is not a "
            + "packet is skipped with a warning naming its line; the summary counts them and the exit code is 2."
            + CommonOptions.Examples(
                "tshark -i eth0 -T ek -l | pcapwatch produce -b localhost:9092 --topic pcap",
                "pcapwatch produce -b localhost:9092 --topic pcap --file capture.json",
                "pcapwatch produce -b localhost:9092 --topic computers --file computers.txt   # key:json lines"));
        foreach (var option in flags.All) command.Options.Add(option);
        var loader = new SettingsLoader().Flag(flags.Bootstrap, "Kafka:BootstrapServers").KafkaFlag(flags.Kafka);
        command.SetAction(parse => Run(parse, flags, loader));
        return command;
    }

    private static int Run(ParseResult parse, Flags flags, SettingsLoader loader)
    {
        var settings = loader.Load(parse, parse.GetValue(CommonOptions.ConfigFile));
        var servers = SettingsChecks.RequireBootstrap(settings);
        SettingsChecks.RefuseUnsafeKafkaSettings(settings, Hosting.ToolLogging.Loggers.CreateLogger("settings"));
        var wait = CommonOptions.TimeoutOf(parse, flags.Timeout);
        using var signal = new ShutdownSignal();
        string path = parse.GetValue(flags.File)!;
        if (path != "-" && !System.IO.File.Exists(path)) throw new SettingsException($"--file: {path} does not exist");
        string source = path == "-" ? "stdin" : path;
        var target = parse.GetValue(flags.Topic)!;
        using var input = path == "-" ? Console.OpenStandardInput() : System.IO.File.OpenRead(path);
        using var publisher = new RecordPublisher(servers, settings.Kafka.Producer,
            ToolLogging.Loggers.CreateLogger("PcapWatch.Ingest.RecordPublisher"), ToolLogging.Kafka, wait);
        publisher.WaitForCluster(wait, signal.Token);
        var records = InputReader.Read(input, LayoutFor(target, parse.GetValue(flags.Format)), out var layout);
        var notPackets = new PacketInputFilter(ToolLogging.Loggers.CreateLogger("PcapWatch.Tools.PacketInputFilter"));
        if (layout == InputFormat.Pcap)
        {
            records = PacketStamping.Apply(notPackets.Apply(records), parse.GetValue(flags.Key), parse.GetValue(flags.Timestamps) == "capture");
        }
        // Progress only for a file on an interactive terminal: a pipe or a log file gets the final line alone.
        var progress = path != "-" && !Console.IsErrorRedirected ? new TerminalProgress(Console.Error, input.Length) : null;
        PublishResult result;
        try
        {
            result = publisher.Publish(target, records, onProgress: progress is null ? null : progress.Report, cancel: signal.Token);
        }
        catch (FormatException ex)
        {
            // Input, not a bug: one line naming the file and the line; the records before it were delivered.
            throw new InputException($"{source}: {ex.Message}; the records before it were sent, none after it");
        }
        progress?.Finish();
        return Report(result, notPackets, source, target);
    }

    /// <summary>The summary line, and the records not sent (exit code 2 when there were any).</summary>
    private static int Report(PublishResult result, PacketInputFilter notPackets, string source, string target)
    {
        Log.Information("Produced {Records} records ({Bytes} bytes) to {Topic}; skipped {NotPackets} that were not packets, {TooLarge} too large",
            result.Produced, result.Bytes, target, notPackets.Skipped, result.OversizedLines.Count);
        if (notPackets.Skipped == 0 && result.OversizedLines.Count == 0) return ExitCodes.Ok;
        var skipped = notPackets.Lines.Concat(result.OversizedLines).Order().Take(PacketInputFilter.ListedAtMost);
        Log.Error("{Source}: {Count} input records were not sent (records {Lines}); {Produced} were",
            source, notPackets.Skipped + result.OversizedLines.Count, string.Join(",", skipped), result.Produced);
        return ExitCodes.Usage;
    }

    /// <summary>
    /// What the user means by a topic: its tables take key:json lines, the packet topic takes packets.
    /// </summary>
    private static InputFormat LayoutFor(string topic, InputFormat asked)
    {
        if (asked != InputFormat.Auto) return asked;
        var names = Kafka.TopicNames.Default;
        if (topic == names.Employees || topic == names.Computers) return InputFormat.Keyed;
        return topic == names.Pcap ? InputFormat.Pcap : InputFormat.Auto;
    }
}
