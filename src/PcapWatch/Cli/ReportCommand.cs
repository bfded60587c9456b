using System.CommandLine;
using System.Globalization;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using PcapWatch.Ingest;
using PcapWatch.Kafka;
using PcapWatch.Output;
using PcapWatch.Tools;
using Serilog;

namespace PcapWatch.Cli;

/// <summary><c>report</c>: per watched employee, packets and bytes per protocol in tumbling windows.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var reader = new OutputReaderOptions();
        var window = new Option<string>("--window")
        {
            Description = "Tumbling window length: 30s, 1m, 15m, 1h, or seconds",
            DefaultValueFactory = _ => "1m",
        };
        var topic = new Option<string?>("--topic")
        {
            Description = $"Topic to read (default {TopicNames.Default.Output}; with --by flow {TopicNames.Default.Flows})",
        };
        var toTopic = new Option<string?>("--to-topic")
        {
            Description = "Also write each window as a JSON record (key EMP_ID|PROTOCOL|WINDOW_START) to this topic, "
                + "e.g. WATCHED_EMP_TRAFFIC_PER_MINUTE; re-running the report rewrites the same keys",
        };
        var by = new Option<string>("--by")
        {
            Description = "protocol: packets and bytes per employee and protocol; name: per employee and name visited (P_NAME, from "
                + "run --names), with the first and last match; flow: the flows (run --flows) per employee and remote end that began in "
                + "each window, with packets and bytes each way and the longest, each flow once",
            DefaultValueFactory = _ => "protocol",
        }.AcceptOnlyFromAmong("protocol", "name", "flow");
        var command = new Command("report", "Per watched employee, packets and bytes per protocol (or, with --by name, per name "
            + "visited) over tumbling windows of the matches' event time (each match keeps its packet's Kafka timestamp). Reads the "
            + "output topic to its current end, prints a table and exits."
            + CommonOptions.Examples(
                "pcapwatch report -b localhost:9092",
                "pcapwatch report -b localhost:9092 --window 15m",
                "pcapwatch report -b localhost:9092 --to-topic WATCHED_EMP_TRAFFIC_PER_MINUTE",
                "pcapwatch report -b localhost:9092 --by name --window 1h --to-topic WATCHED_EMP_SITES_PER_HOUR",
                "pcapwatch report -b localhost:9092 --by flow --window 1h"))
        {
            window, topic, toTopic, by,
        };
        reader.AddTo(command);
        command.SetAction(parse =>
        {
            var (settings, servers, timeout) = reader.Load(parse);
            var length = ParseWindow(parse.GetValue(window)!);
            using var signal = new ShutdownSignal();
            using var decoder = new MatchValueDecoder(settings.SchemaRegistry);
            var kind = parse.GetValue(by);
            var source = parse.GetValue(topic) ?? (kind == "flow" ? TopicNames.Default.Flows : TopicNames.Default.Output);
            if (kind == "flow" && parse.GetValue(toTopic) is { Length: > 0 }) throw new SettingsException("--to-topic is not for --by flow");
            if (kind == "flow") ReportFlows.Run(servers, settings, source, length, timeout, signal.Token);
            else if (kind == "name") BySite(servers, settings, source, length, parse.GetValue(toTopic), decoder, timeout, signal.Token);
            else ByProtocol(servers, settings, source, length, parse.GetValue(toTopic), decoder, timeout, signal.Token);
            return 0;
        });
        return command;
    }

    internal static TimeSpan ParseWindow(string text)
    {
        text = text.Trim();
        double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        try
        {
            var span = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(Number(text[..^1])),
                'm' => TimeSpan.FromMinutes(Number(text[..^1])),
                'h' => TimeSpan.FromHours(Number(text[..^1])),
                _ => TimeSpan.FromSeconds(Number(text)),
            };
            if (span >= TimeSpan.FromMilliseconds(1)) return span;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or IndexOutOfRangeException)
        {
        }
        throw new SettingsException($"--window: '{text}' is not a positive duration (30s, 1m, 15m, 1h, or seconds)");
    }

    private static void Print(IReadOnlyList<TrafficWindow> windows, TextWriter output) =>
        PrintTable(["WINDOW_START", "EMP_NAME", "EMP_ID", "PROTOCOL", "PACKETS", "BYTES"], 4, windows.Select(w => new[]
        {
            w.Start.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), w.EmpName ?? "", w.EmpId, w.Protocol,
            w.Packets.ToString(CultureInfo.InvariantCulture), w.Bytes.ToString(CultureInfo.InvariantCulture),
        }).ToList(), output);

    /// <summary>A table of columns separated by " | ", the counts (from <paramref name="firstCount"/> on) right-aligned.</summary>
    internal static void PrintTable(string[] header, int firstCount, List<string[]> rows, TextWriter output)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        string Line(string[] cells) =>
            string.Join(" | ", cells.Select((c, i) => i >= firstCount ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        output.WriteLine(Line(header));
        output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows) output.WriteLine(Line(row));
        output.Flush();
    }

    /// <summary>
    /// Hands every record of <paramref name="source"/> up to its current end to <paramref name="read"/>, each match once
    /// (a record produced again after a crash is not counted again: <see cref="RepeatFilter"/>); how many were read.
    /// </summary>
    private static long ReadTopic(string servers, PcapWatchSettings settings, string source, RepeatFilter repeats,
        Action<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>> read, TimeSpan timeout, CancellationToken cancel)
    {
        long records = 0;
        TopicSnapshot.Read(servers, source, settings.Kafka.Consumer, ToolLogging.Kafka, r =>
        {
            records++;
            if (repeats.IsFirst(r)) read(r);
        }, cancel, timeout);
        return records;
    }

    /// <summary>The recipe's report: each employee's packets and bytes per protocol, printed and, with <c>--to-topic</c>, written.</summary>
    private static void ByProtocol(string servers, PcapWatchSettings settings, string source, TimeSpan length, string? target,
        MatchValueDecoder decoder, TimeSpan timeout, CancellationToken cancel)
    {
        var report = new TrafficReport(length);
        var repeats = new RepeatFilter();
        long records = ReadTopic(servers, settings, source, repeats, r => report.Read(r, decoder), timeout, cancel);
        var windows = report.Windows();
        Print(windows, Console.Out);
        Log.Information("Report: {Records} matches read, {Repeats} repeats not counted again, {Unverifiable} without an origin "
            + "(counted, unverified), {Windows} rows, {Skipped} records that were not output rows, {Unreadable} unreadable",
            records, repeats.Repeats, repeats.Unverifiable, windows.Count, report.Skipped, report.Unreadable.Count);
        if (target is { Length: > 0 }) Publish(servers, settings.Kafka.Producer, target, windows, timeout, cancel);
    }

    /// <summary><c>--by name</c>: the sites each employee visited, printed and, with <c>--to-topic</c>, written.</summary>
    private static void BySite(string servers, PcapWatchSettings settings, string source, TimeSpan length, string? target,
        MatchValueDecoder decoder, TimeSpan timeout, CancellationToken cancel)
    {
        var report = new SiteReport(length);
        var repeats = new RepeatFilter();
        long records = ReadTopic(servers, settings, source, repeats, r => report.Read(r, decoder), timeout, cancel);
        var windows = report.Windows();
        string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        PrintTable(["WINDOW_START", "EMP_NAME", "EMP_ID", "NAME", "FIRST_SEEN", "LAST_SEEN", "PACKETS", "BYTES"], 6, windows.Select(w => new[]
        {
            Time(w.Start), w.EmpName ?? "", w.EmpId, w.Name, Time(w.FirstSeen), Time(w.LastSeen),
            w.Packets.ToString(CultureInfo.InvariantCulture), w.Bytes.ToString(CultureInfo.InvariantCulture),
        }).ToList(), Console.Out);
        Log.Information("Report by name: {Records} matches read, {Repeats} repeats not counted again, {Unverifiable} without an origin "
            + "(counted, unverified), {Windows} rows, {Unnamed} matches without a name, {Skipped} records that were not output rows, "
            + "{Unreadable} unreadable", records, repeats.Repeats, repeats.Unverifiable, windows.Count, report.Unnamed, report.Skipped,
            report.Unreadable.Count);
        if (target is { Length: > 0 })
        {
            Publish(servers, settings.Kafka.Producer, target, windows.Select((w, i) =>
                new InputRecord(System.Text.Encoding.UTF8.GetBytes(SiteReport.Key(w)), SiteReport.Encode(w), i + 1) { Timestamp = w.Start }),
                timeout, cancel);
        }
    }

    private static void Publish(string servers, IReadOnlyDictionary<string, string> producerProperties, string topic,
        IReadOnlyList<TrafficWindow> windows, TimeSpan timeout, CancellationToken cancel) =>
        Publish(servers, producerProperties, topic, windows.Select((w, i) =>
            new InputRecord(System.Text.Encoding.UTF8.GetBytes(TrafficReport.Key(w)), TrafficReport.Encode(w), i + 1) { Timestamp = w.Start }),
            timeout, cancel);

    private static void Publish(string servers, IReadOnlyDictionary<string, string> producerProperties, string topic,
        IEnumerable<InputRecord> records, TimeSpan timeout, CancellationToken cancel)
    {
        // The one publisher every command writes with: back-pressure, delivery accounting, event-time timestamps.
        using var publisher = new RecordPublisher(servers, producerProperties,
            ToolLogging.Loggers.CreateLogger("PcapWatch.Ingest.RecordPublisher"), ToolLogging.Kafka, timeout);
        var written = publisher.Publish(topic, records);
        Log.Information("Wrote {Windows} window records to {Topic}", written.Produced, topic);
    }
}
