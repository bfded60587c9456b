using System.Text;
using Confluent.Kafka;

namespace PcapWatch.FlowStage;

/// <summary>
/// Where the flow stage keeps its checkpoints: a topic of ours, with the checkpoints of input partition p in its
/// partition p (modulo its count), keyed by the consumer group and p so that several groups may share it. A
/// checkpoint is several records (<see cref="FlowCheckpointCodec"/>); the newest whole one is found by reading the
/// partition backwards from its end, a window at a time, so a topic that keeps days of them costs a restore only the
/// last few.
/// </summary>
public sealed class FlowCheckpointTopic(string topic, string groupId, int topicPartitions)
{
    private const int FirstWindow = 64;

    public string Topic { get; } = topic;

    public byte[] KeyOf(int partition) => Encoding.UTF8.GetBytes($"{groupId}/{partition}");

    public TopicPartition PartitionOf(int partition) => new(Topic, partition % topicPartitions);

    /// <summary>
    /// Writes <paramref name="checkpoint"/> and waits for the broker to acknowledge every chunk; false (and nothing
    /// to rely on) when it did not within <paramref name="timeout"/> or refused one.
    /// </summary>
    public bool Write(IProducer<byte[], byte[]?> producer, FlowCheckpoint checkpoint, TimeSpan timeout, out string? failure)
    {
        var key = KeyOf(checkpoint.Partition);
        var destination = PartitionOf(checkpoint.Partition);
        var deliveries = FlowCheckpointCodec.Encode(checkpoint)
            .Select(chunk => producer.ProduceAsync(destination, new Message<byte[], byte[]?> { Key = key, Value = chunk }))
            .ToArray();
        failure = null;
        try
        {
            if (Task.WaitAll(deliveries, timeout)) return true;
            failure = $"not acknowledged within {timeout.TotalSeconds:0.#} s";
        }
        catch (AggregateException ex)
        {
            failure = ex.InnerExceptions.FirstOrDefault()?.Message ?? ex.Message;
        }
        return false;
    }

    /// <summary>
    /// The newest whole checkpoint of <paramref name="partition"/> (null when there is none), read through a manually
    /// assigned <paramref name="reader"/>.
    /// </summary>
    public FlowCheckpoint? ReadLatest(IConsumer<byte[]?, byte[]?> reader, int partition, TimeSpan timeout, CancellationToken cancel)
    {
        var source = PartitionOf(partition);
        var marks = reader.QueryWatermarkOffsets(source, timeout);
        long low = marks.Low.Value, high = marks.High.Value;
        var key = KeyOf(partition);
        for (long window = FirstWindow, end = high; end > low; window *= 4)
        {
            long start = Math.Max(low, end - window);
            var found = Newest(Read(reader, source, start, high, key, partition, cancel));
            if (found is not null) return found;
            end = start;
        }
        return null;
    }

    private static FlowCheckpoint? Newest(List<FlowCheckpointCodec.Chunk> chunks)
    {
        // By checkpoint id, in the order their last chunks were written; a chunk repeated by a producer retry is one.
        var byId = new Dictionary<Guid, SortedDictionary<int, FlowCheckpointCodec.Chunk>>();
        var completed = new List<Guid>();
        foreach (var chunk in chunks)
        {
            if (!byId.TryGetValue(chunk.Id, out var parts)) byId[chunk.Id] = parts = [];
            parts[chunk.Index] = chunk;
            if (parts.Count == chunk.Count) completed.Add(chunk.Id);
        }
        for (int i = completed.Count - 1; i >= 0; i--)
        {
            if (FlowCheckpointCodec.Assemble(byId[completed[i]].Values.ToList()) is { } checkpoint) return checkpoint;
        }
        return null;
    }

    private static List<FlowCheckpointCodec.Chunk> Read(IConsumer<byte[]?, byte[]?> reader, TopicPartition source, long start, long end,
        byte[] key, int partition, CancellationToken cancel)
    {
        var chunks = new List<FlowCheckpointCodec.Chunk>();
        reader.Assign(new TopicPartitionOffset(source, start));
        try
        {
            for (long next = start; next < end;)
            {
                cancel.ThrowIfCancellationRequested();
                var result = reader.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null)
                {
                    // Offsets that hold no record (transaction markers, compacted away) are passed without one.
                    if (reader.Position(source).Value >= end) break;
                    continue;
                }
                next = result.Offset.Value + 1;
                if (result.Message.Key is { } k && k.AsSpan().SequenceEqual(key) && result.Message.Value is { } value
                    && FlowCheckpointCodec.TryDecode(value, out var chunk) && chunk.Partition == partition)
                {
                    chunks.Add(chunk);
                }
            }
        }
        finally
        {
            reader.Unassign();
        }
        return chunks;
    }
}
