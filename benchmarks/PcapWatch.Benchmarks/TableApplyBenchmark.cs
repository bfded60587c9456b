using System.Diagnostics;
using System.Globalization;
using System.Text;
using PcapWatch.Index;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>table-apply [--rows N]</c>: the table side alone, no Kafka: N employees (1 in 10 watched) then N computers parsed
/// and applied as the loader does (batches of 1,000, index recomputed per batch) into FASTER on disk; a checkpoint; the
/// index rebuilt from the stores; and both stores reopened (recovery and the verifying scan). What is left of the
/// `tables` benchmark's time once the broker and the consumer are taken away, and a place to profile it.
/// </summary>
internal static class TableApplyBenchmark
{
    public static int Run(string[] args)
    {
        int rows = BenchmarkArgs.Int(args, "--rows", 1_000_000);
        var employeeRows = Enumerable.Range(0, rows).Select(i => (Encoding.UTF8.GetBytes($"e{i}"),
            Encoding.UTF8.GetBytes($$"""{"key":"e{{i}}","name":"Employee {{i}}","watch_flag":"{{(i % 10 == 0 ? "YES" : "NO")}}"}"""))).ToArray();
        var computerRows = Enumerable.Range(0, rows).Select(i => (Encoding.UTF8.GetBytes($"c{i}"),
            Encoding.UTF8.GetBytes($$"""{"comp_id":{{i}},"empkey":"e{{i}}","macaddr":"{{new MacAddress(0x02_0000_000000L + i)}}"}"""))).ToArray();
        var dir = Path.Combine(Path.GetTempPath(), "pcapwatch-table-apply-" + Environment.ProcessId);
        try
        {
            TimeSpan employeesTime, computersTime, checkpoint, rebuild, maps;
            var pause = GC.GetTotalPauseDuration();
            using (var employees = FasterTableStore.Create(Path.Combine(dir, "e"), 1L << 16))
            using (var computers = FasterTableStore.Create(Path.Combine(dir, "c"), 1L << 16))
            {
                var maintainer = new WatchIndexMaintainer(employees, computers);
                employeesTime = Time(() => Apply(employeeRows, (k, v) =>
                {
                    if (TableRecordParser.TryParseEmployee(k, true, v, false, out var e, out _)) maintainer.Apply(e);
                }, maintainer));
                computersTime = Time(() => Apply(computerRows, (k, v) =>
                {
                    if (TableRecordParser.TryParseComputer(k, true, v, false, out var c, out _)) maintainer.Apply(c);
                }, maintainer));
                checkpoint = Time(() =>
                {
                    employees.Checkpoint("employees", new() { [0] = rows });
                    computers.Checkpoint("computers", new() { [0] = rows });
                });
                // The index first (what packets need), then the reverse maps, which a restart makes on another thread.
                var restarted = new WatchIndexMaintainer(employees, computers);
                rebuild = Time(restarted.RebuildFromStores);
                maps = rebuild + Time(() => restarted.MapsBuilt.GetAwaiter().GetResult());
            }
            var gcPause = GC.GetTotalPauseDuration() - pause;
            var reopen = Time(() =>
            {
                using var e = FasterTableStore.Open(Path.Combine(dir, "e"), 1L << 16, out _, out var p1);
                using var c = FasterTableStore.Open(Path.Combine(dir, "c"), 1L << 16, out _, out var p2);
                if (p1 is not null || p2 is not null) throw new InvalidOperationException($"recovery failed: {p1}{p2}");
            });
            var firstLoad = FirstLoad(employeeRows, computerRows, Path.Combine(dir, "first"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT table-apply rows={rows} first_load_rows_per_s={2 * rows / firstLoad.Total.TotalSeconds:F0} first_load_parse_s={firstLoad.Parse.TotalSeconds:F2} "
                + $"first_load_store_s={firstLoad.Store.TotalSeconds:F2} first_load_index_s={firstLoad.Index.TotalSeconds:F2} "
                + $" employees_rows_per_s={rows / employeesTime.TotalSeconds:F0} computers_rows_per_s={rows / computersTime.TotalSeconds:F0} "
                + $"checkpoint_s={checkpoint.TotalSeconds:F2} rebuild_s={rebuild.TotalSeconds:F2} maps_s={maps.TotalSeconds:F2} reopen_s={reopen.TotalSeconds:F2} gc_pause_s={gcPause.TotalSeconds:F2}"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private readonly record struct FirstLoadTimes(TimeSpan Parse, TimeSpan Store, TimeSpan Index)
    {
        public TimeSpan Total => Parse + Store + Index;
    }

    /// <summary>
    /// As the table loader's first load into empty stores (the index buckets sized as the service sizes them): rows
    /// parsed into their stored form and written to the stores only, employees and computers interleaved as the topics'
    /// partitions deliver them, then the index and reverse maps made from the stores at the flush.
    /// </summary>
    private static FirstLoadTimes FirstLoad((byte[] Key, byte[] Value)[] employeeRows, (byte[] Key, byte[] Value)[] computerRows, string dir)
    {
        long buckets = FasterTableStore.IndexBucketsFor(employeeRows.Length);
        using var employees = FasterTableStore.Create(Path.Combine(dir, "e"), buckets);
        using var computers = FasterTableStore.Create(Path.Combine(dir, "c"), buckets);
        var maintainer = new WatchIndexMaintainer(employees, computers);
        if (!maintainer.TryLoadIntoEmptyStores()) throw new InvalidOperationException("the stores are not empty");
        var stored = new StoredChange();
        long parse = 0, store = 0;
        for (int i = 0; i < Math.Max(employeeRows.Length, computerRows.Length); i++)
        {
            if (i < employeeRows.Length) Load(TableName.Employees, employeeRows[i]);
            if (i < computerRows.Length) Load(TableName.Computers, computerRows[i]);
        }
        var index = Time(() =>
        {
            maintainer.Flush();
            maintainer.MapsBuilt.GetAwaiter().GetResult();
        });
        return new FirstLoadTimes(Stopwatch.GetElapsedTime(0, parse), Stopwatch.GetElapsedTime(0, store), index);

        void Load(TableName table, (byte[] Key, byte[] Value) row)
        {
            long start = Stopwatch.GetTimestamp();
            bool parsed = table == TableName.Employees
                ? TableRecordParser.TryParseEmployee(row.Key, true, row.Value, false, stored, out _)
                : TableRecordParser.TryParseComputer(row.Key, true, row.Value, false, stored, out _);
            long parsedAt = Stopwatch.GetTimestamp();
            if (!parsed) throw new InvalidOperationException("a generated row was refused");
            maintainer.Apply(table, stored);
            parse += parsedAt - start;
            store += Stopwatch.GetTimestamp() - parsedAt;
        }
    }

    private delegate void RowApplier(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>As the table loader: changes deferred within a batch, the affected MACs recomputed at its end.</summary>
    private static void Apply((byte[] Key, byte[] Value)[] rows, RowApplier apply, WatchIndexMaintainer maintainer)
    {
        for (int batch = 0; batch < rows.Length; batch += 1000)
        {
            maintainer.Defer();
            for (int i = batch; i < Math.Min(rows.Length, batch + 1000); i++) apply(rows[i].Key, rows[i].Value);
            maintainer.Flush();
        }
    }

    private static TimeSpan Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }
}
