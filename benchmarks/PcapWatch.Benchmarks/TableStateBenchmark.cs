using System.Diagnostics;
using System.Globalization;
using System.Text;
using PcapWatch.Index;
using PcapWatch.Tables;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>table-state [--keys N] [--updates M] [--shared-rows R]</c>: what the table side costs as history piles up.
/// <list type="bullet">
/// <item>Log growth: N keys written once vs N keys updated M times (a checkpoint after every N updates, as a busy table
/// gets one each interval): FASTER log bytes on disk and restart (recover + verify) time, and their ratios; and the
/// same updates with compaction off, as the baseline.</item>
/// <item>Shared MAC: R computer rows with one MAC vs R rows with distinct MACs, loaded as the table loader does
/// (index recomputed once per batch), and the old immediate recompute on a tenth of them for contrast.</item>
/// </list>
/// </summary>
internal static class TableStateBenchmark
{
    public static int Run(string[] args)
    {
        int keys = BenchmarkArgs.Int(args, "--keys", 10_000), updates = BenchmarkArgs.Int(args, "--updates", 1_000_000), shared = BenchmarkArgs.Int(args, "--shared-rows", 50_000);
        var root = Path.Combine(Path.GetTempPath(), "pcapwatch-table-state-" + Environment.ProcessId);
        try
        {
            var once = LogGrowth(Path.Combine(root, "once"), keys, keys, compact: true);
            var many = LogGrowth(Path.Combine(root, "many"), keys, updates, compact: true);
            var uncompacted = LogGrowth(Path.Combine(root, "uncompacted"), keys, updates, compact: false);
            Console.WriteLine($"RESULT log keys={keys} updates={updates} once_disk_mb={Mb(once.Disk)} many_disk_mb={Mb(many.Disk)} "
                + $"disk_ratio={(double)many.Disk / once.Disk:F2} once_restart_s={once.Restart.TotalSeconds:F3} many_restart_s={many.Restart.TotalSeconds:F3} "
                + $"restart_ratio={many.Restart / once.Restart:F2} compactions={many.Compactions} write_s={many.Write.TotalSeconds:F1} "
                + $"uncompacted_disk_mb={Mb(uncompacted.Disk)} uncompacted_restart_s={uncompacted.Restart.TotalSeconds:F3}");

            var distinct = LoadComputers(Path.Combine(root, "distinct"), shared, sharedMac: false, deferred: true);
            var oneMac = LoadComputers(Path.Combine(root, "shared"), shared, sharedMac: true, deferred: true);
            int small = Math.Max(1, shared / 10);
            var oldWay = LoadComputers(Path.Combine(root, "old"), small, sharedMac: true, deferred: false);
            Console.WriteLine($"RESULT shared-mac rows={shared} distinct_s={distinct.TotalSeconds:F3} shared_s={oneMac.TotalSeconds:F3} "
                + $"ratio={oneMac / distinct:F2} immediate_recompute_rows={small} immediate_s={oldWay.TotalSeconds:F3}");
            return 0;
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static (long Disk, TimeSpan Restart, int Compactions, TimeSpan Write) LogGrowth(string dir, int keys, int updates, bool compact)
    {
        var write = Stopwatch.StartNew();
        int compactions;
        using (var store = FasterTableStore.Create(dir, 1L << 14))
        {
            store.CompactionEnabled = compact;
            for (int i = 0; i < updates; i++)
            {
                int key = i % keys;
                store.Upsert("emp-" + key, Encoding.UTF8.GetBytes($"{{\"key\":\"emp-{key}\",\"name\":\"Employee {key}\",\"watch_flag\":\"{(i % 3 == 0 ? "YES" : "NO")}\",\"v\":{i}}}"));
                if (key == keys - 1) store.Checkpoint("employees", new Dictionary<int, long> { [0] = i + 1 });
            }
            store.Checkpoint("employees", new Dictionary<int, long> { [0] = updates });
            compactions = store.Compactions;
        }
        write.Stop();
        long disk = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var restart = Stopwatch.StartNew();
        using (var reopened = FasterTableStore.Open(dir, 1L << 14, out var checkpoint, out var problem))
        {
            if (problem is not null || checkpoint is null || reopened.Count != keys) throw new InvalidOperationException($"recovery failed: {problem}");
        }
        return (disk, restart.Elapsed, compactions, write.Elapsed);
    }

    private static TimeSpan LoadComputers(string dir, int rows, bool sharedMac, bool deferred)
    {
        using var employees = FasterTableStore.Create(Path.Combine(dir, "e"), 1L << 14);
        using var computers = FasterTableStore.Create(Path.Combine(dir, "c"), 1L << 16);
        var maintainer = new WatchIndexMaintainer(employees, computers);
        for (int e = 0; e < 100; e++)
        {
            maintainer.Apply(new TableChange<EmployeeRow>($"{e}", new EmployeeRow($"{e}", $"Employee {e}", e % 10 == 0 ? "YES" : "NO")));
        }
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < rows; i++)
        {
            // The loader applies batches of up to 10,000 changes and recomputes the index once per batch.
            if (deferred && i % 10_000 == 0) maintainer.Defer();
            var mac = sharedMac ? "00:00:00:00:00:00" : $"02:00:{i >> 24 & 0xff:x2}:{i >> 16 & 0xff:x2}:{i >> 8 & 0xff:x2}:{i & 0xff:x2}";
            maintainer.Apply(new TableChange<ComputerRow>($"c{i}", new ComputerRow($"c{i}", $"{i}", $"{i % 100}", mac)));
        }
        maintainer.Flush();
        return clock.Elapsed;
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
}
