using System.Text;
using NUnit.Framework;
using PcapWatch.Demo;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;
using PcapWatch.Tools;

namespace PcapWatch.IntegrationTests.Tools;

/// <summary>The demo in-process: embedded broker, real Confluent.Kafka clients, FASTER on disk, the output topic read back.</summary>
public class DemoTests
{
    private string _scratch = null!;

    [SetUp]
    public void CreateScratch() => Directory.CreateDirectory(_scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-it-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void RemoveScratch() => Directory.Delete(_scratch, recursive: true);

    private static (DemoResult Result, string[] Lines) Run(DemoOptions options)
    {
        var output = new StringWriter();
        var result = new EmbeddedDemo(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, new PcapWatch.Kafka.KafkaConnectivity())
            .Run(options, output, CancellationToken.None);
        return (result, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static DemoOptions Recipe() => new()
    {
        EmployeesFile = TestData.Shared("recipe-data/employees.json"),
        ComputersFile = TestData.Shared("recipe-data/computers.json"),
        PcapFile = TestData.Shared("recipe-data/pcap.json"),
    };

    private static DemoOptions Samples(string pcap = "netns-lan.json.ndjson") => new()
    {
        EmployeesFile = TestData.Fixture("employees.txt"),
        ComputersFile = TestData.Fixture("computers.txt"),
        PcapFile = TestData.Fixture(pcap),
    };

    [Test]
    public void Recipe_gives_the_watched_employees_rows_with_their_http_and_arp()
    {
        var expected = ExpectedCounts.Recipe();
        var (result, lines) = Run(Recipe());
        Assert.That(lines, Has.Length.EqualTo(expected.Watched));
        Assert.That(lines, Is.All.StartsWith(expected.WatchedEmployee + " | "));
        Assert.That(lines.Count(l => l.Split(" | ")[1].EndsWith("http", StringComparison.Ordinal)), Is.EqualTo(expected.WatchedHttp));
        Assert.That(lines.Count(l => l == expected.WatchedEmployee + " | eth:ethertype:arp | null"), Is.EqualTo(expected.WatchedArp));
        Assert.That((result.Pipeline.Packets, result.Pipeline.Matches, result.Pipeline.DeadLettered), Is.EqualTo((expected.Packets, expected.Watched, 0L)));
    }

    [Test]
    public void Recipe_filtered_by_protocols_like_http_gives_only_the_http_rows()
    {
        var expected = ExpectedCounts.Recipe();
        var (result, lines) = Run(Recipe() with { ProtocolsLike = "%http" });
        Assert.That(lines, Has.Length.EqualTo(expected.WatchedHttp));
        Assert.That(lines, Is.All.EqualTo(expected.WatchedEmployee + " | eth:ethertype:ip:tcp:http | 86.66.0.227"));
        Assert.That(result.Pipeline.Matches, Is.EqualTo(expected.Watched), "the filter is a view; every match is in the topic");
    }

    [Test]
    public void Project_samples_give_alices_packets_and_ek_gives_the_same_rows_as_json()
    {
        var (json, jsonLines) = Run(Samples());
        var (ek, ekLines) = Run(Samples("netns-lan.ek.ndjson"));
        Assert.That(jsonLines, Has.Length.EqualTo(ExpectedCounts.CapturedFrom(ExpectedCounts.AliceMac)));
        Assert.That(jsonLines, Is.All.StartsWith("Alice Example | "));
        Assert.That(ekLines, Is.EqualTo(jsonLines));
        long packets = ExpectedCounts.CapturedPackets();
        Assert.That((json.Pipeline.Packets, ek.Pipeline.Packets), Is.EqualTo((packets, packets)));
    }

    [Test]
    public void Table_files_with_updates_and_tombstones_give_the_final_state_for_all_packets()
    {
        var employees = Path.Combine(_scratch, "employees.txt");
        File.WriteAllLines(employees,
        [
            "E100:{\"key\":\"E100\",\"name\":\"Alice Example\",\"watch_flag\":\"YES\"}",
            "E101:{\"key\":\"E101\",\"name\":\"Bob Example\",\"watch_flag\":\"NO\"}",
            "E101:{\"key\":\"E101\",\"name\":\"Bob Example\",\"watch_flag\":\"yes\"}",
            "E100:",
        ]);
        var (result, lines) = Run(Samples() with { EmployeesFile = employees });
        Assert.That(lines, Has.Length.EqualTo(ExpectedCounts.CapturedFrom(ExpectedCounts.BobMac)), "desktop-bob's packets");
        Assert.That(lines, Is.All.StartsWith("Bob Example | "));
        Assert.That(result.Pipeline.EmployeeRows, Is.EqualTo(1));
    }

    [Test]
    public void Mixed_mac_spellings_in_the_table_give_the_same_matches_as_canonical_ones()
    {
        var canonical = Path.Combine(_scratch, "canonical.txt");
        var mixed = Path.Combine(_scratch, "mixed.txt");
        File.WriteAllLines(canonical,
        [
            "1:{\"comp_id\":1,\"empkey\":\"E100\",\"macaddr\":\"02:50:57:00:00:02\"}",
            "2:{\"comp_id\":2,\"empkey\":\"E100\",\"macaddr\":\"02:50:57:00:00:03\"}",
            "3:{\"comp_id\":3,\"empkey\":\"E100\",\"macaddr\":\"02:50:57:00:00:01\"}",
        ]);
        File.WriteAllLines(mixed,
        [
            "1:{\"comp_id\":1,\"empkey\":\"E100\",\"macaddr\":\"02-50-57-00-00-02\"}",
            "2:{\"comp_id\":2,\"empkey\":\"E100\",\"macaddr\":\"0250.5700.0003\"}",
            "3:{\"comp_id\":3,\"empkey\":\"E100\",\"macaddr\":\"025057000001\"}",
        ]);
        var (_, expected) = Run(Samples() with { ComputersFile = canonical, Json = true });
        var (_, actual) = Run(Samples() with { ComputersFile = mixed, Json = true });
        Assert.That(expected, Has.Length.EqualTo(new[] { ExpectedCounts.ServerMac, ExpectedCounts.AliceMac, ExpectedCounts.BobMac }
            .Sum(m => ExpectedCounts.CapturedFrom(m))), "one employee, three computers keyed by comp_id");
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void Json_format_prints_the_output_records()
    {
        var (_, lines) = Run(Samples() with { Json = true });
        Assert.That(lines, Has.Length.EqualTo(ExpectedCounts.CapturedFrom(ExpectedCounts.AliceMac)));
        var first = System.Text.Json.JsonDocument.Parse(lines[0]).RootElement;
        Assert.That(first.GetProperty("C_EMP_NAME").GetString(), Is.EqualTo("Alice Example"));
        Assert.That(first.GetProperty("P_ETH_SRC").GetString(), Is.EqualTo("02:50:57:00:00:02"));
    }

    [Test]
    public void Input_far_beyond_the_brokers_5_MiB_per_partition_is_exact()
    {
        // 40 copies of the capture: ~17 MB through one partition, over three times what the broker keeps.
        var lines = TestData.Lines(TestData.Fixture("netns-lan.json.ndjson"));
        var big = Path.Combine(_scratch, "big.ndjson");
        using (var file = File.Create(big))
        {
            for (int copy = 0; copy < 40; copy++)
            {
                foreach (var l in lines)
                {
                    file.Write(l);
                    file.WriteByte((byte)'\n');
                }
            }
        }
        Assert.That(new FileInfo(big).Length, Is.GreaterThan(3 * 5 * 1024 * 1024));
        var (result, printed) = Run(Samples() with { PcapFile = big });
        Assert.That(result.Pipeline.Packets, Is.EqualTo(ExpectedCounts.CapturedPackets() * 40));
        Assert.That(printed, Has.Length.EqualTo(ExpectedCounts.CapturedFrom(ExpectedCounts.AliceMac) * 40));
    }

    [Test]
    public void A_2_5_MB_packet_matches_and_a_record_over_the_limit_is_reported_not_lost_silently()
    {
        var alice = TestData.Lines(TestData.Fixture("netns-lan.json.ndjson"))
            .Select(Encoding.UTF8.GetString).First(l => l.Contains("\"eth.src\":\"02:50:57:00:00:02\"", StringComparison.Ordinal));
        string Padded(int bytes) => alice.Replace("\"layers\":{", "\"layers\":{\"data\":{\"data.data\":\"" + new string('a', bytes) + "\"},");
        var file = Path.Combine(_scratch, "sizes.ndjson");
        File.WriteAllLines(file, [alice, Padded(2_500_000), Padded(9_000_000), alice]);

        var (result, printed) = Run(Samples() with { PcapFile = file });
        Assert.That(result.OversizedRecords, Is.EqualTo(1));
        Assert.That(result.PacketsFed, Is.EqualTo(3));
        Assert.That(printed, Has.Length.EqualTo(3), "both small packets and the 2.5 MB one match");
    }
}
