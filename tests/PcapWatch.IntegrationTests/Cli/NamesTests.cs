using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// Issue "What did they visit?": with <c>--names</c> each match ends with P_NAME and P_NAME_SOURCE, equal to what
/// tshark's own fields say for its packet — or, for a packet that carries no name, what the last DNS answer to the
/// watched host before it said of its remote address (the demo reads one partition: the order is the capture's);
/// without it the records keep the recipe's shape. The demo as a process, in JSON and as the text lines <c>tail</c>
/// prints.
/// </summary>
public class NamesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The project's captures, each in two shapes, with the tables that watch hosts in them.</summary>
    private static readonly object[] Captures =
    [
        new object[] { "netns-lan.json.ndjson", "netns-lan", "employees.txt", "computers.txt" },
        new object[] { "netns-lan.ek.ndjson", "netns-lan", "employees.txt", "computers.txt" },
        new object[] { "names-lan.json.ndjson", "names-lan", "names-employees.txt", "names-computers.txt" },
        new object[] { "names-lan.ek.ndjson", "names-lan", "names-employees.txt", "names-computers.txt" },
    ];

    [TestCaseSource(nameof(Captures))]
    public void Each_match_carries_the_name_tsharks_own_fields_give_its_packet(string input, string capture, string employees, string computers)
    {
        var (rows, logs) = DemoWithLogs("--names", "--format", "json", "--match", "both", "--pcap", TestData.Fixture(input),
            "--employees", TestData.Fixture(employees), "--computers", TestData.Fixture(computers));
        var packets = TsharkNameFields.Read(TestData.Fixture(capture + ".fields.tsv"));
        var watched = rows.Select(r => r.GetProperty("C_MACADDR").GetString()!).ToHashSet();
        Assert.That(rows, Is.Not.Empty);
        foreach (var row in rows)
        {
            var time = Regex.Match(row.GetProperty("P_FRAME_TIME").GetString()!, @"\d\d:\d\d:\d\d\.\d{9}").Value;
            var packet = packets.Single(p => p.TimeOfDay == time && p.EthSrc == row.GetProperty("P_ETH_SRC").GetString());
            var expected = packet.OwnName is not null ? (packet.OwnName, packet.OwnSource)
                : Answered(packets, watched, packet, row.GetProperty("C_MACADDR").GetString()!, row.GetProperty("DIRECTION").GetString() == "in");
            Assert.That((row.GetProperty("P_NAME").GetString(), row.GetProperty("P_NAME_SOURCE").GetString()), Is.EqualTo(expected),
                $"frame {packet.Number}: {row.GetRawText()}");
        }
        var last = rows[^1].EnumerateObject().Select(p => p.Name).ToArray();
        Assert.That(last[^2..], Is.EqualTo(new[] { "P_NAME", "P_NAME_SOURCE" }), "after every other column");
        var sources = rows.Select(r => r.GetProperty("P_NAME_SOURCE").GetString()).ToHashSet();
        Assert.That(sources, Is.SupersetOf(capture == "names-lan"
            ? new[] { "sni", "http", "dns", "dns-answer", "dns-answer-seen", null }
            : new[] { "http", "dns", "dns-answer", null }), "every kind of name the capture holds");
        int Count(string? source) => rows.Count(r => r.GetProperty("P_NAME_SOURCE").GetString() == source);
        Assert.That(logs, Has.Some.Contains($"Names: matches sni={Count("sni")} http={Count("http")} dns={Count("dns")} "
            + $"dns_answer={Count("dns-answer")} dns_answer_seen={Count("dns-answer-seen")} unnamed={Count(null)};"), "the stop summary counts them");
    }

    /// <summary>
    /// Behind a router a watched host's DNS answers arrive from the router's MAC to the router's MAC: attributing by IP,
    /// the answer's client is the one MAC holding its ip.dst then (Alice's ARP binds hers). The names capture with every
    /// DNS response's eth.dst turned into the router's: by MAC alone no answer is learned; with ip each match shared with
    /// the unchanged capture's run has the name it had there.
    /// </summary>
    [Test]
    public void Behind_a_router_answers_are_learned_for_the_host_holding_their_address()
    {
        var original = TestData.Fixture("names-lan.json.ndjson");
        var routed = Path.Combine(Path.GetTempPath(), $"names-routed-{Guid.NewGuid():N}.json.ndjson");
        File.WriteAllLines(routed, File.ReadLines(original).Where(l => l.Length > 0).Select(ToRouter));
        try
        {
            string[] tables = ["--employees", TestData.Fixture("names-employees.txt"), "--computers", TestData.Fixture("names-computers.txt")];
            var byMac = Demo(["--names", "--format", "json", "--match", "both", "--pcap", routed, .. tables]);
            var byIp = Demo(["--names", "--format", "json", "--match", "both,ip", "--pcap", routed, .. tables]);
            var truth = Demo(["--names", "--format", "json", "--match", "both", "--pcap", original, .. tables]);

            Assert.That(byMac.Select(Source), Has.None.EqualTo("dns-answer"), "answers sent to the router's MAC teach nothing by MAC");
            var named = truth.ToDictionary(Key, r => (r.GetProperty("P_NAME").GetString(), Source(r)));
            var shared = byIp.Where(r => named.ContainsKey(Key(r)) && r.GetProperty("ATTRIBUTED_BY").GetString() == "mac").ToList();
            Assert.That(shared.Count(r => Source(r) == "dns-answer"), Is.GreaterThan(10));
            foreach (var row in shared)
            {
                Assert.That((row.GetProperty("P_NAME").GetString(), Source(row)), Is.EqualTo(named[Key(row)]), row.GetRawText());
            }
        }
        finally
        {
            File.Delete(routed);
        }
    }

    private const string Router = "02:50:57:00:02:fe";

    private static string? Source(JsonElement row) => row.GetProperty("P_NAME_SOURCE").GetString();

    private static string Key(JsonElement row) => string.Join('|', row.GetProperty("P_FRAME_TIME").GetString(), row.GetProperty("C_MACADDR").GetString(),
        row.GetProperty("DIRECTION").GetString());

    /// <summary>A DNS response to Alice or Bob as it would arrive behind a router: sent to the router's MAC.</summary>
    private static string ToRouter(string line) =>
        line.Contains("\"dns.flags.response\":\"1\"", StringComparison.Ordinal)
            ? EthDst.Replace(line, $"\"eth.dst\":\"{Router}\"", 1)
            : line;

    // The eth layer's own eth.dst comes first (-T json repeats keys, so the line is edited as text).
    private static readonly Regex EthDst = new("\"eth\\.dst\":\"[^\"]*\"");

    [Test]
    public void Without_names_the_records_keep_the_recipes_shape_and_tail_lines_show_the_name_beside_the_address()
    {
        Assert.That(Demo("--format", "json").SelectMany(r => r.EnumerateObject()).Select(p => p.Name), Has.None.StartsWith("P_NAME"));

        using var demo = CliProcess.Start("demo", "--names");
        Assert.That(demo.WaitForExit(Patience), Is.Zero, () => string.Join("\n", demo.Logs));
        Assert.That(demo.Stdout, Has.Some.Match(@"^Alice Example \| eth:ethertype:ip:udp:dns \| 192\.168\.77\.1 \(intranet\.corp\.example\)$"));
        Assert.That(demo.Stdout, Has.Some.Match(@"^Alice Example \| eth:ethertype:ip:tcp:http \| 192\.168\.77\.1 \(intranet\.corp\.example\)$"));
    }

    private static JsonElement[] Demo(params string[] flags) => DemoWithLogs(flags).Rows;

    private static (JsonElement[] Rows, string[] Logs) DemoWithLogs(params string[] flags)
    {
        using var demo = CliProcess.Start(["demo", .. flags]);
        Assert.That(demo.WaitForExit(Patience), Is.Zero, () => string.Join("\n", demo.Logs));
        return (demo.Stdout.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray(), demo.Logs.ToArray());
    }

    private const decimal GraceSeconds = 300;

    /// <summary>
    /// What DNS answers to watched hosts said of the packet's remote address, by the rule of docs/names.md: given before
    /// the packet, its TTL plus the grace not yet over; an answer to the packet's own host first, the newest wins.
    /// </summary>
    private static (string?, string?) Answered(List<TsharkNameFields> packets, HashSet<string> watched, TsharkNameFields packet,
        string host, bool incoming)
    {
        var remote = incoming ? packet.Src : packet.Dst;
        var told = packets.Where(p => p.IsResponse && watched.Contains(p.EthDst) && p.Epoch <= packet.Epoch && p.Question is not null)
            .Where(p => p.Answers.Any(a => a.Address == remote && p.Epoch + a.Ttl + GraceSeconds >= packet.Epoch))
            .OrderBy(p => p.Epoch).ToList();
        if (told.LastOrDefault(p => p.EthDst == host) is { } own) return (own.Question, "dns-answer");
        return told.Count == 0 ? (null, null) : (told[^1].Question, "dns-answer-seen");
    }
}
