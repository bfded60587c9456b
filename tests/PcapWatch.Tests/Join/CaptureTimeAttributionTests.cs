using System.Text;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Packets;
using PcapWatch.Service;
using PcapWatch.Tables;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Join;

/// <summary>
/// Attribution at capture time on the routed fixture: alice's computer is handed to Dave at the fixture's owner_change
/// mark (samples/routed-computers-history.txt says so with valid_from). Expected counts are tshark's
/// (routed-expected.tsv: alice's packets before and from the mark), not this code's.
/// </summary>
public class CaptureTimeAttributionTests
{
    /// <summary>The sample tables as the loader reads them, every record stamped <paramref name="recordMs"/>.</summary>
    internal static OwnershipHistory HistoryFromSamples(long recordMs, string computersFile = "routed-computers-history.txt")
    {
        var history = new OwnershipHistory();
        var affected = new HashSet<long>();
        foreach (var (key, value) in SampleLines("routed-employees.txt"))
        {
            Assert.That(TableRecordParser.TryParseEmployee(key, true, value, false, out var change, out var rejection), rejection.Detail);
            Assert.That(ValidTime.TryResolve(change.Row!.ValidFrom, recordMs, out long validFrom, out var problem), problem);
            history.Record(change, validFrom, affected);
        }
        foreach (var (key, value) in SampleLines(computersFile))
        {
            Assert.That(TableRecordParser.TryParseComputer(key, true, value, false, out var change, out var rejection), rejection.Detail);
            Assert.That(ValidTime.TryResolve(change.Row!.ValidFrom, recordMs, out long validFrom, out var problem), problem);
            history.Record(change, validFrom, affected);
        }
        history.RebuildAll(affected);
        return history;
    }

    private static IEnumerable<(byte[] Key, byte[] Value)> SampleLines(string file) =>
        RoutedFixture.SampleTable(file).Select(r => (Encoding.UTF8.GetBytes(r.Key!), Encoding.UTF8.GetBytes(r.Value!)));

    private static Dictionary<(string Employee, string? Direction, string? By), int> Attribute(string fixture, MatchMode mode, OwnershipHistory history)
    {
        var processor = new LearningPacketProcessor(new WatchIndex(), mode, new IpBindings(), history);
        var sink = new IpAttributionTests.RecordingSink();
        foreach (var packet in TestData.Lines(TestData.Fixture(fixture)))
        {
            Assert.That(processor.Process(packet, ref sink, out var rejection), Is.AnyOf(PacketOutcome.Skipped, PacketOutcome.Matched), rejection.Detail);
        }
        return sink.Counts;
    }

    [TestCase("routed-lan.json.ndjson")]
    [TestCase("routed-lan.ek.ndjson")]
    public void Packets_before_the_owner_change_go_to_the_old_owner_and_from_it_on_to_the_new(string fixture)
    {
        // Stamped a day after the capture, as a replay: the rows' valid_from and the packets' capture times decide.
        long dayLater = (long)(RoutedFixture.Epoch("routed-lan", "owner_change_epoch") * 1000) + 86_400_000;
        var counts = Attribute(fixture, MatchMode.Src, HistoryFromSamples(dayLater));

        Assert.That(counts.GetValueOrDefault(("Alice Routed", null, null)), Is.EqualTo(RoutedFixture.Count("routed-lan", "alice_eth_src_before_owner_change")));
        Assert.That(counts.GetValueOrDefault(("Dave Routed", null, null)), Is.EqualTo(RoutedFixture.Count("routed-lan", "alice_eth_src_from_owner_change")));
        Assert.That(counts.GetValueOrDefault(("Carol Routed", null, null)), Is.EqualTo(RoutedFixture.Count("routed-lan", "carol_eth_src")));
        Assert.That(counts.Keys.Select(k => k.Employee), Is.EquivalentTo(new[] { "Alice Routed", "Dave Routed", "Carol Routed" }));
    }

    [TestCase("routed-uplink.json.ndjson")]
    [TestCase("routed-uplink.ek.ndjson")]
    public void Behind_the_router_the_owner_at_capture_time_gets_the_packets_attributed_by_ip(string fixture)
    {
        long dayLater = (long)(RoutedFixture.Epoch("routed-uplink", "owner_change_epoch") * 1000) + 86_400_000;
        var counts = Attribute(fixture, MatchMode.Src | MatchMode.Ip, HistoryFromSamples(dayLater));

        Assert.That(counts.GetValueOrDefault(("Alice Routed", "out", "ip")),
            Is.EqualTo(RoutedFixture.Count("routed-uplink", "alice_ip_src_leased_before_owner_change")));
        Assert.That(counts.GetValueOrDefault(("Dave Routed", "out", "ip")),
            Is.EqualTo(RoutedFixture.Count("routed-uplink", "alice_ip_src_leased_from_owner_change")));
    }

    [Test]
    public void Latest_attribution_gives_every_packet_to_whoever_owns_the_computer_now()
    {
        // The same tables read for the current owner: Dave has alice's computer now, so all its packets are his.
        var history = HistoryFromSamples(0);
        var index = new WatchIndex();
        foreach (var mac in new[] { IpAttributionTests.Alice, IpAttributionTests.Carol })
        {
            index.Set(mac, history.OwnersAt(mac, long.MaxValue));
        }
        var processor = new PacketProcessor(index, MatchMode.Src);
        var sink = new IpAttributionTests.RecordingSink();
        foreach (var packet in TestData.Lines(TestData.Fixture("routed-lan.json.ndjson"))) processor.Process(packet, ref sink, out _);
        Assert.That(sink.Counts.GetValueOrDefault(("Dave Routed", null, null)), Is.EqualTo(RoutedFixture.Count("routed-lan", "alice_eth_src")));
        Assert.That(sink.Counts.Keys.Select(k => k.Item1), Has.None.EqualTo("Alice Routed"));
    }

    [Test]
    public void Without_valid_from_rows_are_valid_from_their_record_time_so_a_capture_older_than_the_tables_has_no_owner()
    {
        // The plain sample tables, stamped the day after the capture: nothing was owned yet when it was captured.
        long dayLater = (long)(RoutedFixture.Epoch("routed-lan", "owner_change_epoch") * 1000) + 86_400_000;
        var counts = Attribute("routed-lan.json.ndjson", MatchMode.Src, HistoryFromSamples(dayLater, "routed-computers.txt"));
        Assert.That(counts, Is.Empty);
    }

    [Test]
    public void A_packet_without_a_capture_time_asks_for_its_record_time_and_is_attributed_at_it()
    {
        var history = HistoryFromSamples(0);
        var processor = new PacketProcessor(new WatchIndex(), MatchMode.Src, null, history);
        var packet = Encoding.UTF8.GetBytes("""{"layers":{"frame":{"frame.protocols":"eth:ethertype:ip"},"eth":{"eth.src":"02:50:57:00:01:02","eth.dst":"02:50:57:00:01:01"}}}""");
        var sink = new IpAttributionTests.RecordingSink();
        Assert.That(processor.Process(packet, ref sink, out _), Is.EqualTo(PacketOutcome.NeedsRecordTime));
        Assert.That(sink.Counts, Is.Empty, "nothing is emitted before the time is known");

        long change = (long)(RoutedFixture.Epoch("routed-lan", "owner_change_epoch") * 1000);
        Assert.That(processor.Process(packet, ref sink, out _, recordTimeMs: change - 1), Is.EqualTo(PacketOutcome.Matched));
        Assert.That(processor.Process(packet, ref sink, out _, recordTimeMs: change + 1), Is.EqualTo(PacketOutcome.Matched));
        Assert.That(sink.Counts, Is.EquivalentTo(new Dictionary<(string, string?, string?), int>
        {
            [("Alice Routed", null, null)] = 1,
            [("Dave Routed", null, null)] = 1,
        }));
    }
}
