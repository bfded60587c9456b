using Confluent.Kafka;
using PcapWatch.Kafka;

namespace PcapWatch.Benchmarks;

/// <summary>
/// The floor read the way the pcap loop reads (<see cref="NativeRecordBatch"/>): librdkafka's batch consume over a
/// Confluent.Kafka consumer, values read in place (<c>e2e --batch-floor</c>, <c>e2e-consumer --kind batch</c>).
/// </summary>
internal static class BatchFloor
{
    /// <summary>Reads <paramref name="count"/> records; <paramref name="onRecord"/> sees each one's number.</summary>
    public static void Consume(IConsumer<Ignore, Ignore> consumer, long count, Action<long> onRecord)
    {
        using var batch = new NativeRecordBatch(consumer);
        long seen = 0, bytes = 0;
        while (seen < count)
        {
            int read = batch.Fill(TimeSpan.FromMilliseconds(100), 1024);
            for (int i = 0; i < read; i++)
            {
                var record = batch[i];
                if (record.Error != ErrorCode.NoError) continue;
                bytes += record.Value.Length;
                onRecord(++seen);
            }
        }
        GC.KeepAlive(bytes);
    }
}
