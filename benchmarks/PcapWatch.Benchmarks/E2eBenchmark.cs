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
        int packets = BenchmarkArgs.Int(args, "--packets", 1_000_000);
        var instanceCounts = BenchmarkArgs.Text(args, "--instances") is { } list ? list.Split(',').Select(int.Parse).ToArray() : [1];
        int watchEvery = BenchmarkArgs.Int(args, "--watch-every", 100);
        var templates = SampleData.Recipe().Concat(SampleData.TsharkJson()).Concat(SampleData.TsharkEk())
            .Where(HasPlainEthSrc).ToArray();
        long totalBytes = Enumerable.Range(0, packets).Sum(i => (long)templates[i % templates.Length].Length);
        int partitions = (int)Math.Min(PipelineProgressLimit, totalBytes / PartitionBudget + 2);

        Console.WriteLine($"e2e: {packets:N0} packets, {totalBytes / 1e6:F0} MB, {partitions} pcap partitions, 1 in {watchEvery} from a watched MAC");
        using var broker = EmbeddedBroker.Start();
        var topics = TopicNames.Default;
        broker.CreateTopics(TopicLayout.For(topics, pcap: partitions));

        var load = Stopwatch.StartNew();
        long expectedMatches;
        using (var publisher = new RecordPublisher(broker.BootstrapServers))
        {
            publisher.Publish(topics.Employees, Enumerable.Range(0, WatchedComputers).Select(i => Row($"e{i}",
                $$"""{"key":"e{{i}}","name":"Employee {{i}}","watch_flag":"YES"}""")));
            publisher.Publish(topics.Computers, Enumerable.Range(0, WatchedComputers).Select(i => Row($"c{i}",
                $$"""{"comp_id":{{i}},"empkey":"e{{i}}","macaddr":"{{WatchedMac(i)}}"}""")));
            expectedMatches = Enumerable.Range(0, packets).Count(i => i % watchEvery == 0);
            // Keyed by packet number: Streamiz's stream-table join drops records with a null key (PcapWatch and the bare
            // consumer ignore keys), and a key is what a capture agent usually sets anyway.
            var pcap = Enumerable.Range(0, packets).Select(i => new InputRecord(System.Text.Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)),
                SampleData.WithEthSrc(templates[i % templates.Length], i % watchEvery == 0 ? WatchedMac(i / watchEvery % WatchedComputers) : new MacAddress(0x06_0000_000000L + i)),
                i));
            publisher.Publish(topics.Pcap, pcap, new RoundRobin(partitions));
        }
        Console.WriteLine($"pre-loaded in {load.Elapsed.TotalSeconds:F1} s");

        // --profile: PcapWatch alone, for a profiler attached to this process (dotnet-trace collect -- …).
        bool profile = args.Contains("--profile");
        // --consumer KEY=VALUE,…: librdkafka properties for PcapWatch's consumers, to try a setting against the same run.
        var consumerProperties = BenchmarkArgs.Text(args, "--consumer")?.Split(',').Select(kv => kv.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1]);
        // --rounds N: the three passes N times, interleaved; each round's ratios are from passes minutes apart at most,
        // and the medians are reported (on this shared machine one consumer's rate moves by half within minutes).
        int rounds = BenchmarkArgs.Int(args, "--rounds", profile || instanceCounts.Length > 1 ? 1 : 3);
        var done = new List<Round>();
        for (int round = 1; round <= rounds; round++)
        {
            if (rounds > 1) Console.WriteLine($"round {round} of {rounds}");
            var outcome = RunRound(broker, topics, packets, instanceCounts, expectedMatches, consumerProperties, profile, args.Contains("--alloc-types") && round == 1);
            if (outcome is not { } result) return 1;
            done.Add(result);
            if (rounds > 1)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: ratio_inplace={result.RatioInPlace:F2} ratio_bare={result.RatioBare:F2}"));
            }
        }
        var bare = Median(done, r => r.Bare);
        var inPlace = Median(done, r => r.InPlace);
        var pcapwatch = Median(done, r => r.PcapWatch);
        // The in-place bare consumer's cold rate against Streamiz: the most any pipeline on this client could show.
        string streamizPps = "n/a", ratioStreamiz = "n/a", inPlaceRatioStreamiz = "n/a";
        if (!args.Contains("--no-streamiz"))
        {
            PreloadWatchedByMac(broker, topics);
            const string streamizOutput = "streamiz-bench-out";
            broker.CreateTopic(streamizOutput, 1);
            double streamiz = StreamizJoin.Run(broker.BootstrapServers, topics, streamizOutput, expectedMatches, TimeSpan.FromMinutes(20));
            Console.WriteLine($"streamiz:      {packets / streamiz:N0} packets/s ({streamiz:F2} s)");
            streamizPps = (packets / streamiz).ToString("F0", CultureInfo.InvariantCulture);
            ratioStreamiz = (streamiz / pcapwatch.ColdSeconds).ToString("F2", CultureInfo.InvariantCulture);
            inPlaceRatioStreamiz = (streamiz / inPlace.ColdSeconds).ToString("F2", CultureInfo.InvariantCulture);
        }
        // Steady: first record consumed to last output; cold: from the pipeline's (or consumer's) start. first_match_s is
        // in this process, from the pipeline's start (the `startup` benchmark times a process of its own). Each figure is
        // the median over the rounds; ratio_inplace and ratio_bare are the medians of each round's own ratio.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT e2e packets={packets} pcapwatch_pps={pcapwatch.ColdPps:F0} pcapwatch_steady_pps={pcapwatch.SteadyPps:F0} "
            + $"bare_steady_pps={bare.SteadyPps:F0} inplace_steady_pps={inPlace.SteadyPps:F0} streamiz_pps={streamizPps} "
            + $"ratio_inplace={MedianOf(done.Select(r => r.RatioInPlace)):F2} ratio_bare={MedianOf(done.Select(r => r.RatioBare)):F2} "
            + $"ratio_streamiz={ratioStreamiz} alloc_bytes_per_packet={pcapwatch.AllocatedPerPacket:F1} "
            + $"inplace_alloc_bytes_per_packet={inPlace.AllocatedPerPacket:F1} first_match_s={pcapwatch.FirstMatchSeconds:F3} "
            + $"bare_alloc_bytes_per_packet={bare.AllocatedPerPacket:F1} inplace_ratio_streamiz={inPlaceRatioStreamiz} rounds={rounds}"));
        return 0;
    }

    /// <summary>One round: the byte[] bare consumer, the in-place one, then PcapWatch, over the same packets.</summary>
    private readonly record struct Round(Pass Bare, Pass InPlace, Pass PcapWatch)
    {
        public double RatioInPlace => PcapWatch.SteadyPps / InPlace.SteadyPps;
        public double RatioBare => PcapWatch.SteadyPps / Bare.SteadyPps;
    }

    /// <summary>The round whose <paramref name="pass"/> has the median steady rate (its other figures go with it).</summary>
    private static Pass Median(List<Round> rounds, Func<Round, Pass> pass)
    {
        var sorted = rounds.Select(pass).OrderBy(p => p.SteadySeconds).ToList();
        var middle = sorted[sorted.Count / 2];
        return middle with
        {
            ColdSeconds = MedianOf(sorted.Select(p => p.ColdSeconds)),
            AllocatedPerPacket = MedianOf(sorted.Select(p => p.AllocatedPerPacket)),
            FirstMatchSeconds = MedianOf(sorted.Select(p => p.FirstMatchSeconds)),
        };
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static Round? RunRound(EmbeddedBroker broker, TopicNames topics, int packets, int[] instanceCounts, long expectedMatches,
        Dictionary<string, string>? consumerProperties, bool profile, bool allocationTypes)
    {
        var bare = profile ? default : Counted(() => BareConsumer(broker.BootstrapServers, topics.Pcap, packets, inPlace: false));
        Console.WriteLine($"bare consumer, byte[] values:   {bare}");
        var inPlaceSampler = allocationTypes ? new AllocationSampler() : null;
        inPlaceSampler?.Start();
        var inPlace = profile ? default : Counted(() => BareConsumer(broker.BootstrapServers, topics.Pcap, packets, inPlace: true));
        inPlaceSampler?.Stop();
        inPlaceSampler?.Print(8);
        inPlaceSampler?.Dispose();
        Console.WriteLine($"bare consumer, values in place: {inPlace}");
        Pass pcapwatch = default;
        foreach (int instances in instanceCounts)
        {
            (Pass run, long matches) = default((Pass, long));
            using var sampler = allocationTypes ? new AllocationSampler() : null;
            sampler?.Start();
            run = Counted(() => { var r = PcapWatch(broker.BootstrapServers, packets, instances, expectedMatches, consumerProperties); matches = r.Matches; return r.Run; });
            sampler?.Stop();
            sampler?.Print(25);
            Console.WriteLine($"pcapwatch x{instances}: {run}, matches={matches} (expected {expectedMatches})");
            if (matches < expectedMatches)
            {
                Console.Error.WriteLine("pcapwatch produced fewer matches than expected");
                return null;
            }
            if (instances == instanceCounts[0]) pcapwatch = run;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT e2e-instances instances={instances} packets={packets} pcapwatch_pps={run.ColdPps:F0} ratio_bare={bare.ColdSeconds / run.ColdSeconds:F2}"));
        }
        return new Round(bare, inPlace, pcapwatch);
    }

    /// <summary>One timed pass over the packets: cold from the start, steady from the first record to the last output.</summary>
    private readonly record struct Pass(int Packets, double ColdSeconds, double SteadySeconds, double AllocatedPerPacket)
    {
        public string Collections { get; init; } = "";

        /// <summary>From the pipeline's start (in this process) to its first match.</summary>
        public double FirstMatchSeconds { get; init; }

        public double ColdPps => Packets / ColdSeconds;
        public double SteadyPps => Packets / SteadySeconds;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{ColdPps:N0} packets/s cold ({ColdSeconds:F2} s), {SteadyPps:N0}/s steady, {AllocatedPerPacket:F1} B allocated per packet, GCs {Collections}");
    }

    /// <summary>A pass with the garbage collections (gen0/gen1/gen2) it caused.</summary>
    private static Pass Counted(Func<Pass> pass)
    {
        int[] before = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var result = pass();
        return result with { Collections = $"{GC.CollectionCount(0) - before[0]}/{GC.CollectionCount(1) - before[1]}/{GC.CollectionCount(2) - before[2]}" };
    }

    /// <summary>The limit of any pipeline on this client: a value deserializer that reads the span and copies nothing.</summary>
    private sealed class LengthInPlace : IDeserializer<int>
    {
        public int Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => isNull ? 0 : data.Length;
    }

    private const int PipelineProgressLimit = Service.PipelineProgress.MaxPartitions;

    /// <summary>
    /// A consumer that does nothing with the records, as fast as Confluent.Kafka goes: byte[] values (a copy each), or
    /// values read in place by a deserializer. No topic name or headers marshalled (ConsumeResultFields=none).
    /// </summary>
    private static Pass BareConsumer(string bootstrap, string topic, int packets, bool inPlace)
    {
        var config = ClientSettings.Consumer(bootstrap, "bare-" + Guid.NewGuid().ToString("N"));
        config.ConsumeResultFields = "none";
        return inPlace
            ? Consume(new ConsumerBuilder<Ignore, int>(config).SetValueDeserializer(new LengthInPlace()).Build(), r => r.Message.Value)
            : Consume(new ConsumerBuilder<byte[]?, byte[]?>(config).Build(), r => r.Message.Value?.Length ?? 0);

        Pass Consume<TKey, TValue>(IConsumer<TKey, TValue> consumer, Func<ConsumeResult<TKey, TValue>, int> size)
        {
            using (consumer)
            {
                var clock = Stopwatch.StartNew();
                consumer.Subscribe(topic);
                long count = 0, bytes = 0, allocatedBefore = 0;
                TimeSpan first = default;
                while (count < packets)
                {
                    var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
                    if (r is null) continue;
                    if (count++ == 0)
                    {
                        first = clock.Elapsed;
                        allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                    }
                    bytes += size(r);
                }
                var end = clock.Elapsed;
                double perPacket = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)(packets - 1);
                consumer.Close();
                return new Pass(packets, end.TotalSeconds, (end - first).TotalSeconds, perPacket);
            }
        }
    }

    /// <summary>
    /// <paramref name="instances"/> services in one new consumer group (in this process, each on its own thread with
    /// its own state dir), timed from start until together they consumed every packet and flushed every match.
    /// </summary>
    private static (Pass Run, long Matches) PcapWatch(string bootstrap, int packets, int instances, long expectedMatches,
        IReadOnlyDictionary<string, string>? consumerProperties)
    {
        var group = "pcapwatch-bench-" + Guid.NewGuid().ToString("N");
        var stateDirs = Enumerable.Range(0, instances).Select(_ => Path.Combine(Path.GetTempPath(), "pcapwatch-bench-" + Guid.NewGuid().ToString("N"))).ToArray();
        var services = stateDirs.Select((dir, i) => new PcapWatchService(new PipelineOptions
        {
            BootstrapServers = bootstrap, StateDir = dir, GroupId = group, InstanceId = $"bench-{i}",
            ConsumerProperties = consumerProperties,
        })).ToArray();
        using var output = new OutputWatermarks(bootstrap, TopicNames.Default.Output);
        long outputBefore = output.Total();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var runs = services.Select(s => Task.Factory.StartNew(() => s.Run(stop.Token), TaskCreationOptions.LongRunning)).ToArray();
        TimeSpan? first = null, firstMatch = null;
        while (services.Sum(s => s.Progress.Packets) < packets && !runs.Any(r => r.IsCompleted))
        {
            if (first is null && services.Any(s => s.Progress.Packets > 0)) first = clock.Elapsed;
            if (firstMatch is null && services.Any(s => s.Progress.Matches > 0)) firstMatch = clock.Elapsed;
            Thread.Sleep(1);
        }
        // The last output: every match acknowledged by the broker (the topic's end moved by all of them), before the
        // instances are stopped (closing clients and the final checkpoint are not the pipeline's rate).
        while (output.Total() < outputBefore + expectedMatches && !runs.Any(r => r.IsCompleted)) Thread.Sleep(1);
        var end = clock.Elapsed;
        stop.Cancel();
        var summaries = runs.Select(r => r.GetAwaiter().GetResult()).ToArray();
        foreach (var dir in stateDirs) Directory.Delete(dir, recursive: true);
        double perPacket = services.Sum(s => s.Progress.LoopAllocatedBytes) / (double)packets;
        return (new Pass(packets, end.TotalSeconds, (end - (first ?? end)).TotalSeconds, perPacket) { FirstMatchSeconds = (firstMatch ?? end).TotalSeconds },
            summaries.Sum(s => s.Matches));
    }

    /// <summary>The watched-by-MAC table Streamiz joins against, in the bytes PcapWatch's changelog writes.</summary>
    private static void PreloadWatchedByMac(EmbeddedBroker broker, TopicNames topics)
    {
        using var publisher = new RecordPublisher(broker.BootstrapServers);
        publisher.Publish(topics.Changelog, Enumerable.Range(0, WatchedComputers).Select(i =>
        {
            var owner = new Index.WatchedComputer(WatchedMac(i), $"c{i}", $"{i}", $"e{i}", $"Employee {i}", $"e{i}");
            return new InputRecord(System.Text.Encoding.UTF8.GetBytes(owner.MacText), Index.ChangelogValue.Encode(owner), i);
        }));
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


    /// <summary>Spreads records evenly so no partition exceeds the broker's retention.</summary>
    private sealed class RoundRobin(int partitions) : IPublishPacer
    {
        private int _next;
        public int WaitForRoom(int bytes, CancellationToken cancel) => _next++ % partitions;
    }
}
