using System.Text;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Join;

/// <summary>
/// No record can stop the pipeline: mutated real records through the pcap and table paths never throw, and each has
/// exactly one outcome (see <see cref="RecordFuzz"/>). The long run is the benchmark's <c>fuzz --seconds N</c>.
/// </summary>
public class RecordPathFuzzTests
{
    private static List<byte[]> Seeds() =>
        TestData.OwnPacketFixtures.SelectMany(f => TestData.Lines(TestData.Fixture(f)).Take(150)).ToList();

    [Test]
    public void Mutated_records_never_throw_and_each_has_one_outcome()
    {
        using var fuzz = new RecordFuzz(Seeds());
        fuzz.Generator.Sample(fuzz.Check, iter: 20_000, threads: 1, print: c => c + " → " + Shorten(fuzz.Build(c)));
        TestContext.Out.WriteLine($"{fuzz.Cases} cases: " + string.Join(", ", fuzz.Outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}")));
        // The mutations reach every kind of outcome, or the property proves little.
        Assert.That(fuzz.Outcomes.Keys, Is.SupersetOf(new[]
        {
            "packet matched", "packet skipped", "packet invalid_json", "packet too_deep", "packet invalid_escape",
            "table applied", "table invalid_json", "table invalid_utf8", "table invalid_escape",
        }));
    }

    /// <summary>Attributing by IP reads more of each record (binding layers, IP addresses): the same property holds.</summary>
    [Test]
    public void Mutated_records_never_throw_when_attributing_by_ip()
    {
        var seeds = Seeds().Concat(new[] { "routed-lan.json.ndjson", "routed-uplink.ek.ndjson" }.SelectMany(f => TestData.Lines(TestData.Fixture(f)))).ToList();
        using var fuzz = new RecordFuzz(seeds, MatchMode.Both | MatchMode.Ip);
        fuzz.Generator.Sample(fuzz.Check, iter: 10_000, threads: 1, print: c => c + " → " + Shorten(fuzz.Build(c)));
        Assert.That(fuzz.Outcomes.Keys, Is.SupersetOf(new[] { "packet matched", "packet skipped", "packet invalid_json" }));
    }

    [Test]
    public void A_binding_packet_with_a_lone_surrogate_layer_name_after_its_ip_layer_is_decided_not_thrown()
    {
        var packet = TestData.Lines(TestData.Fixture("routed-lan.json.ndjson")).First(p => p.AsSpan().IndexOf("\"dhcp\""u8) >= 0);
        var text = Encoding.UTF8.GetString(packet).Replace("\"dhcp\":", "\"\\ud800\":{},\"dhcp\":", StringComparison.Ordinal);
        var processor = new LearningPacketProcessor(new WatchIndex(), MatchMode.Src | MatchMode.Ip, new IpBindings());
        var sink = new NoSink();
        Assert.That(() => processor.Process(Encoding.UTF8.GetBytes(text), ref sink, out _), Throws.Nothing);
    }

    [TestCase("{\"\\udc00\":0}", "invalid_escape")]
    [TestCase("{\"layers\":{\"\\ud800\":{}}}", "invalid_escape")]
    [TestCase("{\"layers\":{\"eth\":{\"\\ud800\":\"x\",\"eth.src\":\"02:42:ac:11:00:02\"}}}", "invalid_escape")]
    [TestCase("{\"layers\":{\"eth\":{\"eth.src\":", "invalid_json")]
    [TestCase("[1", "invalid_json")]
    [TestCase("{\"layers\":1}", "not_a_packet")]
    public void Crash_inputs_of_the_issue_are_rejected_with_their_reason(string record, string code)
    {
        var processor = new PacketProcessor(new WatchIndex(), MatchMode.Src);
        var sink = new NoSink();
        Assert.That(processor.Process(Encoding.UTF8.GetBytes(record), ref sink, out var rejection), Is.EqualTo(PacketOutcome.Rejected));
        Assert.That(rejection.Code, Is.EqualTo(code));
    }

    [Test]
    public void A_real_packet_with_a_lone_surrogate_name_inside_its_eth_layer_is_rejected_not_thrown()
    {
        var packet = Seeds().First(p => p.AsSpan().IndexOf("\"eth.src\""u8) >= 0);
        var text = Encoding.UTF8.GetString(packet).Replace("\"eth.src\"", "\"\\udc00\":1,\"eth.src\"", StringComparison.Ordinal);
        var processor = new PacketProcessor(new WatchIndex(), MatchMode.Src);
        var sink = new NoSink();
        Assert.That(processor.Process(Encoding.UTF8.GetBytes(text), ref sink, out var rejection), Is.EqualTo(PacketOutcome.Rejected));
        Assert.That(rejection.Code, Is.EqualTo("invalid_escape"));
    }

    private static string Shorten(byte[] record) =>
        record.Length <= 300 ? Encoding.UTF8.GetString(record) : Encoding.UTF8.GetString(record, 0, 300) + $"… ({record.Length} bytes)";

    private struct NoSink : IMatchSink
    {
        public readonly void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac,
            in OwnerView owner, string? direction, string? attributedBy, bool contested) => throw new AssertionException("no match expected");
    }
}
