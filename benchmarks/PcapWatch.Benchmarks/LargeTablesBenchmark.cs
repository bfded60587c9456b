using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using PcapWatch.Ingest;
using PcapWatch.Kafka;
using PcapWatch.Packets;
using PcapWatch.Service;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>tables [--rows N] [--partitions P]</c>: N employees and N computers (1 in 10 watched) through the broker. The
/// rows per second the service loads until its tables are current, against a bare consumer reading the same topics to
/// their end in the same run; the restart from the checkpoint written at shutdown; and the memory it took (this
/// process's resident set before and after, the broker's data already in it). <c>--verbose</c> shows the service's log,
/// with milliseconds, to see where a start goes.
/// </summary>
internal static class LargeTablesBenchmark
{
    public static int Run(string[] args)
    {
        int rows = Arg(args, "--rows", 1_000_000);
        using var loggers = args.Contains("--verbose")
            ? new Serilog.Extensions.Logging.SerilogLoggerFactory(Serilog.ConsoleLoggerConfigurationExtensions.Console(
                new Serilog.LoggerConfiguration().WriteTo, outputTemplate: "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj}{NewLine}")
                .CreateLogger(), dispose: true)
            : null;
        // The embedded broker keeps ~5 MiB per partition: enough partitions that nothing is dropped (~100 B a row).
        int partitions = Arg(args, "--partitions", Math.Max(1, (int)(rows * 100L / (3L * 1024 * 1024)) + 1));
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

        var stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-tables-" + Guid.NewGuid().ToString("N"));
        try
        {
            long rssBefore = Rss();
            var (first, watched) = LoadUntilCurrent(broker.BootstrapServers, stateDir, loggers);
            long rssAfter = Rss();
            Console.WriteLine($"pcapwatch, empty state: {2.0 * rows / first.TotalSeconds:N0} rows/s ({first.TotalSeconds:F2} s), {watched:N0} watched MACs, RSS {Mb(rssBefore)} → {Mb(rssAfter)} MB");
            var (restart, _) = LoadUntilCurrent(broker.BootstrapServers, stateDir, loggers);
            Console.WriteLine($"pcapwatch, restart from checkpoint: {restart.TotalSeconds:F2} s");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT tables rows={rows} load_rows_per_s={2.0 * rows / first.TotalSeconds:F0} bare_rows_per_s={2.0 * rows / bare:F0} "
                + $"ratio_bare={bare / first.TotalSeconds:F2} snapshot_rows_per_s={2.0 * rows / snapshot:F0} restart_s={restart.TotalSeconds:F2} rss_before_mb={Mb(rssBefore)} "
                + $"rss_after_mb={Mb(rssAfter)} rss_delta_mb={Mb(rssAfter - rssBefore)} watched_macs={watched}"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
        }
    }

    /// <summary>Starts the service, times it until its tables are current, and stops it (a checkpoint at shutdown).</summary>
    private static (TimeSpan Elapsed, long Watched) LoadUntilCurrent(string bootstrap, string stateDir,
        Microsoft.Extensions.Logging.ILoggerFactory? loggers)
    {
        var service = new PcapWatchService(new PipelineOptions { BootstrapServers = bootstrap, StateDir = stateDir }, loggers);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var run = Task.Factory.StartNew(() => service.Run(stop.Token), TaskCreationOptions.LongRunning);
        while (!service.Progress.TablesCurrent && !run.IsCompleted) Thread.Sleep(1);
        var elapsed = clock.Elapsed;
        stop.Cancel();
        var summary = run.GetAwaiter().GetResult();
        return (elapsed, summary.WatchedMacs);
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

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }

    private static long Mb(long bytes) => bytes / (1024 * 1024);

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
