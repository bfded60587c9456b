using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.Kafka;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>Plain Confluent.Kafka helpers for tests: write records, read a topic to its end, check commits.</summary>
internal static class Kafka
{
    public static void Produce(string bootstrap, string topic, IEnumerable<(string? Key, string? Value)> records)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(bootstrap)).Build();
        foreach (var (key, value) in records)
        {
            producer.ProduceWhenRoom(topic, new Message<byte[]?, byte[]?>
            {
                Key = key is null ? null : Encoding.UTF8.GetBytes(key),
                Value = value is null ? null : Encoding.UTF8.GetBytes(value),
            });
        }
        Assert.That(producer.Flush(TimeSpan.FromSeconds(60)), Is.Zero, "records not delivered");
    }

    /// <summary>Writes values, in their order, to one partition; returns how many.</summary>
    public static long ProduceToPartition(string bootstrap, string topic, int partition, IEnumerable<string> values)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(bootstrap)).Build();
        long n = 0;
        foreach (var value in values)
        {
            producer.Produce(new TopicPartition(topic, partition), new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes(value) });
            n++;
        }
        Assert.That(producer.Flush(TimeSpan.FromSeconds(60)), Is.Zero, "records not delivered");
        return n;
    }

    public static void Produce(string bootstrap, string topic, IEnumerable<byte[]> values)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(bootstrap)).Build();
        foreach (var value in values) producer.ProduceWhenRoom(topic, new Message<byte[]?, byte[]?> { Value = value });
        Assert.That(producer.Flush(TimeSpan.FromSeconds(60)), Is.Zero, "records not delivered");
    }

    /// <summary>Writes each value with its own timestamp, one batch each (a batch stores its records' times as deltas).</summary>
    public static void ProduceTimed(string bootstrap, string topic, IEnumerable<(byte[] Value, Timestamp Timestamp)> records)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(bootstrap)).Build();
        foreach (var (value, timestamp) in records)
        {
            producer.ProduceWhenRoom(topic, new Message<byte[]?, byte[]?> { Value = value, Timestamp = timestamp });
            Assert.That(producer.Flush(TimeSpan.FromSeconds(60)), Is.Zero, "record not delivered");
        }
    }

    /// <summary>Every record of a topic up to its current end, as (key, parsed JSON value or null).</summary>
    public static List<(string? Key, JsonElement? Value)> ReadAll(string bootstrap, string topic) =>
        ReadToEnd(bootstrap, topic).Select(m => (m.Key is null ? null : Encoding.UTF8.GetString(m.Key),
            m.Value is null ? (JsonElement?)null : JsonDocument.Parse(m.Value).RootElement.Clone())).ToList();

    /// <summary>Every record of a topic up to its current end with its timestamp, values parsed as JSON.</summary>
    public static List<(DateTimeOffset Timestamp, JsonElement Value)> ReadTimed(string bootstrap, string topic) =>
        ReadToEnd(bootstrap, topic).Where(m => m.Value is not null)
            .Select(m => (DateTimeOffset.FromUnixTimeMilliseconds(m.Timestamp.UnixTimestampMs), JsonDocument.Parse(m.Value!).RootElement.Clone()))
            .ToList();

    /// <summary>As <see cref="ReadTimed"/>, the timestamps as Unix ms: a record may carry any timestamp, past the year 9999 too.</summary>
    public static List<(long TimestampMs, JsonElement Value)> ReadTimedValues(string bootstrap, string topic) =>
        ReadToEnd(bootstrap, topic).Where(m => m.Value is not null)
            .Select(m => (m.Timestamp.UnixTimestampMs, JsonDocument.Parse(m.Value!).RootElement.Clone()))
            .ToList();

    /// <summary>Every record of a topic up to its current end, raw: value bytes and headers (last value per header key, null kept).</summary>
    public static List<(byte[]? Key, byte[]? Value, Dictionary<string, string?> Headers)> ReadRaw(string bootstrap, string topic) =>
        ReadToEnd(bootstrap, topic).Select(m => (m.Key, m.Value, (m.Headers ?? []).GroupBy(h => h.Key)
            .ToDictionary(g => g.Key, g => g.Last().GetValueBytes() is { } value ? Encoding.UTF8.GetString(value) : null))).ToList();

    /// <summary>Every record of a topic up to its current end: key as text, partition and timestamp, in partition order.</summary>
    public static List<(string? Key, int Partition, long TimestampMs)> ReadTimedRaw(string bootstrap, string topic) =>
        ReadResultsToEnd(bootstrap, topic).Select(r => (r.Message.Key is null ? null : Encoding.UTF8.GetString(r.Message.Key),
            r.Partition.Value, r.Message.Timestamp.UnixTimestampMs)).ToList();

    private static List<Message<byte[]?, byte[]?>> ReadToEnd(string bootstrap, string topic) =>
        ReadResultsToEnd(bootstrap, topic).Select(r => r.Message).ToList();

    /// <summary>Every record of a topic up to its current end, as consumed (partition, offset, headers).</summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadResultsToEnd(string bootstrap, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrap, null)).Build();
        var partitions = TopicPartitions.Of(consumer, topic, TimeSpan.FromSeconds(30));
        var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var messages = new List<ConsumeResult<byte[]?, byte[]?>>();
        var remaining = ends.Where(e => e.Value > 0).Select(e => e.Key).ToHashSet();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (remaining.Count > 0)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"could not read {topic} to its end");
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            messages.Add(r);
            if (r.Offset.Value + 1 >= ends[r.TopicPartition]) remaining.Remove(r.TopicPartition);
        }
        return messages;
    }

    /// <summary>Waits until the group has committed every partition of the topic up to its end.</summary>
    public static void WaitForCommittedToEnd(string bootstrap, string groupId, string topic, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrap, groupId)).Build();
        var partitions = TopicPartitions.Of(consumer, topic, TimeSpan.FromSeconds(30));
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
            var committed = consumer.Committed(partitions, TimeSpan.FromSeconds(10));
            if (committed.All(c => ends[c.TopicPartition] == 0 || c.Offset.Value >= ends[c.TopicPartition])) return;
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline),
                $"group {groupId} committed {string.Join(",", committed.Select(c => c.Offset.Value))} of {string.Join(",", ends.Values)}");
            Thread.Sleep(200);
        }
    }

    /// <summary>The sum of the group's committed offsets over the topic's partitions (0 when none committed).</summary>
    public static long CommittedTotal(string bootstrap, string groupId, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(ClientSettings.Consumer(bootstrap, groupId)).Build();
        var partitions = TopicPartitions.Of(consumer, topic, TimeSpan.FromSeconds(30));
        return consumer.Committed(partitions, TimeSpan.FromSeconds(10)).Sum(c => Math.Max(0, c.Offset.Value));
    }

    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }
}
