using System.CommandLine;
using PcapWatch.Cli.Hosting;
using PcapWatch.Ingest;
using Serilog;

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
        var command = new Command("produce", "Write lines or packets to a topic") { bootstrap, topic, file, format };
        command.SetAction(parse =>
        {
            using var signal = new ShutdownSignal();
            string path = parse.GetValue(file)!;
            using var input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            using var publisher = new RecordPublisher(parse.GetValue(bootstrap)!);
            var target = parse.GetValue(topic)!;
            var result = publisher.Publish(target, InputReader.Read(input, parse.GetValue(format)), cancel: signal.Token);
            Log.Information("Produced {Records} records ({Bytes} bytes) to {Topic}", result.Produced, result.Bytes, target);
            if (result.OversizedLines.Count == 0) return 0;
            Log.Error("{Count} records were too large and were not sent (records {Lines})", result.OversizedLines.Count,
                string.Join(",", result.OversizedLines.Take(20)));
            return 1;
        });
        return command;
    }
}
