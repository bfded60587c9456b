using System.Text;
using FASTER.core;

namespace PcapWatch.Tables;

/// <summary>
/// One table's rows in a FASTER key-value store on disk (<c>&lt;SpanByte,SpanByte&gt;</c>: row key → encoded row).
/// Single-threaded by design: the pipeline thread is the only writer and reader, so one session suffices.
/// </summary>
public sealed unsafe class FasterTableStore : IDisposable
{
    // Fixed for the life of a state dir: FASTER cannot recover a checkpoint with a smaller page size.
    private const int PageSizeBits = 20;      // 1 MiB pages
    private const int MemorySizeBits = 26;    // 64 MiB of log in memory, the rest on disk
    private const int SegmentSizeBits = 28;

    private readonly IDevice _log;
    private readonly FasterKV<SpanByte, SpanByte> _kv;
    private readonly ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>> _session;

    /// <param name="directory">Where the log lives; created if missing.</param>
    /// <param name="indexBuckets">Hash index size in 64-byte buckets (a power of two); size it to the row count.</param>
    public FasterTableStore(string directory, long indexBuckets = 1L << 16)
    {
        Directory.CreateDirectory(directory);
        StoreDirectory = directory;
        _log = Devices.CreateLogDevice(Path.Combine(directory, "hlog.log"), preallocateFile: false, deleteOnClose: false);
        _kv = new FasterKV<SpanByte, SpanByte>(
            indexBuckets,
            new LogSettings
            {
                LogDevice = _log,
                PageSizeBits = PageSizeBits,
                MemorySizeBits = MemorySizeBits,
                SegmentSizeBits = SegmentSizeBits,
            },
            new CheckpointSettings { CheckpointDir = Path.Combine(directory, "checkpoints") });
        _session = _kv.For(new SpanByteFunctions_ByteArrayOutput<Empty>()).NewSession<SpanByteFunctions_ByteArrayOutput<Empty>>();
    }

    public string StoreDirectory { get; }

    /// <summary>Rows currently held.</summary>
    public long Count { get; private set; }

    /// <summary>Inserts or replaces a row; returns the previous value (null when the row is new).</summary>
    public byte[]? Upsert(string key, byte[] value)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var previous = Read(keyBytes);
        fixed (byte* k = keyBytes)
        fixed (byte* v = value)
        {
            var keySpan = new SpanByte(keyBytes.Length, (nint)k);
            var valueSpan = new SpanByte(value.Length, (nint)v);
            _session.Upsert(ref keySpan, ref valueSpan);
        }
        if (previous is null) Count++;
        return previous;
    }

    /// <summary>Deletes a row; returns the previous value (null when there was none).</summary>
    public byte[]? Delete(string key)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var previous = Read(keyBytes);
        if (previous is null) return null;
        fixed (byte* k = keyBytes)
        {
            var keySpan = new SpanByte(keyBytes.Length, (nint)k);
            _session.Delete(ref keySpan);
        }
        Count--;
        return previous;
    }

    public byte[]? Read(string key) => Read(Encoding.UTF8.GetBytes(key));

    private byte[]? Read(byte[] keyBytes)
    {
        fixed (byte* k = keyBytes)
        {
            var keySpan = new SpanByte(keyBytes.Length, (nint)k);
            byte[] output = null!;
            var status = _session.Read(ref keySpan, ref output);
            if (status.IsPending)
            {
                // The row was evicted to disk: wait for the I/O (tables are off the packet path).
                _session.CompletePendingWithOutputs(out var outputs, wait: true);
                using (outputs)
                {
                    while (outputs.Next())
                    {
                        status = outputs.Current.Status;
                        output = outputs.Current.Output;
                    }
                }
            }
            return status.Found ? output : null;
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _kv.Dispose();
        _log.Dispose();
    }
}
