using System.Text;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Tables;

/// <summary>Checkpoint and recovery of a table store on disk, and refusal of checkpoints that cannot be trusted.</summary>
public class FasterTableStoreTests
{
    private string _dir = null!;

    [SetUp]
    public void Folder() => _dir = Path.Combine(Path.GetTempPath(), "pcapwatch-store-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void Remove()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        foreach (var setAside in SetAside()) Directory.Delete(setAside, recursive: true);
    }

    /// <summary>The folders a replaced store was moved to, beside <see cref="_dir"/>.</summary>
    private string[] SetAside() => Directory.GetDirectories(Path.GetDirectoryName(_dir)!, Path.GetFileName(_dir) + ".set-aside-*");

    /// <summary>Every file under a folder, by relative path, with its bytes.</summary>
    private static Dictionary<string, byte[]> Files(string dir) => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private FasterTableStore Reopen(out TableCheckpoint? checkpoint, out string? problem) =>
        FasterTableStore.Open(_dir, 1L << 10, out checkpoint, out problem);

    [Test]
    public void Empty_folder_opens_empty_without_a_problem()
    {
        using var store = Reopen(out var checkpoint, out var problem);
        Assert.That((checkpoint, problem, store.Count), Is.EqualTo(((TableCheckpoint?)null, (string?)null, 0L)));
    }

    [Test]
    public void Checkpoint_recovers_rows_and_offsets_and_not_what_came_after()
    {
        using (var store = FasterTableStore.Create(_dir, 1L << 10))
        {
            for (int i = 0; i < 5000; i++) store.Upsert($"k{i}", B($"value {i}"));
            store.Delete("k7");
            store.Upsert("k8", B("changed"));
            store.Checkpoint("employees", new Dictionary<int, long> { [0] = 5002, [1] = 17 });
            store.Upsert("after", B("not in the checkpoint"));
            store.Delete("k9");
        }

        using var recovered = Reopen(out var checkpoint, out var problem);
        Assert.That(problem, Is.Null);
        Assert.That(checkpoint!.Topic, Is.EqualTo("employees"));
        Assert.That(checkpoint.NextOffsets, Is.EquivalentTo(new Dictionary<int, long> { [0] = 5002, [1] = 17 }));
        Assert.That(recovered.Count, Is.EqualTo(4999));
        Assert.That(recovered.Read("k7"), Is.Null);
        Assert.That(Encoding.UTF8.GetString(recovered.Read("k8")!), Is.EqualTo("changed"));
        Assert.That(Encoding.UTF8.GetString(recovered.Read("k9")!), Is.EqualTo("value 9"));
        Assert.That(recovered.Read("after"), Is.Null);
        var rows = new Dictionary<string, string>();
        recovered.ForEachRow((key, value) => rows.Add(Encoding.UTF8.GetString(key), Encoding.UTF8.GetString(value)));
        Assert.That(rows, Has.Count.EqualTo(4999));
        Assert.That((rows["k8"], rows["k9"], rows.ContainsKey("k7")), Is.EqualTo(("changed", "value 9", false)));
    }

    [Test]
    public void A_scan_shows_exactly_the_live_rows_after_any_updates_deletes_checkpoints_and_recovery()
    {
        // Keys written once are visited in place, repeated ones settled by their latest record: after any updates,
        // deletes, re-inserts, checkpoints and a recovery, the scan must show exactly the live rows.
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 30], Gen.Int[0, 1000]).List[1, 300].Sample(ops =>
        {
            var dir = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
            var expected = new Dictionary<string, string>();
            using (var store = FasterTableStore.Create(dir, 1L << 10))
            {
                foreach (var (kind, key, value) in ops)
                {
                    if (kind == 0) store.Delete($"k{key}");
                    else store.Upsert($"k{key}", B($"v{value}"));
                    if (kind == 0) expected.Remove($"k{key}");
                    else expected[$"k{key}"] = $"v{value}";
                    if (value % 97 == 0) store.Checkpoint("t", new Dictionary<int, long> { [0] = value });
                }
                AssertLiveRows(store, expected);
                store.Checkpoint("t", new Dictionary<int, long> { [0] = 1 });
            }
            using var recovered = FasterTableStore.Open(dir, 1L << 10, out _, out var problem);
            Assert.That(problem, Is.Null);
            AssertLiveRows(recovered, expected);
        }, iter: 150);
    }

    [Test]
    public void A_store_whose_rows_were_each_written_once_is_scanned_in_one_pass_and_says_so_across_recovery()
    {
        Gen.Int[0, 100_000].List[1, 200].Sample(keys =>
        {
            var dir = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
            var expected = keys.Distinct().ToDictionary(k => $"k{k}", k => $"v{k}");
            using (var store = FasterTableStore.Create(dir, 1L << 10))
            {
                foreach (var (key, value) in expected) store.Upsert(key, B(value));
                store.Delete("absent"); // deleting what is not there writes nothing
                Assert.That(store.FirstWritesOnly, Is.True);
                store.Checkpoint("t", new Dictionary<int, long> { [0] = 1 });
            }
            using (var recovered = FasterTableStore.Open(dir, 1L << 10, out _, out var problem))
            {
                Assert.That((problem, recovered.FirstWritesOnly), Is.EqualTo(((string?)null, true)));
                AssertLiveRows(recovered, expected);
                // One replacement and the log may hold two records for a key: the general scan from then on.
                var first = expected.Keys.First();
                recovered.Upsert(first, B("changed"));
                expected[first] = "changed";
                Assert.That(recovered.FirstWritesOnly, Is.False);
                recovered.Checkpoint("t", new Dictionary<int, long> { [0] = 2 });
            }
            using var again = FasterTableStore.Open(dir, 1L << 10, out _, out var problemAgain);
            Assert.That((problemAgain, again.FirstWritesOnly), Is.EqualTo(((string?)null, false)));
            AssertLiveRows(again, expected);
        }, iter: 150);
    }

    private static void AssertLiveRows(FasterTableStore store, Dictionary<string, string> expected)
    {
        var rows = new Dictionary<string, string>();
        store.ForEachRow((key, value) => rows.Add(Encoding.UTF8.GetString(key), Encoding.UTF8.GetString(value)));
        Assert.That(rows, Is.EquivalentTo(expected));
    }

    [TestCase(1L << 14)]
    [TestCase(1L << 6)]
    public void A_store_recovers_whatever_index_size_the_next_start_asks_for(long nextBuckets)
    {
        // The service sizes a new store's index from its topic, which grows between starts; recovery keeps the size
        // the checkpoint was written with.
        using (var store = FasterTableStore.Create(_dir, 1L << 10))
        {
            for (int i = 0; i < 3000; i++) store.Upsert($"k{i}", B($"value {i}"));
            store.Checkpoint("t", new Dictionary<int, long> { [0] = 3000 });
        }
        using var recovered = FasterTableStore.Open(_dir, nextBuckets, out var checkpoint, out var problem);
        Assert.That((problem, recovered.Count, Encoding.UTF8.GetString(recovered.Read("k2999")!)), Is.EqualTo(((string?)null, 3000L, "value 2999")));
        recovered.Upsert("new", B("after"));
        Assert.That(Encoding.UTF8.GetString(recovered.Read("new")!), Is.EqualTo("after"));
    }

    [Test]
    public void Second_checkpoint_replaces_the_first()
    {
        using (var store = FasterTableStore.Create(_dir, 1L << 10))
        {
            store.Upsert("a", B("1"));
            store.Checkpoint("t", new Dictionary<int, long> { [0] = 1 });
            store.Upsert("b", B("2"));
            store.Checkpoint("t", new Dictionary<int, long> { [0] = 2 });
        }
        using var recovered = Reopen(out var checkpoint, out _);
        Assert.That(checkpoint!.NextOffsets[0], Is.EqualTo(2));
        Assert.That(recovered.Count, Is.EqualTo(2));
    }

    [Test]
    public void Garbage_in_the_checkpoint_folder_is_detected_and_the_store_starts_empty_with_the_old_one_set_aside_untouched()
    {
        using (var store = FasterTableStore.Create(_dir, 1L << 10))
        {
            store.Upsert("a", B("1"));
            store.Checkpoint("t", new Dictionary<int, long> { [0] = 1 });
        }
        var random = new Random(42);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_dir, "checkpoints"), "*", SearchOption.AllDirectories))
        {
            var garbage = new byte[Math.Max(16, (int)new FileInfo(file).Length)];
            random.NextBytes(garbage);
            File.WriteAllBytes(file, garbage);
        }
        var damaged = Files(_dir);
        using var recovered = Reopen(out var checkpoint, out var problem);
        Assert.That(checkpoint, Is.Null);
        Assert.That(recovered.Count, Is.Zero);
        Assert.That(recovered.Read("a"), Is.Null);
        var setAside = SetAside().Single();
        Assert.That(problem, Does.Contain("the old store is kept as " + setAside));
        // Every file of the damaged store, byte for byte (FASTER's attempt at recovering it may have added an empty one).
        Assert.That(damaged, Is.SubsetOf(Files(setAside)), "the damaged store is kept: a person may want it");
    }

    [Test]
    public void A_store_that_never_checkpointed_holds_nothing_to_keep_and_is_emptied_not_set_aside()
    {
        using (var store = FasterTableStore.Create(_dir, 1L << 10)) store.Upsert("a", B("1")); // a crash before the first checkpoint
        using var reopened = Reopen(out var checkpoint, out var problem);
        Assert.That((checkpoint, problem, reopened.Count), Is.EqualTo(((TableCheckpoint?)null, (string?)null, 0L)));
        Assert.That(SetAside(), Is.Empty);
    }

    [Test]
    public void Creating_over_a_checkpointed_store_sets_it_aside_and_says_where()
    {
        using (var store = FasterTableStore.Create(_dir, 1L << 10))
        {
            store.Upsert("a", B("1"));
            store.Checkpoint("t", new Dictionary<int, long> { [0] = 1 });
        }
        var before = Files(_dir);
        using (FasterTableStore.Create(_dir, 1L << 10, out var first)) Assert.That(first, Is.EqualTo(SetAside().Single()));
        Assert.That(Files(SetAside().Single()), Is.EquivalentTo(before));
        using (var again = FasterTableStore.Create(_dir, 1L << 10, out var second))
        {
            Assert.That(second, Is.Null, "the empty store just made held no checkpoint: nothing to keep");
            Assert.That(again.Count, Is.Zero);
        }
    }

    [Test]
    public void A_store_written_with_another_layout_is_never_recovered()
    {
        using (var store = FasterTableStore.Create(_dir, 1L << 10))
        {
            store.Upsert("a", B("1"));
            store.Checkpoint("t", new Dictionary<int, long> { [0] = 1 });
        }
        File.WriteAllText(Path.Combine(_dir, "layout"), "pcapwatch-faster-v1 page=12 memory=26 segment=28");
        using var recovered = Reopen(out var checkpoint, out var problem);
        Assert.That(checkpoint, Is.Null);
        Assert.That(problem, Does.Contain("layout").And.Contain("kept as"));
        Assert.That(recovered.Count, Is.Zero);
        Assert.That(File.ReadAllText(Path.Combine(SetAside().Single(), "layout")), Does.StartWith("pcapwatch-faster-v1"));
    }

    [Test]
    public void Content_hash_tracks_upserts_and_deletes_whatever_the_order()
    {
        using var a = FasterTableStore.Create(_dir + "-a", 1L << 10);
        using var b = FasterTableStore.Create(_dir + "-b", 1L << 10);
        try
        {
            a.Upsert("x", B("1"));
            a.Upsert("y", B("2"));
            a.Upsert("z", B("3"));
            a.Delete("z");
            b.Upsert("y", B("old"));
            b.Upsert("x", B("1"));
            b.Upsert("y", B("2"));
            Assert.That(a.ContentHash, Is.EqualTo(b.ContentHash));
            b.Upsert("y", B("3"));
            Assert.That(a.ContentHash, Is.Not.EqualTo(b.ContentHash));
        }
        finally
        {
            a.Dispose();
            b.Dispose();
            Directory.Delete(_dir + "-a", true);
            Directory.Delete(_dir + "-b", true);
        }
    }

    [Test]
    public void The_log_follows_the_live_rows_not_the_number_of_updates()
    {
        // FASTER updates rows in place while they sit in the mutable region; each checkpoint makes them read-only, so
        // every checkpoint after updates appends a copy of each updated row. 200 checkpoints of 2,000 updated rows
        // of ~130 bytes: ~50 MB of log without compaction.
        const int keys = 2000, rounds = 200;
        long written;
        using (var store = FasterTableStore.Create(_dir, 1L << 10))
        {
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < keys; k++) store.Upsert($"k{k}", B($"round {round} of row {k} " + new string('x', 64)));
                store.Checkpoint("t", new Dictionary<int, long> { [0] = round });
            }
            store.Delete("k0");
            store.Checkpoint("t", new Dictionary<int, long> { [0] = rounds });
            written = store.LogBytes;
            Assert.That(store.Compactions, Is.GreaterThan(0));
            Assert.That(written, Is.LessThan(4 * store.LiveBytes + (2L << 20)), $"log {written} B for {store.LiveBytes} B of live rows");
        }
        long onDisk = Directory.EnumerateFiles(_dir, "hlog.log*").Sum(f => new FileInfo(f).Length);
        Assert.That(onDisk, Is.LessThan(12L << 20), "segments below the begin address are deleted (4 MiB each)");

        using var reopened = Reopen(out var checkpoint, out var problem);
        Assert.That(problem, Is.Null);
        Assert.That(checkpoint!.NextOffsets[0], Is.EqualTo(rounds));
        Assert.That(reopened.Count, Is.EqualTo(keys - 1));
        Assert.That(reopened.Read("k0"), Is.Null, "a deleted row stays deleted through compaction");
        Assert.That(Encoding.UTF8.GetString(reopened.Read("k42")!), Does.StartWith($"round {rounds - 1} of row 42 "));
    }
}
