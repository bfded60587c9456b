using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Tools;

/// <summary>
/// The operator's tools against a real run (with <c>--names</c>): <c>report</c> (windowed totals per employee and
/// protocol, or per name visited, printed and written to a topic) and <c>who</c> (whom a MAC or IP belongs to), checked
/// against the matches themselves.
/// </summary>
public class ReportAndWhoTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private const string Alice = "02:50:57:00:00:02", Bob = "02:50:57:00:00:03", Nobody = "02:50:57:00:00:01";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 16, 0, 30, TimeSpan.Zero);

    private EmbeddedBroker _broker = null!;
    private string _scratch = null!;
    private List<(DateTimeOffset Timestamp, JsonElement Value)> _matches = null!;

    [OneTimeSetUp]
    public void RunThePipelineOnTimedPackets()
    {
        _scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-report-" + Guid.NewGuid().ToString("N"));
        _broker = EmbeddedBroker.Start();
        _broker.CreateTopics(TopicLayout.For(TopicNames.Default));
        _broker.CreateTopic("WATCHED_EMP_TRAFFIC_PER_MINUTE", 1);
        _broker.CreateTopic("WATCHED_EMP_SITES_PER_MINUTE", 1);
        var b = _broker.BootstrapServers;
        Infrastructure.Kafka.Produce(b, "employees", [("E100", """{"key":"E100","name":"Alice Example","watch_flag":"YES"}"""),
            ("E200", """{"key":"E200","name":"Bob Example","watch_flag":"YES"}""")]);
        Infrastructure.Kafka.Produce(b, "computers", [("1", $$"""{"comp_id":1,"empkey":"E100","macaddr":"{{Alice}}"}"""),
            ("2", $$"""{"comp_id":2,"empkey":"E200","macaddr":"{{Bob}}"}""")]);

        // One packet a second from 16:00:30: the capture's 148 packets span the windows 16:00, 16:01, 16:02 and 16:03.
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(b)).Build())
        {
            foreach (var (packet, i) in TestData.Lines(TestData.Fixture("netns-lan.json.ndjson")).Select((p, i) => (p, i)))
            {
                producer.Produce("pcap", new Message<byte[]?, byte[]?> { Value = packet, Timestamp = new Timestamp(Start.AddSeconds(i)) });
            }
            Assert.That(producer.Flush(Patience), Is.Zero);
        }
        using var run = CliProcess.Start("run", "-b", b, "--state-dir", Path.Combine(_scratch, "state"), "--names");
        Infrastructure.Kafka.WaitForCommittedToEnd(b, "pcapwatch", "pcap", Patience);
        run.Terminate();
        Assert.That(run.WaitForExit(TimeSpan.FromSeconds(20)), Is.Zero);
        _matches = Infrastructure.Kafka.ReadTimed(b, TopicNames.Default.Output);
        Assert.That(_matches, Has.Count.EqualTo(ExpectedCounts.CapturedFrom(Alice) + ExpectedCounts.CapturedFrom(Bob)), "tshark's count of their packets");
    }

    [OneTimeTearDown]
    public void StopBroker()
    {
        _broker.Dispose();
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    [Test]
    public void Report_totals_equal_a_direct_count_of_the_matches_per_window_employee_and_protocol()
    {
        var expected = _matches.GroupBy(m => (
                Window: m.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + ":00",
                Name: m.Value.GetProperty("C_EMP_NAME").GetString()!,
                Protocol: m.Value.GetProperty("P_FRAME_PROTOCOLS").GetString()!.Split(':')[^1]))
            .ToDictionary(g => g.Key, g => (Packets: (long)g.Count(), Bytes: g.Sum(m => long.Parse(m.Value.GetProperty("P_FRAME_LEN").GetString()!))));
        Assert.That(expected.Keys.Select(k => k.Window).Distinct().Count(), Is.GreaterThan(1), "the data spans several windows");

        using var report = CliProcess.Start("report", "-b", _broker.BootstrapServers, "--to-topic", "WATCHED_EMP_TRAFFIC_PER_MINUTE");
        Assert.That(report.WaitForExit(Patience), Is.Zero, () => string.Join("\n", report.Stderr));
        var printed = report.Stdout.Skip(2).Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .ToDictionary(c => (c[0], c[1], c[3]), c => (long.Parse(c[4]), long.Parse(c[5])));
        Assert.That(printed, Is.EquivalentTo(expected));
        Assert.That(printed.Values.Sum(v => v.Item1), Is.EqualTo(_matches.Count));

        var written = Infrastructure.Kafka.ReadAll(_broker.BootstrapServers, "WATCHED_EMP_TRAFFIC_PER_MINUTE");
        Assert.That(written, Has.Count.EqualTo(expected.Count));
        Assert.That(written.Sum(w => w.Value!.Value.GetProperty("PACKETS").GetInt64()), Is.EqualTo(_matches.Count));
        Assert.That(written.Sum(w => w.Value!.Value.GetProperty("BYTES").GetInt64()), Is.EqualTo(expected.Values.Sum(v => v.Bytes)));
        Assert.That(written.Select(w => w.Key), Is.Unique);
    }

    /// <summary>
    /// Issue "What did they visit?": per window, employee and name, the first and last match, packets and bytes, equal
    /// to a direct count of the named matches; the unnamed ones counted, not shown.
    /// </summary>
    [Test]
    public void Report_by_name_equals_a_direct_count_of_the_named_matches()
    {
        static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var named = _matches.Where(m => m.Value.GetProperty("P_NAME").ValueKind == JsonValueKind.String).ToList();
        var expected = named.GroupBy(m => (
                Window: m.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + ":00",
                Employee: m.Value.GetProperty("C_EMP_NAME").GetString()!, Name: m.Value.GetProperty("P_NAME").GetString()!))
            .ToDictionary(g => g.Key, g => (First: Time(g.Min(m => m.Timestamp)), Last: Time(g.Max(m => m.Timestamp)), Packets: (long)g.Count(),
                Bytes: g.Sum(m => long.Parse(m.Value.GetProperty("P_FRAME_LEN").GetString()!, CultureInfo.InvariantCulture))));
        Assert.That(expected, Has.Count.GreaterThan(1), "names in several windows");

        using var report = CliProcess.Start("report", "-b", _broker.BootstrapServers, "--by", "name", "--to-topic", "WATCHED_EMP_SITES_PER_MINUTE");
        Assert.That(report.WaitForExit(Patience), Is.Zero, () => string.Join("\n", report.Stderr));
        Assert.That(report.Stdout[0].Split('|').Select(c => c.Trim()),
            Is.EqualTo(new[] { "WINDOW_START", "EMP_NAME", "EMP_ID", "NAME", "FIRST_SEEN", "LAST_SEEN", "PACKETS", "BYTES" }));
        var printed = report.Stdout.Skip(2).Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .ToDictionary(c => (c[0], c[1], c[3]), c => (c[4], c[5], long.Parse(c[6], CultureInfo.InvariantCulture), long.Parse(c[7], CultureInfo.InvariantCulture)));
        Assert.That(printed, Is.EquivalentTo(expected));
        var summary = report.Event("Report by name: ");
        Assert.That(summary.GetProperty("Unnamed").GetInt64(), Is.EqualTo(_matches.Count - named.Count));

        var written = Infrastructure.Kafka.ReadAll(_broker.BootstrapServers, "WATCHED_EMP_SITES_PER_MINUTE");
        Assert.That(written, Has.Count.EqualTo(expected.Count));
        Assert.That(written.Select(w => w.Key), Is.Unique);
        Assert.That(written.Sum(w => w.Value!.Value.GetProperty("PACKETS").GetInt64()), Is.EqualTo(named.Count));
    }

    [Test]
    public void Who_names_the_owner_of_a_mac_and_its_last_ip()
    {
        // Its own address: an unspecified source (DHCP's 0.0.0.0, duplicate-address detection's ::) is none.
        var lastIp = _matches.Where(m => m.Value.GetProperty("C_MACADDR").GetString() == Alice
                && m.Value.GetProperty("P_IP_SRC").ValueKind == JsonValueKind.String
                && m.Value.GetProperty("P_IP_SRC").GetString() is not ("0.0.0.0" or "::"))
            .MaxBy(m => m.Timestamp).Value.GetProperty("P_IP_SRC").GetString()!;

        using var who = CliProcess.Start("who", "-b", _broker.BootstrapServers, "0250.5700.0002", lastIp);
        Assert.That(who.WaitForExit(Patience), Is.Zero, () => string.Join("\n", who.Stderr));
        Assert.That(who.Stdout[0], Does.StartWith($"{Alice}  watched: Alice Example (E100), computer 1; last IP {lastIp} at "));
        Assert.That(who.Stdout[1], Does.StartWith($"{lastIp}  last seen on {Alice} at ").And.EndWith("watched: Alice Example (E100)"));
    }

    /// <summary>Issue "What did they visit?": who visited a name, or a name under it, and when — against the matches.</summary>
    [Test]
    public void Who_visited_a_name_and_when_equals_the_named_matches()
    {
        const string domain = "corp.example";
        var expected = _matches.Select(m => (m.Timestamp, Emp: m.Value.GetProperty("C_EMP_NAME").GetString()!,
                Name: m.Value.GetProperty("P_NAME").ValueKind == JsonValueKind.String ? m.Value.GetProperty("P_NAME").GetString()! : ""))
            .Where(m => m.Name.EndsWith("." + domain, StringComparison.Ordinal))
            .GroupBy(m => (m.Emp, m.Name))
            .Select(g => $"{domain}  visited by {g.Key.Emp} (E{(g.Key.Emp.StartsWith("Alice", StringComparison.Ordinal) ? 100 : 200)}) as {g.Key.Name}: "
                + $"{g.Count()} matches, first {g.Min(m => m.Timestamp).UtcDateTime:O}, last {g.Max(m => m.Timestamp).UtcDateTime:O}")
            .ToList();
        Assert.That(expected, Is.Not.Empty);

        using var who = CliProcess.Start("who", "-b", _broker.BootstrapServers, "Corp.Example.", "nowhere.example");
        Assert.That(who.WaitForExit(Patience), Is.EqualTo(4), "one name nobody visited");
        Assert.That(who.Stdout[..^1], Is.EquivalentTo(expected), "a name under it counts; the name as people write it");
        Assert.That(who.Stdout[^1], Does.StartWith("nowhere.example  not visited in the matched traffic"));
    }

    [Test]
    public void Who_says_so_when_an_address_is_not_watched()
    {
        using var who = CliProcess.Start("who", "-b", _broker.BootstrapServers, Nobody, "192.0.2.1");
        Assert.That(who.WaitForExit(Patience), Is.EqualTo(4), "answered: not watched (1 is kept for bugs)");
        Assert.That(who.Stdout, Is.EqualTo(new[] { $"{Nobody}  not watched", "192.0.2.1  not seen in matched traffic" }));
    }

    /// <summary>A name is an answer too (issue "What did they visit?"); a mistyped address or words are not.</summary>
    [TestCase("10.0.0.999")]
    [TestCase("not an address")]
    public void Who_refuses_what_is_neither_an_address_nor_a_name(string query)
    {
        using var who = CliProcess.Start("who", "-b", _broker.BootstrapServers, query);
        Assert.That(who.WaitForExit(Patience), Is.EqualTo(2));
        Assert.That(who.Logs, Has.Some.Contains("neither a MAC address, an IP address nor a name"));
    }
}
