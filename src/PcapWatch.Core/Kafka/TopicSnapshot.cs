using Confluent.Kafka;

namespace PcapWatch.Kafka;

/// <summary>
/// Reads every partition of a topic from its beginning to the end it had when the read started: what a table, a
/// report or a lookup needs ("everything so far"), without a consumer group or committed offsets. Done is decided by
/// the consumer's position (<see cref="EndOfPartitions"/>), so transactional topics end too.
/// </summary>
public static class TopicSnapshot
{
    private const int CheckEvery = 1000;

    /// <param name="partitions">The topic's partitions when the caller knows them already: asking the cluster takes an
    /// admin handle, and disposing one takes ~100 ms (its callback thread polls at that interval).</param>
    public static void Read(string bootstrapServers, string topic, IReadOnlyDictionary<string, string>? properties,
        KafkaConnectivity? kafka, Action<ConsumeResult<byte[]?, byte[]?>> onRecord, CancellationToken cancel = default,
        TimeSpan? timeout = null, IReadOnlyList<TopicPartition>? partitions = null)
    {
        kafka ??= new KafkaConnectivity();
        using var consumer = KafkaClients.Reader(bootstrapServers, properties, kafka);
        if (timeout is not null)
        {
            // A tool: no answer, or no topic, within the timeout is an error for the user, said in one line.
            ClusterWait.UntilReachable(consumer, () => consumer.Consume(TimeSpan.Zero), bootstrapServers, kafka, timeout, null,
                kafka.Log, cancel);
        }
        try
        {
            partitions ??= TopicPartitions.Of(consumer, topic, timeout ?? TimeSpan.FromSeconds(30), cancel);
        }
        catch (KafkaUnavailableException ex)
        {
            throw ex.At(bootstrapServers);
        }
        var end = new EndOfPartitions(consumer, partitions);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        // The end is asked by position, for every pending partition: not after each record (that cost 10x on a
        // 64-partition read), but every CheckEvery records and whenever nothing is fetched yet, before waiting (so the
        // last record is not followed by a wait). A record is handed on before the end is asked: the position already
        // counts it, so the record that reaches the end must not be dropped by the check it completes. Records read
        // past the end meanwhile are not handed on.
        bool done = end.Update(consumer);
        int sinceCheck = 0;
        while (!done)
        {
            cancel.ThrowIfCancellationRequested();
            var r = consumer.Consume(TimeSpan.Zero);
            if (r is not null) HandOn(r);
            if (r is null || ++sinceCheck >= CheckEvery)
            {
                sinceCheck = 0;
                done = end.Update(consumer);
                if (!done && r is null && consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } waited) HandOn(waited);
            }
        }
        consumer.Close();

        void HandOn(ConsumeResult<byte[]?, byte[]?> r)
        {
            if (!r.IsPartitionEOF && end.IsBeforeEnd(r.TopicPartition, r.Offset.Value)) onRecord(r);
        }
    }
}
