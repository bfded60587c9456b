using System.Globalization;

namespace PcapWatch.Tests.Shared;

/// <summary>
/// The routed fixture's expected values (tests/Fixtures/routed-expected.tsv, from tshark's own filters) and its hosts.
/// Captures are named as in the file: <c>routed-lan</c>, <c>routed-uplink</c>.
/// </summary>
public static class RoutedFixture
{
    public const string AliceMac = "02:50:57:00:01:02", BobMac = "02:50:57:00:01:03", CarolMac = "02:50:57:00:01:04";
    public const string AliceIp = "192.168.10.102";

    /// <summary>
    /// A table file of samples/ for the routed fixture (<c>routed-employees.txt</c>, <c>routed-computers-history.txt</c>;
    /// kcat's <c>-K:</c> layout) as (key, value) pairs, in file order.
    /// </summary>
    public static List<(string? Key, string? Value)> SampleTable(string file) =>
        File.ReadLines(Path.Combine(TestData.RepositoryRoot, "samples", file))
            .Select(line => ((string?)line[..line.IndexOf(':')], (string?)line[(line.IndexOf(':') + 1)..])).ToList();

    /// <summary>A count (e.g. <c>alice_ip_src_leased</c>).</summary>
    public static long Count(string capture, string name) => long.Parse(Value(capture, name), CultureInfo.InvariantCulture);

    /// <summary>A moment in Unix seconds (e.g. <c>alice_ack_epoch</c>).</summary>
    public static double Epoch(string capture, string name) => double.Parse(Value(capture, name), CultureInfo.InvariantCulture);

    private static string Value(string capture, string name)
    {
        foreach (var line in File.ReadLines(TestData.Fixture("routed-expected.tsv")).Skip(1))
        {
            var columns = line.Split('\t');
            if (columns[0] == capture && columns[1] == name) return columns[2];
        }
        throw new KeyNotFoundException($"{capture} {name} in routed-expected.tsv");
    }
}
