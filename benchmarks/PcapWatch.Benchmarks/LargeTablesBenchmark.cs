using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using PcapWatch.Ingest;
using PcapWatch.Kafka;
using PcapWatch.Packets;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>tables [--rows N] [--partitions P] [--program PATH] [--verbose]</c>: N employees and N computers (1 in 10
/// watched) in a broker of their own (<c>pcapwatch broker</c>, pinned with this process to one core), and
/// <c>pcapwatch run</c> as a process alone on the other core. Its table loader's rows per second and CPU per row (the
/// process's CPU time from the loader's start to the tables current, from /proc), against a bare consumer that reads the
/// same topics to their end as a process on the same core (the floor); the restart over the checkpoint written at
/// shutdown, from process start to tables current and to joining the pcap group (serving: the changelog reconciled too);
/// and the service process's resident memory when the tables are current. <c>--verbose</c> shows the service's log with
/// the milliseconds since its process started.
/// </summary>
internal static class LargeTablesBenchmark
{
    public static int Run(string[] args)
    {
        int rows = BenchmarkArgs.Int(args, "--rows", 1_000_000);
        // The embedded broker keeps ~5 MiB per partition: enough partitions that nothing is dropped (~100 B a row).
        int partitions = BenchmarkArgs.Int(args, "--partitions", Math.Max(1, (int)(rows * 100L / (3L * 1024 * 1024)) + 1));
        var topics = TopicNames.Default;
        var program = ServiceProcess.ProgramPath(args);
        CpuPinning.PinThisProcess(CpuPinning.BrokerCore);
        // The watched-MAC changelog (a tenth of the rows, ~150 B each) too, or the restart's reconcile finds records gone.
        using var broker = PinnedBroker.Start(program, new Dictionary<string, int>
        {
            [topics.Pcap] = 1, [topics.Employees] = partitions, [topics.Computers] = partitions, [topics.Changelog] = Math.Max(1, partitions / 2),
        });
        var load = Stopwatch.StartNew();
        using (var publisher = new RecordPublisher(broker.BootstrapServers))
        {
            publisher.Publish(topics.Employees, Enumerable.Range(0, rows).Select(i => Row($"e{i}",
                $$"""{"key":"e{{i}}","name":"Employee {{i}}","watch_flag":"{{(i % 10 == 0 ? "YES" : "NO")}}"}""", i)));
            publisher.Publish(topics.Computers, Enumerable.Range(0, rows).Select(i => Row($"c{i}",
                $$"""{"comp_id":{{i}},"empkey":"e{{i}}","macaddr":"{{new MacAddress(0x02_0000_000000L + i)}}"}""", i)));
        }
        Console.WriteLine($"tables: {rows:N0} employees + {rows:N0} computers over {partitions} partitions each, pre-loaded in {load.Elapsed.TotalSeconds:F1} s; "
            + $"broker and this process on core {CpuPinning.BrokerCore}, each reader alone on core {CpuPinning.ConsumerCore}; pcapwatch: {program}");

        var bare = BareRead(broker.BootstrapServers, [topics.Employees, topics.Computers], 2L * rows);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bare consumer: {bare.PacketsPerSecond:N0} rows/s, {bare.CpuMicrosecondsPerPacket:F2} µs CPU per row ({bare.Seconds:F2} s)"));
        // The tools' reader (report, who, the changelog reconcile): to the end by position, on the same topics.
        var snapshotClock = Stopwatch.StartNew();
        long snapshotRows = 0;
        foreach (var topic in new[] { topics.Employees, topics.Computers }) TopicSnapshot.Read(broker.BootstrapServers, topic, null, null, _ => snapshotRows++);
        double snapshot = snapshotClock.Elapsed.TotalSeconds;
        Console.WriteLine($"TopicSnapshot (this process, the broker's core): {snapshotRows / snapshot:N0} rows/s ({snapshot:F2} s, {snapshotRows:N0} rows)");

        var stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-tables-" + Guid.NewGuid().ToString("N"));
        bool verbose = args.Contains("--verbose");
        // --attribution capture-time: the same tables kept as versioned tables as well (what that mode costs).
        var attribution = BenchmarkArgs.Text(args, "--attribution") ?? "latest";
        try
        {
            var first = UntilTablesCurrent(program, broker.BootstrapServers, stateDir, attribution, verbose);
            double cpuPerRow = first.LoaderCpuSeconds * 1e6 / (2.0 * rows);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pcapwatch, empty state: {2.0 * rows / first.Loader.TotalSeconds:N0} rows/s, {cpuPerRow:F2} µs CPU per row (loader {first.Loader.TotalSeconds:F2} s, {first.FromStart.TotalSeconds:F2} s from process start), {first.Watched:N0} watched MACs, RSS {Mb(first.Rss)} MB"));
            var restart = UntilTablesCurrent(program, broker.BootstrapServers, stateDir, attribution, verbose);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pcapwatch, restart from checkpoint: {restart.FromStart.TotalSeconds:F2} s from process start to tables current, {restart.Serving.TotalSeconds:F2} s to joining the pcap group, RSS {Mb(restart.Rss)} MB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT tables rows={rows} load_rows_per_s={2.0 * rows / first.Loader.TotalSeconds:F0} bare_rows_per_s={bare.PacketsPerSecond:F0} "
                + $"restart_s={restart.FromStart.TotalSeconds:F2} rss_mb={Mb(first.Rss)} ratio_bare={bare.Seconds / first.Loader.TotalSeconds:F2} "
                + $"restart_serving_s={restart.Serving.TotalSeconds:F2} "
                + $"load_from_start_s={first.FromStart.TotalSeconds:F2} restart_rss_mb={Mb(restart.Rss)} snapshot_rows_per_s={2.0 * rows / snapshot:F0} "
                + $"watched_macs={first.Watched} attribution={attribution} pinned=1 load_cpu_us_per_row={cpuPerRow:F3} "
                + $"bare_cpu_us_per_row={bare.CpuMicrosecondsPerPacket:F3} cpu_ratio_bare={cpuPerRow / bare.CpuMicrosecondsPerPacket:F2}"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
        }
    }

    /// <param name="Serving">From process start to joining the pcap group: the tables current and the changelog reconciled.</param>
    /// <param name="LoaderCpuSeconds">The process's CPU time from the loader's first line to the tables current.</param>
    private readonly record struct TablesCurrent(TimeSpan FromStart, TimeSpan Loader, long Rss, long Watched, TimeSpan Serving = default,
        double LoaderCpuSeconds = 0);

    private static readonly Regex CurrentLine = new(@"Tables current after (\d+) ms: \d+ employees, \d+ computers, (\d+) watched MACs");

    /// <summary>
    /// Starts the service, notes when its log says the tables are current (and its memory then), waits until it joins
    /// the pcap group (stopping before that would skip the shutdown checkpoint), and stops it.
    /// </summary>
    private static TablesCurrent UntilTablesCurrent(string program, string bootstrap, string stateDir, string attribution, bool verbose)
    {
        TablesCurrent? current = null;
        TimeSpan serving = default;
        double loadingCpu = 0;
        using var joined = new ManualResetEventSlim();
        ServiceProcess? service = null;
        using var started = new ManualResetEventSlim();
        service = ServiceProcess.Start(program,
            ["run", "--bootstrap-servers", bootstrap, "--state-dir", stateDir, "--group-id", "tables-" + Guid.NewGuid().ToString("N"),
                "--attribution", attribution, "--status-interval", "0"],
            (elapsed, line) =>
            {
                if (verbose) Console.WriteLine($"  {elapsed.TotalMilliseconds,6:F0} ms  {line}");
                if (line.Contains("Loading tables ", StringComparison.Ordinal))
                {
                    started.Wait();
                    loadingCpu = service!.CpuTime().TotalSeconds;
                }
                if (CurrentLine.Match(line) is { Success: true } m)
                {
                    started.Wait();
                    double cpu = service!.CpuTime().TotalSeconds;
                    current = new TablesCurrent(elapsed, TimeSpan.FromMilliseconds(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)),
                        service.ResidentBytes(), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), LoaderCpuSeconds: cpu - loadingCpu);
                }
                if (line.Contains("Joining ", StringComparison.Ordinal))
                {
                    serving = elapsed;
                    joined.Set();
                }
            }, CpuPinning.ConsumerCore);
        started.Set();
        using (service)
        {
            while (!joined.Wait(100))
            {
                if (service.HasExited) throw new InvalidOperationException($"pcapwatch run exited with {service.ExitCode} before joining");
            }
            service.Stop(TimeSpan.FromMinutes(2));
        }
        return (current ?? throw new InvalidOperationException("the service never said its tables were current")) with { Serving = serving };
    }

    /// <summary>
    /// The floor: every record of the topics read by a bare consumer in a process of its own on the consumer's core, its
    /// CPU from its first record to its last (<c>e2e-consumer --warm-up 0</c>).
    /// </summary>
    private static SteadyWindow BareRead(string bootstrap, string[] topics, long expected)
    {
        var start = CpuPinning.On(CpuPinning.ConsumerCore, CpuPinning.ThisProgram, ["e2e-consumer", "--kind", "inplace", "--bootstrap", bootstrap,
            "--topic", string.Join(",", topics), "--packets", expected.ToString(CultureInfo.InvariantCulture), "--warm-up", "0"]);
        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"bare: {e.Data}"); };
        process.BeginErrorReadLine();
        string? result = null;
        for (var line = process.StandardOutput.ReadLine(); line is not null; line = process.StandardOutput.ReadLine())
        {
            if (line.StartsWith("RESULT e2e-consumer ", StringComparison.Ordinal)) result = line;
        }
        process.WaitForExit();
        return SteadyWindow.Parse(SteadyWindow.FieldsOf(result ?? throw new InvalidOperationException("the bare consumer failed")), "");
    }

    private static InputRecord Row(string key, string json, long line) =>
        new(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(json), line);

    private static long Mb(long bytes) => bytes / (1024 * 1024);
}
