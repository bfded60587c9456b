using System.Text;
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
/// The pcap decider, called as the loop calls it (spans over the bytes librdkafka fetched): unwatched packets cost no
/// allocation at all, a match is encoded and waits for the loop, a bad record is copied with its reason and key.
/// </summary>
public class PacketDeciderTests
{

    private static List<byte[]> Packets() => TestData.OwnPacketFixtures.SelectMany(f => TestData.Lines(TestData.Fixture(f))).ToList();

    private static PacketDecider Decider(WatchIndex index) =>
        new(new LearningPacketProcessor(index, MatchMode.Src), new JsonMatchEncoder(), NullLogger.Instance);

    [Test]
    public void Unwatched_packets_are_decided_in_place_without_allocating()
    {
        var packets = Packets();
        var decider = Decider(new WatchIndex());
        var key = Encoding.UTF8.GetBytes("sensor-7/packet-123456");
        foreach (var p in packets) decider.Decide(key, false, p, false); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        int skipped = 0;
        for (int round = 0; round < 5; round++)
        {
            foreach (var p in packets)
            {
                if (ReferenceEquals(decider.Decide(key, false, p, false), PacketDecision.Skipped)) skipped++;
            }
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(skipped, Is.EqualTo(5 * packets.Count));
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

        Assert.That(decider.Decide(default, true, packet, false), Is.SameAs(PacketDecision.Matched));
        var (mac, value) = decider.Pending.Single();
        Assert.That(mac, Is.EqualTo(src));
        Assert.That(Encoding.UTF8.GetString(value), Does.Contain("\"C_EMP_NAME\":\"Tom\""));

        decider.Decide(default, true, Packets().First(p => !p.AsSpan().SequenceEqual(packet)), false);
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

        var decision = decider.Decide(default, true, hostile, false);
        Assert.That((decision.Outcome, decision.Rejection.Code), Is.EqualTo((PacketOutcome.Rejected, RejectionCodes.MatchTooLarge)));
        Assert.That(decision.Rejection.Detail, Does.Contain("over the 1000000-byte limit"));
        Assert.That(decision.Value, Is.EqualTo(hostile), "the packet itself goes to the dead letters");
        Assert.That(decider.Pending, Is.Empty, "none of its matches is produced");

        Assert.That(decider.Decide(default, true, Packet("eth:ip"u8.ToArray()), false), Is.SameAs(PacketDecision.Matched));
        Assert.That(decider.Pending, Has.Count.EqualTo(1));
    }

    [TestCase("{\"layers\":", "invalid_json")]
    [TestCase("[1,2,3]", "not_a_packet")]
    public void A_bad_record_is_copied_with_its_reason(string text, string code)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var decision = Decider(new WatchIndex()).Decide(default, true, bytes, false);
        Assert.That(decision.Outcome, Is.EqualTo(PacketOutcome.Rejected));
        Assert.That(decision.Rejection.Code, Is.EqualTo(code));
        Assert.That(decision.Value, Is.EqualTo(bytes).And.Not.SameAs(bytes));
    }

    [Test]
    public void A_rejected_record_keeps_a_copy_of_its_own_key_and_a_null_key_stays_null()
    {
        var decider = Decider(new WatchIndex());
        var bad = Encoding.UTF8.GetBytes("{not a packet");
        var longKey = Encoding.UTF8.GetBytes(new string('k', 300));

        var first = decider.Decide(longKey, false, bad, false);
        var second = decider.Decide(Encoding.UTF8.GetBytes("short"), false, bad, false);
        var third = decider.Decide(default, true, bad, false);
        var empty = decider.Decide(default, false, bad, false);

        Assert.That(first.Key, Is.EqualTo(longKey).And.Not.SameAs(longKey));
        Assert.That(Encoding.UTF8.GetString(second.Key!), Is.EqualTo("short"));
        Assert.That((third.Key, empty.Key), Is.EqualTo(((byte[]?)null, Array.Empty<byte>())), "a null key and an empty one stay apart");
    }

    [Test]
    public void A_null_value_is_rejected_as_empty()
    {
        var decision = Decider(new WatchIndex()).Decide(default, true, default, true);
        Assert.That((decision.Outcome, decision.Rejection.Code, decision.Value), Is.EqualTo((PacketOutcome.Rejected, RejectionCodes.Empty, (byte[]?)null)));
    }
}
