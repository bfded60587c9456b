using System.Globalization;
using PcapWatch.Cli.Configuration;
using PcapWatch.Cli.Hosting;
using PcapWatch.Flows;
using PcapWatch.Kafka;
using PcapWatch.Tools;
using Serilog;

namespace PcapWatch.Cli;

/// <summary><c>report --by flow</c>: the flows (run --flows) per employee and remote end, in tumbling windows.</summary>
internal static class ReportFlows
{
    public static void Run(string servers, PcapWatchSettings settings, string source, TimeSpan length, TimeSpan timeout, CancellationToken cancel)
    {
        var report = new FlowReport(length);
        long records = 0;
        TopicSnapshot.Read(servers, source, settings.Kafka.Consumer, ToolLogging.Kafka, r =>
        {
            records++;
            report.Read(r.Message.Value);
        }, cancel, timeout);
        var windows = report.Windows();
        string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        ReportCommand.PrintTable(["WINDOW_START", "EMP_NAME", "EMP_ID", "PROTO", "REMOTE", "NAME", "FLOWS", "PACKETS_OUT", "BYTES_OUT",
            "PACKETS_IN", "BYTES_IN", "LONGEST_S"], 6, windows.Select(w => new[]
        {
            FlowText.Time(w.StartUs)[..19].Replace('T', ' '), w.EmpName, w.EmpId, w.Protocol, w.Remote, w.Name ?? "", N(w.Flows),
            N(w.PacketsOut), N(w.BytesOut), N(w.PacketsIn), N(w.BytesIn), w.LongestSeconds.ToString("0.000", CultureInfo.InvariantCulture),
        }).ToList(), Console.Out);
        Log.Information("Report by flow: {Records} flow records read, {Repeats} repeats not counted again, {Interim} interim records "
            + "(flows still open then) not counted, {Windows} rows, {Unreadable} unreadable", records, report.Repeats.Repeats, report.Interim,
            windows.Count, report.Unreadable);
    }
}
