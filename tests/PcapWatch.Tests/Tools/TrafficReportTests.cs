using System.Text;
using NUnit.Framework;
using PcapWatch.Output;

using PcapWatch.Tools;

namespace PcapWatch.Tests.Tools;

public class TrafficReportTests
{
    private static byte[] Row(string empId, string? name, string? protocols, string? len) => Encoding.UTF8.GetBytes(
        $$"""{"P_FRAME_LEN":{{Json(len)}},"P_FRAME_PROTOCOLS":{{Json(protocols)}},"C_EMP_ID":"{{empId}}","C_EMP_NAME":{{Json(name)}}}""");

    private static string Json(string? s) => s is null ? "null" : $"\"{s}\"";

    [Test]
    public void Windows_are_aligned_tumbling_and_split_by_employee_and_top_protocol()
    {
        var report = new TrafficReport(TimeSpan.FromMinutes(1));
        long t0 = new DateTimeOffset(2026, 11, 28, 16, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        report.Add(t0 + 59_999, Row("E1", "Ann", "eth:ethertype:ip:tcp:http", "100"));
        report.Add(t0 + 1, Row("E1", "Ann", "eth:ethertype:ip:tcp:http", "50"));
        report.Add(t0 + 60_000, Row("E1", "Ann", "eth:ethertype:ip:tcp:http", "7"));
        report.Add(t0 + 5, Row("E1", "Ann", "eth:ethertype:arp", null));
        report.Add(t0 + 5, Row("E2", null, null, "x"));
        Assert.That(report.Add(t0, Encoding.UTF8.GetBytes("""{"something":"else"}""")), Is.False);
        Assert.That(report.Add(t0, Encoding.UTF8.GetBytes("not json")), Is.False);

        var rows = report.Windows().Select(w => $"{w.Start:HH:mm:ss}-{w.End:HH:mm:ss} {w.EmpId} {w.EmpName} {w.Protocol} {w.Packets} {w.Bytes}");
        Assert.That(rows, Is.EqualTo(new[]
        {
            "16:00:00-16:01:00 E1 Ann arp 1 0",
            "16:00:00-16:01:00 E1 Ann http 2 150",
            "16:00:00-16:01:00 E2  unknown 1 0",
            "16:01:00-16:02:00 E1 Ann http 1 7",
        }));
        Assert.That(report.Skipped, Is.EqualTo(2));
    }

    [Test]
    public void Records_before_1970_still_fall_in_the_window_that_contains_them()
    {
        var report = new TrafficReport(TimeSpan.FromMinutes(1));
        report.Add(-1, Row("E1", "Ann", "eth:ip", "1"));
        Assert.That(report.Windows().Single().Start, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(-60_000)));
    }
}
