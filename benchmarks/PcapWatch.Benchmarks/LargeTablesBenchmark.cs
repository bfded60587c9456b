using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using PcapWatch.Ingest;
using PcapWatch.Kafka;
using PcapWatch.Packets;
using System.Text.RegularExpressions;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>tables [--rows N] [--partitions P] [--program PATH] [--verbose]</c>: N employees and N computers (1 in 10
/// watched) in the embedded broker, and <c>pcapwatch run</c> as a process of its own against them. The rows per second
/// its table loader reads and applies until the tables are current (its own clock, from its start to current), against a
/// bare consumer reading the same topics to their end in the same run; the restart over the checkpoint written at
/// shutdown, from process start to tables current and to joining the pcap group (serving: the changelog reconciled
/// too); and the service process's resident memory when the tables are current.
/// <c>--verbose</c> shows the service's log with the milliseconds since its process started.
/// </summary>
internal static class LargeTablesBenchmark
{
    public static int Run(string[] args)
    {
        int rows = BenchmarkArgs.Int(args, "--rows", 1_000_000);
        // The embedded broker keeps ~5 MiB per partition: enough partitions that nothing is dropped (~100 B a row).
        int partitions = BenchmarkArgs.Int(args, "--partitions", Math.Max(1, (int)(rows * 100L / (3L * 1024 * 1024)) + 1));
        var topics = TopicNames.Default;
        using var broker = EmbeddedBroker.Start();
        var layout = TopicLayout.For(topics, pcap: 1, employees: partitions, computers: partitions);
        // The watched-MAC changelog (a tenth of the rows, ~150 B each) too, or the restart's reconcile finds records gone.
        layout[topics.Changelog] = Math.Max(1, partitions / 2);
        broker.CreateTopics(layout);
        var load = Stopwatch.StartNew();
        using (var publisher = new RecordPublisher(broker.BootstrapServers))
        {
            publisher.Publish(topics.Employees, Enumerable.Range(0, rows).Select(i => Row($"e{i}",
                $$"""{"key":"e{{i}}","name":"Employee {{i}}","watch_flag":"{{(i % 10 == 0 ? "YES" : "NO")}}"}""", i)));
            publisher.Publish(topics.Computers, Enumerable.Range(0, rows).Select(i => Row($"c{i}",
                $$"""{"comp_id":{{i}},"empkey":"e{{i}}","macaddr":"{{new MacAddress(0x02_0000_000000L + i)}}"}""", i)));
        }
        Console.WriteLine($"tables: {rows:N0} employees + {rows:N0} computers over {partitions} partitions each, pre-loaded in {load.Elapsed.TotalSeconds:F1} s");

        double bare = BareRead(broker.BootstrapServers, [topics.Employees, topics.Computers], 2L * rows);
        Console.WriteLine($"bare consumer: {2.0 * rows / bare:N0} rows/s ({bare:F2} s)");
        // The tools' reader (report, who, the changelog reconcile): to the end by position, on the same topics.
        var snapshotClock = Stopwatch.StartNew();
        long snapshotRows = 0;
        foreach (var topic in new[] { topics.Employees, topics.Computers }) TopicSnapshot.Read(broker.BootstrapServers, topic, null, null, _ => snapshotRows++);
        double snapshot = snapshotClock.Elapsed.TotalSeconds;
        Console.WriteLine($"TopicSnapshot: {snapshotRows / snapshot:N0} rows/s ({snapshot:F2} s, {snapshotRows:N0} rows)");

        var program = ServiceProcess.ProgramPath(args);
        var stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-tables-" + Guid.NewGuid().ToString("N"));
        bool verbose = args.Contains("--verbose");
        // --attribution capture-time: the same tables kept as versioned tables as well (what that mode costs).
        var attribution = BenchmarkArgs.Text(args, "--attribution") ?? "latest";
        try
        {
            var first = UntilTablesCurrent(program, broker.BootstrapServers, stateDir, attribution, verbose);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pcapwatch, empty state: {2.0 * rows / first.Loader.TotalSeconds:N0} rows/s (loader {first.Loader.TotalSeconds:F2} s, {first.FromStart.TotalSeconds:F2} s from process start), {first.Watched:N0} watched MACs, RSS {Mb(first.Rss)} MB"));
            var restart = UntilTablesCurrent(program, broker.BootstrapServers, stateDir, attribution, verbose);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pcapwatch, restart from checkpoint: {restart.FromStart.TotalSeconds:F2} s from process start to tables current, {restart.Serving.TotalSeconds:F2} s to joining the pcap group, RSS {Mb(restart.Rss)} MB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT tables rows={rows} load_rows_per_s={2.0 * rows / first.Loader.TotalSeconds:F0} bare_rows_per_s={2.0 * rows / bare:F0} "
                + $"restart_s={restart.FromStart.TotalSeconds:F2} rss_mb={Mb(first.Rss)} ratio_bare={bare / first.Loader.TotalSeconds:F2} "
                + $"restart_serving_s={restart.Serving.TotalSeconds:F2} "
                + $"load_from_start_s={first.FromStart.TotalSeconds:F2} restart_rss_mb={Mb(restart.Rss)} snapshot_rows_per_s={2.0 * rows / snapshot:F0} "
                + $"watched_macs={first.Watched} attribution={attribution}"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
        }
    }

    /// <param name="Serving">From process start to joining the pcap group: the tables current and the changelog reconciled.</param>
    private readonly record struct TablesCurrent(TimeSpan FromStart, TimeSpan Loader, long Rss, long Watched, TimeSpan Serving = default);

    private static readonly Regex CurrentLine = new(@"Tables current after (\d+) ms: \d+ employees, \d+ computers, (\d+) watched MACs");

    /// <summary>
    /// Starts the service, notes when its log says the tables are current (and its memory then), waits until it joins
    /// the pcap group (stopping before that would skip the shutdown checkpoint), and stops it.
    /// </summary>
    private static TablesCurrent UntilTablesCurrent(string program, string bootstrap, string stateDir, string attribution, bool verbose)
    {
        TablesCurrent? current = null;
        TimeSpan serving = default;
        using var joined = new ManualResetEventSlim();
        ServiceProcess? service = null;
        using var started = new ManualResetEventSlim();
        service = ServiceProcess.Start(program,
            ["run", "--bootstrap-servers", bootstrap, "--state-dir", stateDir, "--group-id", "tables-" + Guid.NewGuid().ToString("N"),
                "--attribution", attribution],
            (elapsed, line) =>
            {
                if (verbose) Console.WriteLine($"  {elapsed.TotalMilliseconds,6:F0} ms  {line}");
                if (CurrentLine.Match(line) is { Success: true } m)
                {
                    started.Wait();
                    current = new TablesCurrent(elapsed, TimeSpan.FromMilliseconds(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)),
                        service!.ResidentBytes(), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
                }
                if (line.Contains("Joining ", StringComparison.Ordinal))
                {
                    serving = elapsed;
                    joined.Set();
                }
            });
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

    /// <summary>Every partition of the topics from the beginning until all their records are read: nothing else done.</summary>
    private static double BareRead(string bootstrap, string[] topics, long expected)
    {
        var clock = Stopwatch.StartNew();
        var config = ClientSettings.Consumer(bootstrap, null);
        config.ConsumeResultFields = "none";
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Assign(topics.SelectMany(t => TopicPartitions.Of(consumer, t, TimeSpan.FromSeconds(30)))
            .Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        long count = 0;
        while (count < expected)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not null) count++;
        }
        return clock.Elapsed.TotalSeconds;
    }

    private static InputRecord Row(string key, string json, long line) =>
        new(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(json), line);

    private static long Mb(long bytes) => bytes / (1024 * 1024);
}
