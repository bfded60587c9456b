using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.Kafka;

namespace PcapWatch.Tests.Kafka;

public class OffsetTrackerTests
{
    private static readonly TopicPartition P0 = new("pcap", 0), P1 = new("pcap", 1);

    [Test]
    public void Commits_the_record_after_the_last_processed_or_the_position_past_a_marker()
    {
        var tracker = new OffsetTracker("pcap");
        tracker.Processed(0, 41);
        tracker.Processed(1, 9);
        var offsets = tracker.ToCommit(tp => tp.Partition.Value == 1 ? 11 : -1001); // 1: a commit marker at 10
        Assert.That(offsets.Select(o => (o.Partition.Value, o.Offset.Value)), Is.EquivalentTo(new[] { (0, 42L), (1, 11L) }));
    }

    [Test]
    public void Only_the_partitions_asked_for_and_nothing_after_they_are_lost()
    {
        var tracker = new OffsetTracker("pcap");
        tracker.Processed(0, 1);
        tracker.Processed(1, 1);
        Assert.That(tracker.ToCommit(_ => -1, [P1]).Select(o => o.Partition.Value), Is.EqualTo(new[] { 1 }));
        tracker.Forget([P1]);
        Assert.That(tracker.ToCommit(_ => -1).Select(o => o.Partition.Value), Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void A_marker_the_consumer_skips_after_the_commit_is_committed_at_the_next_one()
    {
        // A transaction's last record (offset 0) is processed and committed before the consumer has read past its
        // commit marker (offset 1): the position moves to 2 only later, with no record to process after it.
        var tracker = new OffsetTracker("pcap");
        long position = 1;
        tracker.Processed(0, 0);
        tracker.Committed(tracker.ToCommit(_ => position));
        Assert.That(tracker.ToCommit(_ => position), Is.Empty, "nothing new");
        position = 2;
        var offsets = tracker.ToCommit(_ => position);
        Assert.That(offsets.Select(o => (o.Partition.Value, o.Offset.Value)), Is.EqualTo(new[] { (0, 2L) }));
        tracker.Committed(offsets);
        Assert.That(tracker.ToCommit(_ => position), Is.Empty, "committed once");
        tracker.Forget([P0]);
        Assert.That(tracker.ToCommit(_ => 3), Is.Empty, "not ours after a revoke");
    }

    [Test]
    public void A_record_processed_after_the_commit_was_built_stays_pending()
    {
        var tracker = new OffsetTracker("pcap");
        tracker.Processed(0, 5);
        var offsets = tracker.ToCommit(_ => -1);
        tracker.Processed(0, 6);
        tracker.Committed(offsets);
        Assert.That(tracker.Pending, Is.EqualTo(1));
        var rest = tracker.ToCommit(_ => -1);
        Assert.That(rest.Select(o => (o.Partition.Value, o.Offset.Value)), Is.EqualTo(new[] { (0, 7L) }), "the later record's own commit");
        tracker.Committed(rest);
        Assert.That(tracker.Pending, Is.Zero);
    }
}
