using System.CommandLine;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using PcapWatch.Ingest;
using Serilog;

using PcapWatch.Tools;

namespace PcapWatch.Cli;

/// <summary><c>produce</c>: writes a file (or stdin) to a topic, one record per table line or per packet.</summary>
internal static class ProduceCommand
{
    public static Command Create()
    {
        var bootstrap = CommonOptions.BootstrapServers();
        var topic = new Option<string>("--topic", "-t") { Description = "Topic to write to", Required = true };
        var file = new Option<string>("--file", "-f")
        {
            Description = "Input file, or - for stdin. Table files: kcat -K: lines ('key:json', 'key:' = tombstone). "
                + "Packets: tshark -T json (array or NDJSON) or -T ek output",
            DefaultValueFactory = _ => "-",
        };
        var format = new Option<InputFormat>("--input-format")
        {
            Description = "auto (default: '[' or '{' first means packets, else key:value lines), keyed, or pcap",
            DefaultValueFactory = _ => InputFormat.Auto,
        };
        var kafka = CommonOptions.KafkaProperties();
        var command = new Command("produce", "Write lines or packets to a topic. From a pipe it sends each record as it arrives "
            + "(a live capture works, memory stays bounded); from a file it shows progress on a terminal."
            + CommonOptions.Examples(
                "tshark -i eth0 -T ek -l | pcapwatch produce -b localhost:9092 --topic pcap",
                "pcapwatch produce -b localhost:9092 --topic pcap --file capture.json",
                "pcapwatch produce -b localhost:9092 --topic computers --file computers.txt   # key:json lines"))
        {
            bootstrap, topic, file, format, kafka,
        };
        var loader = new SettingsLoader().Flag(bootstrap, "Kafka:BootstrapServers").KafkaFlag(kafka);
        command.SetAction(parse =>
        {
            var settings = loader.Load(parse, parse.GetValue(CommonOptions.ConfigFile));
            var servers = SettingsLoader.RequireBootstrap(settings);
            using var signal = new ShutdownSignal();
            string path = parse.GetValue(file)!;
            if (path != "-" && !File.Exists(path)) throw new SettingsException($"--file: {path} does not exist");
            using var input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            using var publisher = new RecordPublisher(servers, settings.Kafka.Producer, ToolLogging.Loggers.CreateLogger("PcapWatch.Ingest.RecordPublisher"));
            var target = parse.GetValue(topic)!;
            // Progress only for a file on an interactive terminal: a pipe or a log file gets the final line alone.
            var progress = path != "-" && !Console.IsErrorRedirected ? new TerminalProgress(Console.Error, input.Length) : null;
            PublishResult result;
            try
            {
                result = publisher.Publish(target, InputReader.Read(input, parse.GetValue(format)),
                    onProgress: progress is null ? null : progress.Report, cancel: signal.Token);
            }
            catch (FormatException ex)
            {
                // Input, not a bug: one line naming the file and the line; the records before it were delivered.
                throw new SettingsException($"{(path == "-" ? "stdin" : path)}: {ex.Message}");
            }
            progress?.Finish();
            Log.Information("Produced {Records} records ({Bytes} bytes) to {Topic}", result.Produced, result.Bytes, target);
            if (result.OversizedLines.Count == 0) return 0;
            Log.Error("{Count} records were too large and were not sent (records {Lines})", result.OversizedLines.Count,
                string.Join(",", result.OversizedLines.Take(20)));
            return 1;
        });
        return command;
    }
}
