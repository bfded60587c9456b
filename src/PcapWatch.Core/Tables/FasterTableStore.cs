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

    /// <summary>The hash index size for about <paramref name="rows"/> rows: a bucket per four (a power of two, 1 Ki to 4 Mi).</summary>
    public static long IndexBucketsFor(long rows) =>
        Math.Clamp((long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, rows / 4)), 1L << 10, 1L << 22);

    /// <summary>
    /// A new, empty store in <paramref name="directory"/>. A store already there is set aside beside it (see
    /// <see cref="StoreDirectory.SetAside"/>), never deleted; throws <see cref="StoreUnavailableException"/> when the file
    /// system does not allow it.
    /// </summary>
    /// <param name="indexBuckets">Hash index size in 64-byte buckets (a power of two); size it to the row count.</param>
    public static FasterTableStore Create(string directory, long indexBuckets = 1L << 16) => Create(directory, indexBuckets, out _);

    /// <inheritdoc cref="Create(string, long)"/>
    /// <param name="setAsideAs">Where the store that was there now is (null: there was none worth keeping).</param>
    public static FasterTableStore Create(string directory, long indexBuckets, out string? setAsideAs)
    {
        StoreDirectory.RequireUsable(directory);
        setAsideAs = StoreDirectory.SetAside(directory, HasCheckpoint(directory));
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, LayoutFile), Layout);
            return new FasterTableStore(directory, indexBuckets);
        }
        catch (Exception ex) when (StorageFaults.IsEnvironment(ex))
        {
            throw StoreUnavailableException.For(directory, "creating a store", ex);
        }
    }

    /// <summary>
    /// Opens the store and recovers its latest checkpoint. When there is none, or it cannot be trusted (another layout,
    /// FASTER refuses it, its rows do not match the saved count and hash), the folder is wiped and the store starts
    /// empty; <paramref name="problem"/> then says why (null when there simply was no checkpoint).
    /// </summary>
    /// <param name="recoveredRows">Shown every recovered row during the scan that verifies them, so that whatever is
    /// derived from the rows needs no second scan. When <paramref name="problem"/> is set afterwards, what it saw is
    /// not the store's content: the caller must discard it.</param>
    public static FasterTableStore Open(string directory, long indexBuckets, out TableCheckpoint? recovered, out string? problem,
        RowVisitor? recoveredRows = null) => Open(directory, () => indexBuckets, out recovered, out problem, recoveredRows);

    /// <param name="indexBuckets">The index size for a new store, asked only when one has to be made: a recovered store
    /// keeps its checkpoint's (sizing it from the topic costs a round trip per partition).</param>
    public static FasterTableStore Open(string directory, Func<long> indexBuckets, out TableCheckpoint? recovered, out string? problem,
        RowVisitor? recoveredRows = null) =>
        Verify(Recover(directory), directory, indexBuckets, out recovered, out problem, recoveredRows);

    /// <summary>
    /// The first half of <see cref="Open"/>: FASTER's recovery of the latest checkpoint, no row read yet. Touches nothing
    /// but the folder, so it may run on another thread while another store is opened (the service overlaps the two
    /// tables this way); <see cref="Verify"/> finishes it.
    /// </summary>
    public static Recovery Recover(string directory)
    {
        StoreDirectory.RequireUsable(directory);
        if (!HasCheckpoint(directory)) return new Recovery(null, null, null);
        var layoutPath = Path.Combine(directory, LayoutFile);
        var layout = File.Exists(layoutPath) ? File.ReadAllText(layoutPath) : "(none)";
        if (layout != Layout) return new Recovery(null, null, $"store layout '{layout}' is not '{Layout}'");

        FasterTableStore? store = null;
        try
        {
            // Recovery brings the index back at the checkpoint's size; a large one asked for here would only be zeroed first.
            store = new FasterTableStore(directory, RecoveryIndexBuckets);
            store._kv.Recover();
            var checkpoint = TableCheckpoint.FromBytes(store._kv.RecoveredCommitCookie)
                ?? throw new InvalidDataException("the checkpoint carries no PcapWatch offsets");
            store.FirstWritesOnly = checkpoint.FirstWritesOnly;
            return new Recovery(store, checkpoint, null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            store?.Dispose();
            if (StorageFaults.IsEnvironment(ex)) throw StoreUnavailableException.For(directory, "recovering its checkpoint", ex);
            return new Recovery(null, null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>A store FASTER recovered (not yet verified), or why there is none (null problem: no checkpoint).</summary>
    public sealed record Recovery(FasterTableStore? Store, TableCheckpoint? Checkpoint, string? Problem);

    /// <summary>
    /// The second half of <see cref="Open"/>: scans the recovered rows against the checkpoint's count and hash. A store
    /// that was not recovered, or does not match, is set aside and replaced by a new empty one (<paramref name="problem"/>
    /// says why, and where the old one is). A fault of the file system throws <see cref="StoreUnavailableException"/>.
    /// </summary>
    public static FasterTableStore Verify(Recovery recovery, string directory, Func<long> indexBuckets, out TableCheckpoint? recovered,
        out string? problem, RowVisitor? recoveredRows = null)
    {
        recovered = null;
        problem = recovery.Problem;
        if (recovery is not { Store: { } store, Checkpoint: { } checkpoint }) return Replace(directory, indexBuckets(), ref problem);
        try
        {
            store.RecountRows(recoveredRows);
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
            store.Dispose();
            if (StorageFaults.IsEnvironment(ex)) throw StoreUnavailableException.For(directory, "verifying its rows", ex);
            problem = $"{ex.GetType().Name}: {ex.Message}";
            return Replace(directory, indexBuckets(), ref problem);
        }
    }

    private static FasterTableStore Replace(string directory, long indexBuckets, ref string? problem)
    {
        var store = Create(directory, indexBuckets, out var setAsideAs);
        if (problem is not null && setAsideAs is not null) problem += $"; the old store is kept as {setAsideAs}";
        return store;
    }

    private const long RecoveryIndexBuckets = 1L << 10;

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

    /// <summary>Estimated bytes the live rows take in the log.</summary>
    public long LiveBytes { get; private set; }

    /// <summary>Bytes of log between its begin and its tail (what a restart scans, about what the disk holds).</summary>
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

    /// <summary>Inserts or replaces the row under the UTF-8 <paramref name="keyBytes"/>; returns the previous value.</summary>
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
    /// hold more than the flag promised, the verifying count and hash of a recovery catch it and the store is not trusted.
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

    /// <summary>
    /// Takes a checkpoint that covers exactly the rows applied so far, and records <paramref name="nextOffsets"/> in it.
    /// The session is closed meanwhile: FASTER's checkpoint waits for every open session to move on, and this thread
    /// is the only user.
    /// </summary>
    /// <remarks>
    /// Every update appends to FASTER's log, so a table updated a million times would keep a million records on disk
    /// and scan them all at restart. When the log has grown past twice the live rows, the read-only part is compacted
    /// first (live rows copied to the tail, the begin address moved past the rest); the checkpoint then persists that
    /// and deletes the segments below the new begin. Disk use and restart time follow the live rows, not the history.
    /// </remarks>
    public void Checkpoint(string topic, Dictionary<int, long> nextOffsets)
    {
        // Checked before FASTER starts: its checkpoint never completes when a write fails, and the last one stays good.
        StoreDirectory.RequireSpace(_directory, CheckpointBytesAtMost(), "checkpointing the table");
        CompactIfWorthIt();
        _session.Dispose();
        try
        {
            _kv.CommitCookie = new TableCheckpoint(topic, nextOffsets, Count, ContentHash) { FirstWritesOnly = FirstWritesOnly }.ToBytes();
            if (!_kv.TryInitiateFullCheckpoint(out _, CheckpointType.FoldOver))
            {
                throw new InvalidOperationException("FASTER refused to start a checkpoint (one already running?)");
            }
            if (!_kv.CompleteCheckpointAsync().AsTask().Wait(CheckpointTimeout))
            {
                throw new StoreUnavailableException($"cannot use the state in {_directory} (checkpointing the table): not done after "
                    + $"{CheckpointTimeout.TotalMinutes:0} min (a full or failing disk?); the previous checkpoint is kept");
            }
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            if (StorageFaults.IsEnvironment(ex)) throw StoreUnavailableException.For(_directory, "checkpointing the table", ex.InnerException!);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException!);
            throw;
        }
        catch (Exception ex) when (ex is not StoreUnavailableException && StorageFaults.IsEnvironment(ex))
        {
            throw StoreUnavailableException.For(_directory, "checkpointing the table", ex);
        }
        finally
        {
            _session = NewSession();
        }
    }

    /// <summary>
    /// An upper bound on what a fold-over checkpoint writes: the log held in memory (the live rows again, should it
    /// compact first), the hash index with its overflow buckets, and a page of files and rounding.
    /// </summary>
    private long CheckpointBytesAtMost() =>
        (_kv.Log.TailAddress - _kv.Log.HeadAddress) + LiveBytes + (_kv.IndexSize + _kv.OverflowBucketCount) * 64 + (2L << PageSizeBits);

    private void CompactIfWorthIt()
    {
        if (!CompactionEnabled || LogBytes <= Math.Max(MinCompactBytes, CompactWhenLogExceedsLive * LiveBytes)) return;
        // Only the read-only region can be compacted; after the previous fold-over checkpoint that is nearly all of it.
        long until = _kv.Log.SafeReadOnlyAddress;
        if (until <= _kv.Log.BeginAddress) return;
        _session.Compact(until, CompactionType.Lookup);
        Compactions++;
    }

    private void RecountRows(RowVisitor? visit)
    {
        long count = 0, live = 0;
        ulong hash = 0;
        // One scan: FASTER's iteration builds a scratch store each time (tens of MB zeroed), a cost per scan.
        ForEachRow((key, value) =>
        {
            count++;
            hash += RowHash.Of(key, value);
            live += SizeInLog(key.Length, value.Length);
            visit?.Invoke(key, value);
        });
        Count = count;
        ContentHash = hash;
        LiveBytes = live;
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
