using System.Text;
using FASTER.core;

namespace PcapWatch.Tables;

/// <summary>
/// One table's rows in a FASTER key-value store on disk (<c>&lt;SpanByte,SpanByte&gt;</c>: row key → encoded row),
/// with checkpoints that carry the table topic's offsets. Single-threaded by design: the pipeline thread is the only
/// writer and reader, so one session suffices.
/// </summary>
public sealed unsafe class FasterTableStore : IDisposable
{
    // Fixed for the life of a state dir, and recorded beside it: FASTER kills the process (uncatchably) when it
    // recovers a checkpoint with a smaller page size than the one that wrote it.
    private const int PageSizeBits = 20;      // 1 MiB pages
    private const int MemorySizeBits = 26;    // 64 MiB of log in memory, the rest on disk
    private const int SegmentSizeBits = 28;
    private const string Layout = "pcapwatch-faster-v1 page=20 memory=26 segment=28";
    private const string LayoutFile = "layout";

    private readonly IDevice _log;
    private readonly FasterKV<SpanByte, SpanByte> _kv;
    private ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>> _session;

    private FasterTableStore(string directory, long indexBuckets)
    {
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

    /// <summary>A new, empty store in <paramref name="directory"/> (whatever was there is removed).</summary>
    /// <param name="indexBuckets">Hash index size in 64-byte buckets (a power of two); size it to the row count.</param>
    public static FasterTableStore Create(string directory, long indexBuckets = 1L << 16)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, LayoutFile), Layout);
        return new FasterTableStore(directory, indexBuckets);
    }

    /// <summary>
    /// Opens the store and recovers its latest checkpoint. When there is none, or it cannot be trusted (another layout,
    /// FASTER refuses it, its rows do not match the saved count and hash), the folder is wiped and the store starts
    /// empty; <paramref name="problem"/> then says why (null when there simply was no checkpoint).
    /// </summary>
    public static FasterTableStore Open(string directory, long indexBuckets, out TableCheckpoint? recovered, out string? problem)
    {
        recovered = null;
        problem = null;
        if (!HasCheckpoint(directory)) return Create(directory, indexBuckets);

        var layoutPath = Path.Combine(directory, LayoutFile);
        var layout = File.Exists(layoutPath) ? File.ReadAllText(layoutPath) : "(none)";
        if (layout != Layout)
        {
            problem = $"store layout '{layout}' is not '{Layout}'";
            return Create(directory, indexBuckets);
        }

        FasterTableStore? store = null;
        try
        {
            store = new FasterTableStore(directory, indexBuckets);
            store._kv.Recover();
            var checkpoint = TableCheckpoint.FromBytes(store._kv.RecoveredCommitCookie);
            if (checkpoint is null) throw new InvalidDataException("the checkpoint carries no PcapWatch offsets");
            store.RecountRows();
            if (store.Count != checkpoint.Rows || store.ContentHash != checkpoint.ContentHash)
            {
                throw new InvalidDataException(
                    $"recovered {store.Count} rows (hash {store.ContentHash:x16}), the checkpoint says {checkpoint.Rows} (hash {checkpoint.ContentHash:x16})");
            }
            recovered = checkpoint;
            return store;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            store?.Dispose();
            problem = $"{ex.GetType().Name}: {ex.Message}";
            return Create(directory, indexBuckets);
        }
    }

    private static string CheckpointDirectory(string directory) => Path.Combine(directory, "checkpoints");

    private static bool HasCheckpoint(string directory)
    {
        var dir = CheckpointDirectory(directory);
        return Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Any();
    }

    /// <summary>Rows currently held.</summary>
    public long Count { get; private set; }

    /// <summary>Order-independent hash of all rows (see <see cref="RowHash"/>).</summary>
    public ulong ContentHash { get; private set; }

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
        else ContentHash -= RowHash.Of(keyBytes, previous);
        ContentHash += RowHash.Of(keyBytes, value);
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
        ContentHash -= RowHash.Of(keyBytes, previous);
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

    /// <summary>Every live row (key, value), e.g. to rebuild derived state after recovery.</summary>
    public IEnumerable<(string Key, byte[] Value)> Rows()
    {
        var rows = new List<(string, byte[])>();
        using (var iterator = _session.Iterate())
        {
            while (iterator.GetNext(out _))
            {
                rows.Add((Encoding.UTF8.GetString(iterator.GetKey().AsReadOnlySpan()), iterator.GetValue().ToByteArray()));
            }
        }
        return rows;
    }

    /// <summary>
    /// Takes a checkpoint that covers exactly the rows applied so far, and records <paramref name="nextOffsets"/> in it.
    /// The session is closed meanwhile: FASTER's checkpoint waits for every open session to move on, and this thread
    /// is the only user.
    /// </summary>
    public void Checkpoint(string topic, Dictionary<int, long> nextOffsets)
    {
        _session.Dispose();
        try
        {
            _kv.CommitCookie = new TableCheckpoint(topic, nextOffsets, Count, ContentHash).ToBytes();
            if (!_kv.TryInitiateFullCheckpoint(out _, CheckpointType.FoldOver))
            {
                throw new InvalidOperationException("FASTER refused to start a checkpoint (one already running?)");
            }
            _kv.CompleteCheckpointAsync().AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            _session = NewSession();
        }
    }

    private void RecountRows()
    {
        long count = 0;
        ulong hash = 0;
        using (var iterator = _session.Iterate())
        {
            while (iterator.GetNext(out _))
            {
                count++;
                hash += RowHash.Of(iterator.GetKey().AsReadOnlySpan(), iterator.GetValue().AsReadOnlySpan());
            }
        }
        Count = count;
        ContentHash = hash;
    }

    private ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>> NewSession() =>
        _kv.For(new SpanByteFunctions_ByteArrayOutput<Empty>()).NewSession<SpanByteFunctions_ByteArrayOutput<Empty>>();

    public void Dispose()
    {
        _session.Dispose();
        _kv.Dispose();
        _log.Dispose();
    }
}
