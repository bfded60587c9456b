using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Flows;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// The tools on WATCHED_EMP_FLOWS, as processes. <c>tail --flows</c> prints each record once however often it was
/// written (a flow stage killed after writing makes its records again), skipping what is not a flow record, or every
/// copy with <c>--with-repeats</c>. <c>who ADDRESS --flows</c> lists an address's flows in a time range.
/// </summary>
public class FlowToolsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public void Tail_flows_prints_each_record_once_and_skips_what_is_not_one()
    {
        var records = FlowSamples.FinalFlows(TestData.Lines(TestData.Fixture("netns-lan.json.ndjson")), FlowSamples.LongerThanAnyCapture);
        var values = Values(records);
        using var broker = BrokerWithFlows([.. values, "not a flow record", .. values.Take(5)]);

        using (var json = CliProcess.Start("tail", "-b", broker.BootstrapServers, "--flows", "--from-beginning", "--exit-at-end", "--format", "json"))
        {
            Assert.That(json.WaitForExit(Patience), Is.Zero, () => string.Join("\n", json.Logs));
            Assert.That(json.Stdout.Where(l => l.StartsWith('{')), Is.EqualTo(values), "each once, as written");
            Assert.That(json.Logs, Has.Some.Contains("5 repeats not printed again").And.Some.Contains("1 unreadable"));
        }
        using (var all = CliProcess.Start("tail", "-b", broker.BootstrapServers, "--flows", "--from-beginning", "--exit-at-end", "--with-repeats"))
        {
            Assert.That(all.WaitForExit(Patience), Is.Zero, () => string.Join("\n", all.Logs));
            var lines = all.Stdout.Where(l => l.Contains(" → ", StringComparison.Ordinal)).ToList();
            Assert.That(lines, Has.Count.EqualTo(values.Count + 5));
            Assert.That(lines, Has.All.Matches<string>(l => Regex.IsMatch(l,
                @"^Someone \| (tcp|udp|icmp|icmpv6|\d+) \| \S+:\d+ → \S+:\d+ \| "
                + @"out [\d,]+ pkts [\d,]+ B · in [\d,]+ pkts [\d,]+ B \| \d+\.\d{3} s \| (fin|rst|end)$")));
        }
    }

    [Test]
    public void Who_flows_lists_the_flows_of_a_mac_or_an_ip_in_a_time_range()
    {
        var records = FlowSamples.FinalFlows(TestData.Lines(TestData.Fixture("netns-lan.json.ndjson")), FlowSamples.LongerThanAnyCapture);
        var values = Values(records);
        using var broker = BrokerWithFlows([.. values, .. values]);
        var host = records.GroupBy(r => r.Host).OrderByDescending(g => g.Count()).First();
        var ip = host.First().LocalIp;

        using (var who = CliProcess.Start("who", "-b", broker.BootstrapServers, host.Key.ToString(), "--flows"))
        {
            Assert.That(who.WaitForExit(Patience), Is.Zero, () => string.Join("\n", who.Logs));
            Assert.That(who.Stdout[0], Is.EqualTo($"{host.Key}  {host.Count()} flows"));
            var oldestFirst = host.OrderBy(r => r.FirstUs).ThenBy(r => r.FlowId, StringComparer.Ordinal).Select(r => FlowText.Time(r.FirstUs));
            Assert.That(who.Stdout.Skip(1).Select(l => l.Split("  ")[1]), Is.EqualTo(oldestFirst), "each flow once, oldest first");
        }
        // A range that ends just after the first flow with that address on either end has ended.
        var withIp = records.Where(r => r.LocalIp == ip || r.RemoteIp == ip).OrderBy(r => r.LastUs).ToList();
        long untilMs = withIp[0].LastUs / 1000 + 1;
        var until = DateTimeOffset.FromUnixTimeMilliseconds(untilMs);
        using (var early = CliProcess.Start("who", "-b", broker.BootstrapServers, ip.ToString(), "--flows", "--to", until.ToString("O")))
        {
            Assert.That(early.WaitForExit(Patience), Is.Zero, () => string.Join("\n", early.Logs));
            Assert.That(early.Stdout[0], Does.StartWith($"{ip}  {withIp.Count(r => r.FirstUs <= untilMs * 1000)} flows between"));
        }
        using var nobody = CliProcess.Start("who", "-b", broker.BootstrapServers, "02:00:00:00:00:99", "--flows");
        Assert.That(nobody.WaitForExit(Patience), Is.EqualTo(4), "no flows: exit code 4");
        Assert.That(nobody.Stdout[0], Is.EqualTo("02:00:00:00:00:99  0 flows"));
    }

    [Test]
    public void Report_by_flow_counts_each_ended_flow_once_per_employee_and_remote_end()
    {
        var timeouts = FlowSamples.LongerThanAnyCapture with { Interim = TimeSpan.FromSeconds(1) };
        var records = FlowSamples.FinalFlows(TestData.Lines(TestData.Fixture("gaps-lan.json.ndjson")), timeouts, all: true);
        var values = Values(records);
        using var broker = BrokerWithFlows([.. values, .. values.Take(7)]);

        using var report = CliProcess.Start("report", "-b", broker.BootstrapServers, "--by", "flow", "--window", "1h");
        Assert.That(report.WaitForExit(Patience), Is.Zero, () => string.Join("\n", report.Logs));
        var rows = report.Stdout.Skip(2).Where(l => l.Contains(" | ", StringComparison.Ordinal))
            .Select(l => l.Split(" | ").Select(c => c.Trim()).ToArray()).ToList();
        var finals = records.Where(r => r.Final).ToList();
        long Sum(int column) => rows.Sum(r => long.Parse(r[column], System.Globalization.CultureInfo.InvariantCulture));
        Assert.That((Sum(6), Sum(7), Sum(8), Sum(9), Sum(10)), Is.EqualTo((finals.Count, finals.Sum(f => f.PacketsOut), finals.Sum(f => f.BytesOut),
            finals.Sum(f => f.PacketsIn), finals.Sum(f => f.BytesIn))), "each ended flow once; interim records and repeats not counted");
        Assert.That(rows.Select(r => r[4]), Is.EquivalentTo(finals.GroupBy(f => (f.Owner.EmpId, f.Protocol, FlowRemote(f), f.Name))
            .Select(g => FlowRemote(g.First()))), "a row per employee and remote end (one window)");
    }

    private static List<string> Values(IEnumerable<FlowRecord> records) =>
        records.Select(r => Encoding.UTF8.GetString(FlowRecordJson.Encode(r))).ToList();

    /// <summary>A broker of its own with these values on WATCHED_EMP_FLOWS, in this order.</summary>
    private static EmbeddedBroker BrokerWithFlows(List<string> values)
    {
        var broker = EmbeddedBroker.Start();
        try
        {
            broker.CreateTopics(TopicLayout.For(TopicNames.Default));
            Infrastructure.Kafka.Produce(broker.BootstrapServers, TopicNames.Default.Flows, values.Select(v => ((string?)"k", (string?)v)));
            return broker;
        }
        catch
        {
            broker.Dispose();
            throw;
        }
    }

    private static string FlowRemote(FlowRecord f) => PcapWatch.Tools.FlowView.Endpoints(f).Remote;
}
