using System.Runtime.InteropServices;
using Confluent.Kafka;
using PcapWatch.Kafka.Native;

namespace PcapWatch.Kafka;

/// <summary>One record as librdkafka holds it: read in place, valid only while its batch is.</summary>
public readonly unsafe struct NativeRecord
{
    private readonly LibRdKafkaConsume.Message* _message;

    internal NativeRecord(LibRdKafkaConsume.Message* message) => _message = message;

    /// <summary>Not NoError for an event rather than a record (the end of a partition, a consumer error).</summary>
    public ErrorCode Error => (ErrorCode)_message->Error;

    public int Partition => _message->Partition;

    public long Offset => _message->Offset;

    public bool ValueIsNull => _message->Payload is null;

    public ReadOnlySpan<byte> Value => new(_message->Payload, checked((int)_message->Length));

    public bool KeyIsNull => _message->Key is null;

    public ReadOnlySpan<byte> Key => new(_message->Key, checked((int)_message->KeyLength));

    /// <summary>The record's timestamp (a call into librdkafka: ask only when needed).</summary>
    public Timestamp Timestamp
    {
        get
        {
            int type;
            long ms = LibRdKafkaConsume.MessageTimestamp(_message, &type);
            return type == 0 ? Timestamp.Default : new Timestamp(ms, (TimestampType)type);
        }
    }

    /// <summary>
    /// An error event's text: librdkafka puts it where a record's value would be, else the code's own text.
    /// </summary>
    public string ErrorReason => _message->Payload is not null && _message->Length > 0
        ? System.Text.Encoding.UTF8.GetString(_message->Payload, checked((int)_message->Length))
        : Marshal.PtrToStringUTF8(LibRdKafkaConsume.ErrorToString(_message->Error)) ?? Error.ToString();

    /// <summary>A copy of the record's headers (null when it has none), for a dead letter.</summary>
    public Headers? CopyHeaders()
    {
        nint headers;
        if (LibRdKafkaConsume.MessageHeaders(_message, &headers) != 0 || headers == 0) return null;
        var copy = new Headers();
        byte* name, value;
        nuint size;
        for (nuint i = 0; LibRdKafkaConsume.HeaderGetAll(headers, i, &name, &value, &size) == 0; i++)
        {
            copy.Add(Marshal.PtrToStringUTF8((nint)name) ?? "", value is null ? null : new ReadOnlySpan<byte>(value, checked((int)size)).ToArray());
        }
        return copy;
    }
}
