using System.Text;
using FASTER.core;

namespace PcapWatch.Tables;

/// <summary>
/// One table's rows in a FASTER key-value store on disk (<c>&lt;SpanByte,SpanByte&gt;</c>: row key → encoded row),
/// with checkpoints that carry the table topic's offsets. Single-threaded by design: the pipeline thread is the only
/// writer and reader, so one session suffices.
/// </summary>
public sealed unsafe partial class FasterTableStore : IDisposable
{
    // Fixed for the life of a state dir, and recorded beside it: FASTER kills the process (uncatchably) when it
    // recovers a checkpoint with a smaller page size than the one that wrote it.
    private const int PageSizeBits = 20;      // 1 MiB pages
    private const int MemorySizeBits = 26;    // 64 MiB of log in memory, the rest on disk
    // Small segments: the log on disk shrinks a whole segment at a time once compaction has moved past it.
    private const int SegmentSizeBits = 22;   // 4 MiB files
    private const string Layout = "pcapwatch-faster-v2 page=20 memory=26 segment=22";
    // FASTER's per-record overhead in a SpanByte log (header + two length prefixes, 8-byte aligned), for the
    // live-bytes estimate that decides when to compact.
    private const int RecordOverhead = 24;
    // Compact when the log holds more than this many times the live rows' bytes (and at least MinCompactBytes).
    private const int CompactWhenLogExceedsLive = 2;
    private const long MinCompactBytes = 1L << 20;
    private const string LayoutFile = "layout";

    // FASTER's checkpoint waits for ever when a write fails (seen with a full disk): past this it is given up for lost.
    private static readonly TimeSpan CheckpointTimeout = TimeSpan.FromMinutes(2);

    private readonly string _directory;
    private readonly IDevice _log;
    private readonly FasterKV<SpanByte, SpanByte> _kv;
    private ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>> _session;

    private FasterTableStore(string directory, long indexBuckets)
    {
        _directory = directory;
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
            new CheckpointSettings { CheckpointDir = CheckpointDirectory(directory), RemoveOutdated = true });
        _session = NewSession();
    }

    /// <summary>Rows currently held.</summary>
    public long Count { get; private set; }

    /// <summary>Order-independent hash of all rows (see <see cref="RowHash"/>).</summary>
    public ulong ContentHash { get; private set; }

    /// <summary>Estimated bytes the live rows take in the log.</summary>
    public long LiveBytes { get; private set; }

    /// <summary>
    /// Bytes of log between its begin and its tail (what a restart scans, about what the disk holds).
    /// </summary>
    public long LogBytes => _kv.Log.TailAddress - _kv.Log.BeginAddress;

    /// <summary>
    /// No row was replaced or deleted since the store was created, so its log holds exactly one record per row (what a
    /// table loaded from a compacted topic usually is). Kept in the checkpoint; a scan then needs one pass.
    /// </summary>
    internal bool FirstWritesOnly { get; private set; } = true;

    /// <summary>Times the log was compacted since the store was opened.</summary>
    public int Compactions { get; private set; }

    /// <summary>Off only to measure what compaction saves (the table-state benchmark's baseline).</summary>
    internal bool CompactionEnabled { get; set; } = true;

    /// <summary>Inserts or replaces a row; returns the previous value (null when the row is new).</summary>
    public byte[]? Upsert(string key, byte[] value)
    {
        Span<byte> scratch = stackalloc byte[KeyScratch];
        return Upsert(Utf8(key, scratch), value);
    }

    /// <summary>
    /// Inserts or replaces the row under the UTF-8 <paramref name="keyBytes"/>; returns the previous value.
    /// </summary>
    public byte[]? Upsert(ReadOnlySpan<byte> keyBytes, ReadOnlySpan<byte> value)
    {
        var previous = Read(keyBytes);
        fixed (byte* k = keyBytes)
        fixed (byte* v = value)
        {
            var keySpan = new SpanByte(keyBytes.Length, (nint)k);
            var valueSpan = new SpanByte(value.Length, (nint)v);
            _session.Upsert(ref keySpan, ref valueSpan);
        }
        if (previous is null) Count++;
        else
        {
            Forget(keyBytes, previous);
            FirstWritesOnly = false;
        }
        ContentHash += RowHash.Of(keyBytes, value);
        LiveBytes += SizeInLog(keyBytes.Length, value.Length);
        return previous;
    }

    /// <summary>Deletes a row; returns the previous value (null when there was none).</summary>
    public byte[]? Delete(string key)
    {
        Span<byte> scratch = stackalloc byte[KeyScratch];
        return Delete(Utf8(key, scratch));
    }

    /// <summary>Deletes the row under the UTF-8 <paramref name="keyBytes"/>; returns the previous value.</summary>
    public byte[]? Delete(ReadOnlySpan<byte> keyBytes)
    {
        var previous = Read(keyBytes);
        if (previous is null) return null;
        fixed (byte* k = keyBytes)
        {
            var keySpan = new SpanByte(keyBytes.Length, (nint)k);
            _session.Delete(ref keySpan);
        }
        Count--;
        Forget(keyBytes, previous);
        FirstWritesOnly = false;
        return previous;
    }

    private void Forget(ReadOnlySpan<byte> keyBytes, byte[] previous)
    {
        ContentHash -= RowHash.Of(keyBytes, previous);
        LiveBytes -= SizeInLog(keyBytes.Length, previous.Length);
    }

    private static long SizeInLog(int keyLength, int valueLength) => (keyLength + valueLength + RecordOverhead + 7) & ~7L;

    // Row keys are short; a longer one takes an array.
    private const int KeyScratch = 256;

    private static ReadOnlySpan<byte> Utf8(string key, Span<byte> scratch) =>
        Encoding.UTF8.TryGetBytes(key, scratch, out int n) ? scratch[..n] : Encoding.UTF8.GetBytes(key);

    public byte[]? Read(string key)
    {
        Span<byte> scratch = stackalloc byte[KeyScratch];
        return Read(Utf8(key, scratch));
    }

    /// <summary>The row stored under the UTF-8 <paramref name="key"/>, or null.</summary>
    public byte[]? Read(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key)
        {
            var keySpan = new SpanByte(key.Length, (nint)k);
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

    /// <summary>
    /// Calls <paramref name="visit"/> with every live row's key and encoded value (valid during the call), in no
    /// particular order. The log is scanned twice, in place: first the hash of every record's key, to find the keys
    /// written more than once (updated or deleted rows, few after a load); then each key written once is visited where
    /// it lies unless it is a tombstone, and only the repeated ones are copied to settle which record is their latest.
    /// FASTER's own iteration copies every record into a scratch store whose fresh pages (zeroed, faulted in) were two
    /// thirds of a 1 M-row restart. Two keys that share a hash only both go the exact way.
    /// </summary>
    public void ForEachRow(RowVisitor visit)
    {
        if (FirstWritesOnly) ScanLogOfFirstWrites(visit);
        else ScanLog(visit);
    }

    /// <summary>
    /// Every record is a live row (one per key, no tombstones): one pass, each visited where it lies. Should the log
    /// hold more than the flag promised, the verifying count and hash of a recovery catch it and the store is not
    /// trusted.
    /// </summary>
    private void ScanLogOfFirstWrites(RowVisitor visit)
    {
        using var iterator = _kv.Log.Scan(_kv.Log.BeginAddress, _kv.Log.TailAddress);
        while (iterator.GetNext(out var info))
        {
            if (!info.Tombstone) visit(iterator.GetKey().AsReadOnlySpan(), iterator.GetValue().AsReadOnlySpan());
        }
    }

    private void ScanLog(RowVisitor visit)
    {
        var seen = new HashSet<int>();
        var repeated = new HashSet<int>();
        using (var iterator = _kv.Log.Scan(_kv.Log.BeginAddress, _kv.Log.TailAddress))
        {
            while (iterator.GetNext(out _))
            {
                int hash = ByteKeyComparer.Hash(iterator.GetKey().AsReadOnlySpan());
                if (!seen.Add(hash)) repeated.Add(hash);
            }
        }
        seen = null;
        var latest = new Dictionary<byte[], byte[]?>(ByteKeyComparer.Instance);
        using (var iterator = _kv.Log.Scan(_kv.Log.BeginAddress, _kv.Log.TailAddress))
        {
            while (iterator.GetNext(out var info))
            {
                var key = iterator.GetKey().AsReadOnlySpan();
                if (repeated.Count > 0 && repeated.Contains(ByteKeyComparer.Hash(key)))
                {
                    latest[key.ToArray()] = info.Tombstone ? null : iterator.GetValue().ToByteArray();
                }
                else if (!info.Tombstone)
                {
                    visit(key, iterator.GetValue().AsReadOnlySpan());
                }
            }
        }
        foreach (var (key, value) in latest)
        {
            if (value is not null) visit(key, value);
        }
    }

    /// <summary>One live row: its key and its encoded value, valid only during the call.</summary>
    public delegate void RowVisitor(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    private ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>> NewSession() =>
        _kv.For(new SpanByteFunctions_ByteArrayOutput<Empty>()).NewSession<SpanByteFunctions_ByteArrayOutput<Empty>>();

    public void Dispose()
    {
        _session.Dispose();
        _kv.Dispose();
        _log.Dispose();
    }
}
