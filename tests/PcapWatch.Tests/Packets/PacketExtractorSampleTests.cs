using NUnit.Framework;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Packets;

/// <summary>Every field of every sample record, each shape, against the JsonDocument reference and tshark's counts.</summary>
public class PacketExtractorSampleTests
{
    private static readonly string[] OwnFixtures = TestData.OwnPacketFixtures;

    private static readonly string[] SharedSamples = TestData.SharedPacketSamples;

    [TestCaseSource(nameof(OwnFixtures))]
    public void Own_fixture_fields_equal_the_reference(string name) => AssertAgreesWithReference(TestData.Fixture(name));

    [TestCaseSource(nameof(SharedSamples))]
    public void Shared_sample_fields_equal_the_reference(string relative) => AssertAgreesWithReference(TestData.Shared(relative));

    [TestCaseSource(nameof(OwnFixtures))]
    public void Eth_src_counts_equal_tsharks(string name)
    {
        var expected = File.ReadLines(TestData.Fixture("expected-eth-src.tsv")).Skip(1)
            .Select(l => l.Split('\t')).Where(c => c[0] == name)
            .ToDictionary(c => c[1], c => int.Parse(c[2]));
        Assert.That(expected, Is.Not.Empty);
        Assert.That(CountEthSrc(TestData.Fixture(name)), Is.EquivalentTo(expected));
    }

    [Test]
    public void Shared_sample_eth_src_counts_equal_tsharks()
    {
        var tsv = TestData.Shared("pcap-samples/expected-eth-src.tsv");
        var byFile = File.ReadLines(tsv).Skip(1).Select(l => l.Split('\t')).GroupBy(c => c[0]);
        foreach (var file in byFile)
        {
            var path = Path.Combine(Path.GetDirectoryName(tsv)!, file.Key);
            if (!File.Exists(path)) path += ".gz";
            // Rows with 0 outer packets are MACs seen only in an inner (MPLS/VXLAN) Ethernet layer: never eth.src here.
            var expected = file.Select(c => (Mac: c[1], Outer: int.Parse(c[2]))).Where(r => r.Outer > 0)
                .ToDictionary(r => r.Mac, r => r.Outer);
            Assert.That(CountEthSrc(path), Is.EquivalentTo(expected), file.Key);
        }
    }

    [Test]
    public void Recipe_packets_per_source_equal_a_plain_JSON_count()
    {
        var expected = ExpectedCounts.Recipe().BySource.ToDictionary(p => p.Key, p => (int)p.Value);
        Assert.That(CountEthSrc(TestData.Shared("recipe-data/pcap.json")), Is.EquivalentTo(expected));
    }

    private static Dictionary<string, int> CountEthSrc(string path)
    {
        var counts = new Dictionary<string, int>();
        var fields = new PacketFields();
        foreach (var line in TestData.Lines(path))
        {
            PacketExtractor.Extract(line, ref fields);
            if (fields.EthSrc is { } mac) counts[mac.ToString()] = counts.GetValueOrDefault(mac.ToString()) + 1;
        }
        return counts;
    }

    private static void AssertAgreesWithReference(string path)
    {
        var lines = TestData.Lines(path);
        Assert.That(lines, Is.Not.Empty);
        var fields = new PacketFields();
        int compared = 0;
        foreach (var (line, index) in lines.Select((l, i) => (l, i)))
        {
            var expected = ReferenceExtractor.Extract(line);
            var status = PacketExtractor.Extract(line, ref fields);
            Assert.That(status, Is.EqualTo(expected is null ? ExtractStatus.NotAPacket : ExtractStatus.Complete), $"record {index + 1}");
            if (expected is null) continue;
            foreach (var (field, value) in expected)
            {
                Assert.That(ReferenceExtractor.Text(line, fields[field]), Is.EqualTo(value), $"{Path.GetFileName(path)} record {index + 1} {field}");
                compared++;
            }
            Assert.That(fields.EthSrc?.ToString(), Is.EqualTo(expected[PacketField.EthSrc]), $"record {index + 1} parsed eth.src");
        }
        Assert.That(compared, Is.EqualTo(lines.Count * PacketFields.Count));
    }
}
