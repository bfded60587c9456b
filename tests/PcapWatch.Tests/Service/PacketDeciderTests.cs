using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using PcapWatch.Index;
using PcapWatch.Join;
using PcapWatch.Output;
using PcapWatch.Packets;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Service;

/// <summary>
/// The pcap value deserializer, called as Confluent.Kafka calls it (a span over the fetched bytes): unwatched packets
/// cost no allocation at all, a match is encoded and waits for the loop, a bad record is copied with its reason.
/// </summary>
public class PacketDeciderTests
{
    private static readonly SerializationContext Context = new(MessageComponentType.Value, "pcap");
    private static readonly SerializationContext KeyContext = new(MessageComponentType.Key, "pcap");

    private static List<byte[]> Packets() => TestData.OwnPacketFixtures.SelectMany(f => TestData.Lines(TestData.Fixture(f))).ToList();

    private static PacketDecider Decider(WatchIndex index) =>
        new(new PacketProcessor(index, MatchMode.Src), new JsonMatchEncoder(), NullLogger.Instance);

    [Test]
    public void Unwatched_packets_are_decided_in_place_without_allocating()
    {
        var packets = Packets();
        var decider = Decider(new WatchIndex());
        IDeserializer<UncopiedKey> keys = decider;
        var key = Encoding.UTF8.GetBytes("sensor-7/packet-123456");
        foreach (var p in packets)
        {
            keys.Deserialize(key, false, KeyContext);
            decider.Deserialize(p, false, Context); // warm up
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int skipped = 0;
        for (int round = 0; round < 5; round++)
        {
            foreach (var p in packets)
            {
                keys.Deserialize(key, false, KeyContext);
                if (ReferenceEquals(decider.Deserialize(p, false, Context), PacketDecision.Skipped)) skipped++;
            }
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(skipped, Is.EqualTo(5 * packets.Count));
        Assert.That(decider.LastLength, Is.EqualTo(packets[^1].Length));
    }

    [Test]
    public void A_watched_packet_leaves_its_encoded_match_for_the_loop()
    {
        var packet = Packets().First(p => p.AsSpan().IndexOf("\"eth.src\""u8) >= 0);
        var fields = new PacketFields();
        PacketExtractor.Extract(packet, ref fields);
        var src = fields.EthSrc!.Value;
        var index = new WatchIndex();
        index.Set(src, [new WatchedComputer(src, "c1", "1", "100", "Tom", "100")]);
        var decider = Decider(index);

        Assert.That(decider.Deserialize(packet, false, Context), Is.SameAs(PacketDecision.Matched));
        var (mac, value) = decider.Pending.Single();
        Assert.That(mac, Is.EqualTo(src));
        Assert.That(Encoding.UTF8.GetString(value), Does.Contain("\"C_EMP_NAME\":\"Tom\""));

        decider.Deserialize(Packets().First(p => !p.AsSpan().SequenceEqual(packet)), false, Context);
        Assert.That(decider.Pending, Is.Empty, "each record starts with no pending matches");
    }

    [Test]
    public void A_watched_packet_whose_match_would_exceed_an_output_record_is_dead_lettered_whole_and_the_next_one_matches()
    {
        // 400,000 bytes that are not UTF-8 in one column: each becomes a three-byte U+FFFD in the match, 1.2 MB in all.
        const string tom = "e0:a1:d7:18:c2:72";
        byte[] Packet(byte[] protocols) =>
        [
            .. "{\"layers\":{\"frame\":{\"time\":\"t\",\"len\":\"60\",\"protocols\":\""u8, .. protocols,
            .. Encoding.UTF8.GetBytes($"\"}},\"eth\":{{\"src\":\"{tom}\",\"dst\":\"ff:ff:ff:ff:ff:ff\"}}}}}}"),
        ];
        var hostile = Packet(Enumerable.Repeat((byte)0xFF, 400_000).ToArray());
        var mac = MacAddress.Parse(tom);
        var index = new WatchIndex();
        index.Set(mac, [new WatchedComputer(mac, "c1", "1", "100", "Tom", "100")]);
        var decider = Decider(index);

        var decision = decider.Deserialize(hostile, false, Context);
        Assert.That((decision.Outcome, decision.Rejection.Code), Is.EqualTo((PacketOutcome.Rejected, RejectionCodes.MatchTooLarge)));
        Assert.That(decision.Rejection.Detail, Does.Contain("over the 1000000-byte limit"));
        Assert.That(decision.Value, Is.EqualTo(hostile), "the packet itself goes to the dead letters");
        Assert.That(decider.Pending, Is.Empty, "none of its matches is produced");

        Assert.That(decider.Deserialize(Packet("eth:ip"u8.ToArray()), false, Context), Is.SameAs(PacketDecision.Matched));
        Assert.That(decider.Pending, Has.Count.EqualTo(1));
    }

    [TestCase("{\"layers\":", "invalid_json")]
    [TestCase("[1,2,3]", "not_a_packet")]
    public void A_bad_record_is_copied_with_its_reason(string text, string code)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var decision = Decider(new WatchIndex()).Deserialize(bytes, false, Context);
        Assert.That(decision.Outcome, Is.EqualTo(PacketOutcome.Rejected));
        Assert.That(decision.Rejection.Code, Is.EqualTo(code));
        Assert.That(decision.Value, Is.EqualTo(bytes).And.Not.SameAs(bytes));
    }

    [Test]
    public void A_rejected_record_keeps_its_own_key_and_no_other()
    {
        // As Confluent.Kafka calls them: the key's deserializer, then the value's, one record at a time.
        var decider = Decider(new WatchIndex());
        IDeserializer<UncopiedKey> keys = decider;
        var bad = Encoding.UTF8.GetBytes("{not a packet");
        var longKey = Encoding.UTF8.GetBytes(new string('k', 300));

        keys.Deserialize(longKey, false, KeyContext);
        var first = decider.Deserialize(bad, false, Context);
        keys.Deserialize(Encoding.UTF8.GetBytes("short"), false, KeyContext);
        var second = decider.Deserialize(bad, false, Context);
        keys.Deserialize(default, true, KeyContext);
        var third = decider.Deserialize(bad, false, Context);
        var fourth = decider.Deserialize(bad, false, Context); // no key read at all: none is made up

        Assert.That(first.Key, Is.EqualTo(longKey));
        Assert.That(Encoding.UTF8.GetString(second.Key!), Is.EqualTo("short"));
        Assert.That((third.Key, fourth.Key), Is.EqualTo(((byte[]?)null, (byte[]?)null)));
    }

    [Test]
    public void A_null_value_is_rejected_as_empty()
    {
        var decision = Decider(new WatchIndex()).Deserialize(default, true, Context);
        Assert.That((decision.Outcome, decision.Rejection.Code, decision.Value), Is.EqualTo((PacketOutcome.Rejected, RejectionCodes.Empty, (byte[]?)null)));
    }
}
