using System.Text;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Flows;
using PcapWatch.FlowStage;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Flows;

/// <summary>
/// The flow stage's checkpoint: a partition written out at any moment and read back goes on exactly as the one that never
/// stopped (the records of a capture, interim ones and SEQ included, are the same wherever it is cut: a CsCheck
/// property); the records that
/// carry a checkpoint refuse what is not whole; and flow records read back are the records written.
/// </summary>
public class FlowCheckpointTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    // Short timeouts so that the capture's flows end by idle, by FIN and by interim records while packets wait for the grace.
    private static readonly FlowTimeouts Busy = FlowTimeouts.Default with
    {
        TcpIdle = 2 * Second,
        UdpIdle = 2 * Second,
        IcmpIdle = 2 * Second,
        OtherIdle = 2 * Second,
        Interim = Second,
        Grace = Second / 2,
    };

    private static List<string> Run(IEnumerable<FlowPacket> packets, FlowPartition partition)
    {
        var records = new List<FlowRecord>();
        foreach (var packet in packets) partition.Add(packet, records);
        return records.Select(r => Encoding.UTF8.GetString(FlowRecordJson.Encode(r))).ToList();
    }

    private static FlowPartition RoundTrip(FlowPartition partition, FlowTimeouts timeouts)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) partition.WriteTo(writer);
        buffer.Position = 0;
        using var reader = new BinaryReader(buffer, Encoding.UTF8);
        var restored = FlowPartition.ReadFrom(reader, timeouts);
        Assert.That(buffer.Position, Is.EqualTo(buffer.Length), "everything written is read");
        return restored;
    }

    // gaps-lan pauses each flow for 3 s: a 2 s idle timeout splits them there, a 4 s one keeps them open through interim
    // periods without packets (which must write nothing).
    [TestCase("gaps-lan", 2)]
    [TestCase("gaps-lan", 4)]
    [TestCase("names-lan", 2)]
    public void A_partition_cut_anywhere_and_read_back_makes_the_records_of_one_that_never_stopped(string capture, int idleSeconds)
    {
        var idle = TimeSpan.FromSeconds(idleSeconds);
        var timeouts = Busy with { TcpIdle = idle, UdpIdle = idle, IcmpIdle = idle, OtherIdle = idle };
        var packets = FlowSamples.Packets(TestData.Lines(TestData.Fixture($"{capture}.json.ndjson")));
        var whole = Run(packets, new FlowPartition(timeouts));
        Assert.That(whole.Count(r => r.Contains("\"FINAL\":false", StringComparison.Ordinal)), Is.GreaterThan(0), "interim records");
        Gen.Int[0, packets.Count].Sample(cut =>
        {
            var first = new FlowPartition(timeouts);
            var before = Run(packets.Take(cut), first);
            var after = Run(packets.Skip(cut), RoundTrip(first, timeouts));
            // The same records; flows ended by the same step may come in another order (each has its own SEQ).
            Assert.That(before.Concat(after).Order(StringComparer.Ordinal), Is.EqualTo(whole.Order(StringComparer.Ordinal)), $"cut after {cut}");
        }, iter: 60);
    }

    [Test]
    public void A_checkpoint_in_many_chunks_is_read_back_whole_and_any_chunk_missing_or_changed_refuses_it()
    {
        var state = new byte[3 * FlowCheckpointCodec.ChunkPayloadBytes];
        new Random(7).NextBytes(state); // incompressible: several chunks
        var chunks = FlowCheckpointCodec.Encode(new FlowCheckpoint(3, 12_345, state));
        Assert.That(chunks, Has.Count.GreaterThan(2));
        List<FlowCheckpointCodec.Chunk> Decoded(IEnumerable<byte[]> values) =>
            values.Select(v => FlowCheckpointCodec.TryDecode(v, out var c) ? c : throw new AssertionException("a chunk")).ToList();

        var whole = FlowCheckpointCodec.Assemble(Decoded(chunks));
        Assert.That(whole, Is.Not.Null);
        Assert.That((whole!.Partition, whole.NextOffset, whole.State), Is.EqualTo((3, 12_345L, state)));
        Assert.That(FlowCheckpointCodec.Assemble(Decoded(chunks.Skip(1))), Is.Null, "a chunk missing");
        var changed = chunks.Select(c => c.ToArray()).ToList();
        changed[1][^1] ^= 1;
        Assert.That(FlowCheckpointCodec.Assemble(Decoded(changed)), Is.Null, "a byte changed");
        var other = FlowCheckpointCodec.Encode(new FlowCheckpoint(3, 12_345, state));
        Assert.That(FlowCheckpointCodec.Assemble(Decoded([chunks[0], other[1], .. chunks.Skip(2)])), Is.Null, "another checkpoint's chunk");
    }

    [Test]
    public void Bytes_that_are_not_a_checkpoint_or_a_flow_record_are_refused_without_an_exception()
    {
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            Assert.That(FlowRecordReader.TryRead(bytes), Is.Null);
            if (FlowCheckpointCodec.TryDecode(bytes, out var chunk)) Assert.That(FlowCheckpointCodec.Assemble([chunk]), Is.Null);
        });
    }

    [TestCase("netns-lan")]
    [TestCase("gaps-lan")]
    public void Flow_records_read_back_are_the_records_written(string capture)
    {
        var records = FlowSamples.FinalFlows(TestData.Lines(TestData.Fixture($"{capture}.ek.ndjson")), Busy, all: true);
        Assert.That(records, Is.Not.Empty);
        foreach (var record in records)
        {
            var read = FlowRecordReader.TryRead(FlowRecordJson.Encode(record));
            Assert.That(read, Is.EqualTo(record));
        }
    }

    [Test]
    public void A_flow_record_read_again_is_a_repeat_and_a_later_record_of_the_same_flow_is_not()
    {
        var records = FlowSamples.FinalFlows(TestData.Lines(TestData.Fixture("gaps-lan.json.ndjson")), Busy, all: true);
        var repeats = new FlowRepeats();
        Assert.That(records.All(repeats.IsFirst), Is.True, "every record once");
        Assert.That(records.Count(repeats.IsFirst), Is.Zero, "read again: every one a repeat");
        Assert.That(repeats.Repeats, Is.EqualTo(records.Count));
        var (a, b) = (records[0], records.First(r => (r.FlowId, r.FirstUs) != (records[0].FlowId, records[0].FirstUs)));
        var bounded = new FlowRepeats(maxFlows: 1);
        Assert.That(bounded.IsFirst(a) && bounded.IsFirst(b) && bounded.IsFirst(a), Is.True, "forgotten past the bound");
    }
}
