using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Join;

/// <summary>The pure packet path as the pcap loop runs it: prefilter, gate and scan, without Kafka.</summary>
public class PacketProcessorTests
{
    private static List<byte[]> Packets() => TestData.OwnPacketFixtures.SelectMany(f => TestData.Lines(TestData.Fixture(f))).ToList();

    /// <summary>An index of 1,000 MACs that none of the fixture packets has: every packet is the common, unwatched case.</summary>
    private static WatchIndex Unrelated()
    {
        var index = new WatchIndex();
        for (int i = 0; i < 1000; i++)
        {
            var mac = new MacAddress(0x0a0000000000L + i);
            index.Set(mac, [new WatchedComputer(mac, "c" + i, "c" + i, "e" + i, "Employee " + i, "e" + i)]);
        }
        return index;
    }

    [TestCase(MatchMode.Src)]
    [TestCase(MatchMode.Both)]
    public void Unwatched_packets_allocate_nothing_through_the_prefilter_the_gate_and_the_scan(MatchMode mode)
    {
        var packets = Packets();
        var processor = new PacketProcessor(Unrelated(), mode);
        var sink = new CountingSink();
        foreach (var p in packets) processor.Process(p, ref sink, out _); // warm up (JIT, statics)

        long before = GC.GetAllocatedBytesForCurrentThread();
        int skipped = 0;
        for (int round = 0; round < 5; round++)
        {
            foreach (var p in packets)
            {
                if (processor.Process(p, ref sink, out _) == PacketOutcome.Skipped) skipped++;
            }
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(skipped, Is.EqualTo(5 * packets.Count), "every packet is the unwatched case");
        Assert.That(sink.Matches, Is.Zero);
    }

    /// <summary>
    /// Attributing by IP, an unwatched packet still costs nothing on the heap: its addresses are parsed in place and
    /// looked up, and the binding packets among them (DHCP, ARP, NDP in the routed captures) only restate what is known
    /// after the first round.
    /// </summary>
    [TestCase(MatchMode.Src | MatchMode.Ip)]
    [TestCase(MatchMode.Both | MatchMode.Ip)]
    public void Unwatched_packets_allocate_nothing_when_attributing_by_ip(MatchMode mode)
    {
        var packets = TestData.OwnPacketFixtures.Concat(["routed-lan.json.ndjson", "routed-uplink.ek.ndjson"])
            .SelectMany(f => TestData.Lines(TestData.Fixture(f))).ToList();
        var processor = new LearningPacketProcessor(Unrelated(), mode, new IpBindings());
        var sink = new CountingSink();
        foreach (var p in packets) processor.Process(p, ref sink, out _); // warm up, and learn every binding once
        Assert.That(processor.BindingsLearned, Is.GreaterThan(0));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 3; round++)
        {
            foreach (var p in packets) processor.Process(p, ref sink, out _);
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(sink.Matches, Is.Zero);
    }

    /// <summary>
    /// The packet path only reads the bindings: a record that states one comes back as <see cref="PacketOutcome.Teaches"/>
    /// with its evidence, and the bindings stay as they were until the caller learns it (as the learning processor does).
    /// </summary>
    [Test]
    public void The_packet_path_returns_what_a_record_states_and_writes_nothing_into_the_bindings()
    {
        var packets = TestData.OwnPacketFixtures.Concat(["routed-lan.json.ndjson", "routed-uplink.ek.ndjson"])
            .SelectMany(f => TestData.Lines(TestData.Fixture(f))).ToList();
        // Kept for ever: the tcpdump sample's lease is years older than the routed captures' and would be forgotten at once.
        var bindings = new IpBindings { Retention = TimeSpan.MaxValue };
        var processor = new PacketProcessor(Unrelated(), MatchMode.Src | MatchMode.Ip, bindings);
        var sink = new CountingSink();
        var taught = new List<BindingEvidence>();
        foreach (var p in packets)
        {
            if (processor.Process(p, ref sink, out _) != PacketOutcome.Teaches) continue;
            taught.Add(processor.Evidence);
            Assert.That(processor.AttributeTaught(p, ref sink), Is.AnyOf(PacketOutcome.Skipped, PacketOutcome.Matched));
        }
        Assert.That(taught, Is.Not.Empty, "the routed captures hold DHCP, ARP and NDP statements");
        Assert.That(bindings.AddressCount, Is.Zero, "nothing learned by the packet path itself");

        // The captures come from two networks, each with its own DHCP server: both are known ones here.
        var servers = new[] { IpAddressKey.FromIPv4(0xC0A84D01), IpAddressKey.FromIPv4(0x0A630001) }; // 192.168.77.1, 10.99.0.1
        var gate = new EvidenceGate(bindings, new KnownDhcpServers(servers, []), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var learning = new LearningPacketProcessor(new PacketProcessor(Unrelated(), MatchMode.Src | MatchMode.Ip, bindings), gate);
        foreach (var p in packets) learning.Process(p, ref sink, out _);
        Assert.That(learning.BindingsLearned, Is.EqualTo(taught.Count));
        var believable = taught.Where(e => e.Flaw == EvidenceFlaw.None
            && (e.Source != BindingSource.DhcpAck || (e.ServerId is { } id && servers.Contains(id))));
        Assert.That(bindings.AddressCount, Is.EqualTo(believable.Select(e => e.Address).Distinct().Count()));
    }

    /// <summary>
    /// Attributing at capture time, the owners valid at each packet's time are read in place from the MAC's timeline:
    /// nothing on the heap, for unwatched packets and for matches alike (the sink here keeps nothing).
    /// </summary>
    [TestCase(MatchMode.Src)]
    [TestCase(MatchMode.Both | MatchMode.Ip)]
    public void Packets_allocate_nothing_when_attributing_at_capture_time(MatchMode mode)
    {
        var packets = TestData.OwnPacketFixtures.Concat(["routed-lan.json.ndjson", "routed-uplink.ek.ndjson"])
            .SelectMany(f => TestData.Lines(TestData.Fixture(f))).ToList();
        var processor = new LearningPacketProcessor(new WatchIndex(), mode, new IpBindings(), CaptureTimeAttributionTests.HistoryFromSamples(0));
        var sink = new TallySink();
        foreach (var p in packets) processor.Process(p, ref sink, out _); // warm up, and learn every binding once
        int warmMatches = sink.Matches;
        Assert.That(warmMatches, Is.GreaterThan(0));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 3; round++)
        {
            foreach (var p in packets) processor.Process(p, ref sink, out _);
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(sink.Matches, Is.EqualTo(4 * warmMatches));
    }

    [Test]
    public void A_watched_packet_is_handed_to_the_sink_once_per_owner_and_side()
    {
        var packet = Packets().First(p => p.AsSpan().IndexOf("\"eth.src\""u8) >= 0);
        var fields = new PacketFields();
        PacketExtractor.Extract(packet, ref fields);
        var src = fields.EthSrc!.Value;
        var index = Unrelated();
        index.Set(src, [new WatchedComputer(src, "c1", "1", "100", "Tom", "100"), new WatchedComputer(src, "c2", "2", "200", "Ann", "200")]);

        var sink = new CountingSink();
        Assert.That(new PacketProcessor(index, MatchMode.Src).Process(packet, ref sink, out _), Is.EqualTo(PacketOutcome.Matched));
        Assert.That(sink.Matches, Is.EqualTo(2), "one record per owner (a MAC conflict)");
        Assert.That(sink.Directions, Is.EqualTo(new string?[] { null, null }), "src mode keeps the recipe's shape");
    }

    /// <summary>Counts matches and keeps nothing (so allocation measures the processor alone).</summary>
    private struct TallySink : IMatchSink
    {
        public int Matches;

        public void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
            string? attributedBy, bool contested) => Matches++;
    }

    private struct CountingSink() : IMatchSink
    {
        public int Matches;
        public List<string?> Directions = [];

        public void OnMatch(ReadOnlySpan<byte> packet, in PacketFields fields, MacAddress mac, in OwnerView owner, string? direction,
            string? attributedBy, bool contested)
        {
            Matches++;
            Directions.Add(direction);
        }
    }
}
