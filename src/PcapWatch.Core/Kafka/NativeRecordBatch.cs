using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using PcapWatch.Kafka.Native;

namespace PcapWatch.Kafka;

/// <summary>
/// Records of a Confluent.Kafka consumer read in batches straight from librdkafka (<c>rd_kafka_consume_batch_queue</c>
/// on the consumer's queue), left where librdkafka holds them until the next batch. Confluent.Kafka's Consume makes a
/// call into librdkafka, a timestamp query and four objects per record (~175 B); here one call reads up to a batch,
/// nothing is allocated, and a record's timestamp is asked for only when it is needed. The consumer stays
/// Confluent.Kafka's: group membership, rebalance and error callbacks (served from within the batch call, on this
/// thread), commits, positions, pause and close all go through it. Single-threaded: the loop's thread only.
/// </summary>
public sealed unsafe class NativeRecordBatch : IDisposable
{
    private readonly IClient _owner;
    private readonly nint _queue;
    private readonly LibRdKafkaConsume.Message** _messages;
    private readonly int _capacity;
    private int _count;
    private bool _disposed;

    public NativeRecordBatch(IClient consumer, int capacity = 1024)
    {
        _owner = consumer;
        _queue = LibRdKafkaConsume.QueueGetConsumer(NativeHandleOf(consumer));
        if (_queue == 0) throw new InvalidOperationException("the consumer has no group queue: batches read only a subscribed consumer");
        _capacity = capacity;
        _messages = (LibRdKafkaConsume.Message**)NativeMemory.Alloc((nuint)capacity, (nuint)sizeof(nint));
    }

    /// <summary>Records in the current batch.</summary>
    public int Count => _count;

    /// <summary>
    /// One record of the current batch, valid until the next <see cref="Fill"/> or <see cref="Release"/>.
    /// </summary>
    public NativeRecord this[int index] => (uint)index < (uint)_count ? new NativeRecord(_messages[index])
        : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>
    /// Releases the current batch and reads the next: up to <paramref name="max"/> records, waiting at most
    /// <paramref name="wait"/> for the first. Callbacks (rebalance, errors, statistics) run within this call.
    /// </summary>
    public int Fill(TimeSpan wait, int max)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Release();
        int size = Math.Clamp(max, 1, _capacity);
        long read = LibRdKafkaConsume.ConsumeBatchQueue(_queue, (int)Math.Clamp(wait.TotalMilliseconds, 0, int.MaxValue), _messages, (nuint)size);
        if (read < 0) throw new KafkaException(ErrorCode.Local_Fail);
        _count = (int)read;
        return _count;
    }

    /// <summary>Hands the current batch's records back to librdkafka.</summary>
    public void Release()
    {
        for (int i = 0; i < _count; i++) LibRdKafkaConsume.MessageDestroy(_messages[i]);
        _count = 0;
    }

    /// <summary>Before the consumer is closed: the records and the queue reference hold on to it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Release();
        LibRdKafkaConsume.QueueDestroy(_queue);
        NativeMemory.Free(_messages);
        _disposed = true;
        GC.KeepAlive(_owner);
    }

    /// <summary>
    /// The consumer's rd_kafka_t. Confluent.Kafka keeps it behind an internal property of its Handle; if a version
    /// renames it, this fails at start with that said, not on a record.
    /// </summary>
    private static nint NativeHandleOf(IClient client)
    {
        var handle = client.Handle;
        var property = handle.GetType().GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException($"Confluent.Kafka {typeof(IClient).Assembly.GetName().Version} has no Handle.LibrdkafkaHandle: "
                + "the pcap loop cannot read librdkafka's records in batches");
        return ((SafeHandle)property.GetValue(handle)!).DangerousGetHandle();
    }
}
