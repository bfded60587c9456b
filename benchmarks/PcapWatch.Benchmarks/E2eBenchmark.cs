using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using PcapWatch.Ingest;
using PcapWatch.Kafka;
using PcapWatch.Packets;
using PcapWatch.Service;

namespace PcapWatch.Benchmarks;

/// <summary>
/// End to end through the embedded broker: N packets (mixed shapes, ~1 % from watched MACs) are pre-loaded, then a
/// bare Confluent.Kafka consumer that only reads them and the PcapWatch service are each timed over the same topic.
/// </summary>
internal static class E2eBenchmark
{
    private const int WatchedComputers = 1000;
    private const long PartitionBudget = 4L * 1024 * 1024; // under the broker's ~5 MiB retention per partition

    public static int Run(string[] args)
    {
        int packets = Option(args, "--packets", 1_000_000);
        int watchEvery = Option(args, "--watch-every", 100);
        var templates = SampleData.Recipe().Concat(SampleData.TsharkJson()).Concat(SampleData.TsharkEk())
            .Where(HasPlainEthSrc).ToArray();
        long totalBytes = Enumerable.Range(0, packets).Sum(i => (long)templates[i % templates.Length].Length);
        int partitions = (int)Math.Min(PipelineProgressLimit, totalBytes / PartitionBudget + 2);

        Console.WriteLine($"e2e: {packets:N0} packets, {totalBytes / 1e6:F0} MB, {partitions} pcap partitions, 1 in {watchEvery} from a watched MAC");
        using var broker = EmbeddedBroker.Start();
        var topics = TopicNames.Default;
        broker.CreateTopic(topics.Employees, 1);
        broker.CreateTopic(topics.Computers, 1);
        broker.CreateTopic(topics.Pcap, partitions);
        broker.CreateTopic(topics.Output, 4);
        broker.CreateTopic(topics.Changelog, 1);
        foreach (var dlq in new[] { topics.PcapDeadLetters, topics.EmployeesDeadLetters, topics.ComputersDeadLetters }) broker.CreateTopic(dlq, 1);

        var load = Stopwatch.StartNew();
        long expectedMatches;
        using (var publisher = new RecordPublisher(broker.BootstrapServers))
        {
            publisher.Publish(topics.Employees, Enumerable.Range(0, WatchedComputers).Select(i => Row($"e{i}",
                $$"""{"key":"e{{i}}","name":"Employee {{i}}","watch_flag":"YES"}""")));
            publisher.Publish(topics.Computers, Enumerable.Range(0, WatchedComputers).Select(i => Row($"c{i}",
                $$"""{"comp_id":{{i}},"empkey":"e{{i}}","macaddr":"{{WatchedMac(i)}}"}""")));
            expectedMatches = Enumerable.Range(0, packets).Count(i => i % watchEvery == 0);
            var pcap = Enumerable.Range(0, packets).Select(i => new InputRecord(null,
                SampleData.WithEthSrc(templates[i % templates.Length], i % watchEvery == 0 ? WatchedMac(i / watchEvery % WatchedComputers) : new MacAddress(0x06_0000_000000L + i)),
                i));
            publisher.Publish(topics.Pcap, pcap, new RoundRobin(partitions));
        }
        Console.WriteLine($"pre-loaded in {load.Elapsed.TotalSeconds:F1} s");

        double bare = BareConsumer(broker.BootstrapServers, topics.Pcap, packets);
        Console.WriteLine($"bare consumer: {packets / bare:N0} packets/s ({bare:F2} s)");
        var (pcapwatch, summary) = PcapWatch(broker.BootstrapServers, packets);
        Console.WriteLine($"pcapwatch:     {packets / pcapwatch:N0} packets/s ({pcapwatch:F2} s), matches={summary.Matches} (expected {expectedMatches})");
        if (summary.Matches != expectedMatches)
        {
            Console.Error.WriteLine("pcapwatch produced the wrong number of matches");
            return 1;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT e2e packets={packets} pcapwatch_pps={packets / pcapwatch:F0} bare_pps={packets / bare:F0} streamiz_pps=n/a "
            + $"ratio_bare={bare / pcapwatch:F2} ratio_streamiz=n/a"));
        return 0;
    }

    private const int PipelineProgressLimit = Join.PipelineProgress.MaxPartitions;

    private static double BareConsumer(string bootstrap, string topic, int packets)
    {
        var config = ClientSettings.Consumer(bootstrap, "bare-" + Guid.NewGuid().ToString("N"));
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        var clock = Stopwatch.StartNew();
        consumer.Subscribe(topic);
        long count = 0, bytes = 0;
        while (count < packets)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null) continue;
            count++;
            bytes += r.Message.Value?.Length ?? 0;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        consumer.Close();
        return seconds;
    }

    private static (double Seconds, PipelineSummary Summary) PcapWatch(string bootstrap, int packets)
    {
        var stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-bench-" + Guid.NewGuid().ToString("N"));
        var service = new PcapWatchService(new PipelineOptions { BootstrapServers = bootstrap, StateDir = stateDir, GroupId = "pcapwatch-bench" });
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var run = Task.Factory.StartNew(() => service.Run(stop.Token), TaskCreationOptions.LongRunning);
        while (service.Progress.Packets < packets && !run.IsCompleted) Thread.Sleep(1);
        stop.Cancel();
        var summary = run.GetAwaiter().GetResult(); // includes the final flush of every match
        double seconds = clock.Elapsed.TotalSeconds;
        Directory.Delete(stateDir, recursive: true);
        return (seconds, summary);
    }

    private static MacAddress WatchedMac(int i) => new(0x02_5057_000000L + i);

    private static InputRecord Row(string key, string json) =>
        new(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(json), 0);

    private static bool HasPlainEthSrc(byte[] record)
    {
        var fields = new PacketFields();
        PacketExtractor.Extract(record, ref fields);
        var s = fields[PacketField.EthSrc];
        return s.Kind == FieldSliceKind.String && s.Length == 17;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int v) ? v : fallback;
    }

    /// <summary>Spreads records evenly so no partition exceeds the broker's retention.</summary>
    private sealed class RoundRobin(int partitions) : IPublishPacer
    {
        private int _next;
        public int WaitForRoom(int bytes, CancellationToken cancel) => _next++ % partitions;
    }
}
