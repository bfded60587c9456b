using System.Runtime.InteropServices;

namespace PcapWatch.Kafka.Native;

/// <summary>
/// The few librdkafka calls the pcap loop makes itself (rdkafka.h): batches of records read from a consumer's queue
/// where librdkafka holds them, and what a record says besides its bytes. Everything else goes through Confluent.Kafka.
/// </summary>
internal static unsafe partial class LibRdKafkaConsume
{
    private const string Library = LibRdKafkaLocation.Library;

    static LibRdKafkaConsume() => NativeLibrary.SetDllImportResolver(typeof(LibRdKafkaConsume).Assembly, LibRdKafkaLocation.Resolve);

    /// <summary>rd_kafka_message_t, as rdkafka.h lays it out (the same on every 64-bit target).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Message
    {
        public int Error;
        public nint Topic;
        public int Partition;
        public byte* Payload;
        public nuint Length;
        public byte* Key;
        public nuint KeyLength;
        public long Offset;
        public nint Private;
    }

    [LibraryImport(Library, EntryPoint = "rd_kafka_queue_get_consumer")]
    internal static partial nint QueueGetConsumer(nint rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_queue_destroy")]
    internal static partial void QueueDestroy(nint queue);

    [LibraryImport(Library, EntryPoint = "rd_kafka_consume_batch_queue")]
    internal static partial nint ConsumeBatchQueue(nint queue, int timeoutMs, Message** messages, nuint size);

    [LibraryImport(Library, EntryPoint = "rd_kafka_message_destroy")]
    internal static partial void MessageDestroy(Message* message);

    [LibraryImport(Library, EntryPoint = "rd_kafka_message_timestamp")]
    internal static partial long MessageTimestamp(Message* message, int* type);

    [LibraryImport(Library, EntryPoint = "rd_kafka_message_headers")]
    internal static partial int MessageHeaders(Message* message, nint* headers);

    [LibraryImport(Library, EntryPoint = "rd_kafka_header_get_all")]
    internal static partial int HeaderGetAll(nint headers, nuint index, byte** name, byte** value, nuint* size);

    [LibraryImport(Library, EntryPoint = "rd_kafka_err2str")]
    internal static partial nint ErrorToString(int error);
}
