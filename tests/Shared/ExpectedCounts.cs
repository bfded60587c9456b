using System.Text.Json;

namespace PcapWatch.Tests.Shared;

/// <summary>
/// What the data sets should produce, counted without PcapWatch: the project's captures by tshark (the per-MAC counts
/// in tests/Fixtures/expected-eth-src.tsv), the recipe's data (no capture, no such file) from its raw files with a
/// plain <see cref="JsonDocument"/>. Tests compare our output with these, never with numbers copied from our output.
/// </summary>
public static class ExpectedCounts
{
    /// <summary>The capture most tests run: a LAN of three desktops and a router made in network namespaces.</summary>
    public const string LanCapture = "netns-lan.json.ndjson";

    /// <summary>The LAN's hosts (tests/Fixtures/README.md); samples/computers.txt gives them to Alice, Bob and Carol, Alice watched.</summary>
    public const string AliceMac = "02:50:57:00:00:02", BobMac = "02:50:57:00:00:03", ServerMac = "02:50:57:00:00:01";

    /// <summary>tshark's packets per outer eth.src in one of the project's captures.</summary>
    public static IReadOnlyDictionary<string, long> CapturedBySource(string capture = LanCapture) =>
        File.ReadLines(TestData.Fixture("expected-eth-src.tsv")).Skip(1).Select(l => l.Split('\t'))
            .Where(c => c[0] == capture).ToDictionary(c => c[1], c => long.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>tshark's count of all packets with an Ethernet source in the capture.</summary>
    public static long CapturedPackets(string capture = LanCapture) => CapturedBySource(capture).Values.Sum();

    /// <summary>tshark's count of the packets <paramref name="mac"/> sent in the capture.</summary>
    public static long CapturedFrom(string mac, string capture = LanCapture) => CapturedBySource(capture)[mac];

    /// <summary>The ARP packets (no IP address in them) <paramref name="mac"/> sent in the LAN capture, read with a plain JSON reader.</summary>
    public static long CapturedArpFrom(string mac) => File.ReadLines(TestData.Fixture(LanCapture)).Where(l => l.Length > 0).Count(l =>
    {
        using var doc = JsonDocument.Parse(l);
        var layers = doc.RootElement.GetProperty("_source").GetProperty("layers");
        return layers.GetProperty("eth").GetProperty("eth.src").GetString() == mac
            && layers.GetProperty("frame").GetProperty("frame.protocols").GetString()!.Split(':').Contains("arp");
    });

    private static readonly Lazy<RecipeCounts> RecipeCache = new(CountRecipe);

    /// <summary>The recipe's counts (the test is skipped without ../shared).</summary>
    public static RecipeCounts Recipe()
    {
        TestData.Shared("recipe-data/pcap.json"); // skips the test, with the reason, when ../shared is not there
        return RecipeCache.Value;
    }

    private static RecipeCounts CountRecipe()
    {
        var watchedEmployees = TableRows("recipe-data/employees.json")
            .Where(e => e.GetProperty("watch_flag").GetString() == "YES").ToDictionary(e => e.GetProperty("key").GetString()!, e => e.GetProperty("name").GetString()!);
        var watchedMacs = TableRows("recipe-data/computers.json")
            .Where(c => watchedEmployees.ContainsKey(c.GetProperty("empkey").GetString()!))
            .ToDictionary(c => c.GetProperty("macaddr").GetString()!, c => watchedEmployees[c.GetProperty("empkey").GetString()!]);
        var bySource = new Dictionary<string, long>(StringComparer.Ordinal);
        long packets = 0, watched = 0, http = 0, arp = 0;
        foreach (var line in File.ReadLines(TestData.Shared("recipe-data/pcap.json")).Where(l => l.Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            var layers = doc.RootElement.GetProperty("_source").GetProperty("layers");
            packets++;
            var src = layers.GetProperty("eth").GetProperty("src").GetString()!;
            bySource[src] = bySource.GetValueOrDefault(src) + 1;
            if (!watchedMacs.ContainsKey(src)) continue;
            watched++;
            var protocols = layers.GetProperty("frame").GetProperty("protocols").GetString()!;
            if (protocols.EndsWith("http", StringComparison.Ordinal)) http++;
            if (protocols == "eth:ethertype:arp") arp++;
        }
        var (mac, employee) = watchedMacs.Single();
        return new RecipeCounts(packets, watched, http, arp, bySource, employee, mac);
    }

    /// <summary>The values of a table file's "KEY:JSON" lines.</summary>
    private static IEnumerable<JsonElement> TableRows(string relative) =>
        File.ReadLines(TestData.Shared(relative)).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..]).RootElement);
}

/// <summary>The recipe's data, counted from its raw files.</summary>
/// <param name="Packets">Lines of pcap.json.</param>
/// <param name="Watched">Packets whose eth.src is the watched employee's computer: the recipe's matches.</param>
/// <param name="WatchedHttp">Of those, the ones whose frame.protocols end in "http" (the recipe's LIKE '%http').</param>
/// <param name="WatchedArp">Of those, the ARP packets (no IP columns).</param>
/// <param name="BySource">Packets per eth.src.</param>
public sealed record RecipeCounts(long Packets, long Watched, long WatchedHttp, long WatchedArp, IReadOnlyDictionary<string, long> BySource,
    string WatchedEmployee, string WatchedMac);
