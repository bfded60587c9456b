using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.Kafka;

namespace PcapWatch.Tests.Kafka;

public class StartingOffsetsTests
{
    private static readonly List<TopicPartition> Assigned = [new("pcap", 0), new("pcap", 1)];

    private static List<TopicPartitionOffset> CommittedOnlyFor1() =>
        [new(new TopicPartition("pcap", 0), Offset.Unset), new(new TopicPartition("pcap", 1), new Offset(42))];

    [TestCase(null, -2L)]
    [TestCase("earliest", -2L)]
    [TestCase("smallest", -2L)]
    [TestCase("latest", -1L)]
    [TestCase(" Largest ", -1L)]
    public void A_partition_never_committed_starts_at_the_policy_s_logical_offset_a_committed_one_is_left_to_librdkafka(
        string? policy, long logical)
    {
        var offsets = new StartingOffsets(policy).For(Assigned, CommittedOnlyFor1).ToList();
        Assert.That(offsets.Select(o => (o.Partition.Value, o.Offset.Value)), Is.EqualTo(new[] { (0, logical), (1, Offset.Unset.Value) }));
    }

    [Test]
    public void With_reset_error_or_no_answer_every_partition_is_left_to_librdkafka()
    {
        Assert.That(new StartingOffsets("error").For(Assigned, CommittedOnlyFor1).Select(o => o.Offset), Is.All.EqualTo(Offset.Unset));
        Assert.That(new StartingOffsets("earliest").For(Assigned, () => throw new KafkaException(ErrorCode.Local_TimedOut))
            .Select(o => o.Offset), Is.All.EqualTo(Offset.Unset));
    }
}
