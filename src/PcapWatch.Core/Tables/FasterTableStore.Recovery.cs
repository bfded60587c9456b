using System.Text;
using FASTER.core;

namespace PcapWatch.Tables;

/// <summary>Making a store, and recovering one from its checkpoint only when its rows can be trusted.</summary>
public sealed unsafe partial class FasterTableStore
{
    /// <summary>
    /// The hash index size for about <paramref name="rows"/> rows: a bucket per four (a power of two, 1 Ki to 4 Mi).
    /// </summary>
    public static long IndexBucketsFor(long rows) =>
        Math.Clamp((long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, rows / 4)), 1L << 10, 1L << 22);

    /// <summary>
    /// A new, empty store in <paramref name="directory"/>. A store already there is set aside beside it (see
    /// <see cref="StoreDirectory.SetAside"/>), never deleted; throws <see cref="StoreUnavailableException"/> when the
    /// file system does not allow it.
    /// </summary>
    /// <param name="indexBuckets">Hash index size in 64-byte buckets (a power of two); size it to the row
    /// count.</param>
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
    /// The first half of <see cref="Open"/>: FASTER's recovery of the latest checkpoint, no row read yet. Touches
    /// nothing but the folder, so it may run on another thread while another store is opened (the service overlaps the
    /// two tables this way); <see cref="Verify"/> finishes it.
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
            // Recovery brings the index back at the checkpoint's size; a large one asked for here would only be zeroed
            // first.
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

    /// <summary>
    /// A store FASTER recovered (not yet verified), or why there is none (null problem: no checkpoint).
    /// </summary>
    public sealed record Recovery(FasterTableStore? Store, TableCheckpoint? Checkpoint, string? Problem);

    /// <summary>
    /// The second half of <see cref="Open"/>: scans the recovered rows against the checkpoint's count and hash. A store
    /// that was not recovered, or does not match, is set aside and replaced by a new empty one (<paramref
    /// name="problem"/> says why, and where the old one is). A fault of the file system throws <see
    /// cref="StoreUnavailableException"/>.
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
                    $"recovered {store.Count} rows (hash {store.ContentHash:x16}), the checkpoint says "
                        + $"{checkpoint.Rows} (hash {checkpoint.ContentHash:x16})");
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
}
