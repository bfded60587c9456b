using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PcapWatch.Ingest;
using PcapWatch.Kafka;
using PcapWatch.Packets;

namespace PcapWatch.Benchmarks;

/// <summary>
/// End to end through a broker of its own: N packets (mixed shapes, 1 in <c>--watch-every</c> from a watched MAC) are
/// pre-loaded into <c>pcapwatch broker</c>, a process pinned to one core (with this one); then each consumer under test
/// reads them all as a fresh process alone on the other core, as a user starts it: the floor (a bare Confluent.Kafka
/// consumer reading values in place), the same with <c>byte[]</c> values, PcapWatch's <c>run</c>, and Streamiz. Rounds
/// interleave them; medians are reported. Each is measured over its steady window (<see cref="SteadyWindow"/>): its rate,
/// and its CPU per packet — user and system time of the whole process, librdkafka's threads included.
/// </summary>
internal static class E2eBenchmark
{
    private const int WatchedComputers = 1000;
    private const long PartitionBudget = 4L * 1024 * 1024; // under the broker's ~5 MiB retention per partition
    private const string StreamizOutput = "streamiz-bench-out";
    private static readonly TimeSpan PassTimeout = TimeSpan.FromMinutes(10);

    public static int Run(string[] args)
    {
        int packets = BenchmarkArgs.Int(args, "--packets", 1_000_000);
        int watchEvery = BenchmarkArgs.Int(args, "--watch-every", 100);
        int rounds = BenchmarkArgs.Int(args, "--rounds", 3);
        var program = ServiceProcess.ProgramPath(args);
        // --warm-up F: the share of each run left out of its steady window (0.2; more for a window clear of tier-up).
        WarmUp = BenchmarkArgs.Text(args, "--warm-up") is { } warmUp ? double.Parse(warmUp, CultureInfo.InvariantCulture) : SteadyWindow.WarmUpFraction;
        ServiceEnvironment = BenchmarkArgs.Text(args, "--pcapwatch-env")?.Split(',').Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        CpuPinning.PinThisProcess(CpuPinning.BrokerCore);
        var templates = SampleData.Recipe().Concat(SampleData.TsharkJson()).Concat(SampleData.TsharkEk()).Where(SampleData.HasPlainEthSrc).ToArray();
        long totalBytes = Enumerable.Range(0, packets).Sum(i => (long)templates[i % templates.Length].Length);
        // Whole runs per partition, so that none holds more than the broker keeps (runs fall unevenly otherwise).
        long runs = (packets + InRuns.RunLength - 1) / InRuns.RunLength;
        long runsPerPartition = Math.Max(1, PartitionBudget / (InRuns.RunLength * (totalBytes / packets + 1)));
        int partitions = (int)Math.Min(Service.PipelineProgress.MaxPartitions, (runs + runsPerPartition - 1) / runsPerPartition);
        Console.WriteLine($"e2e: {packets:N0} packets, {totalBytes / 1e6:F0} MB, {partitions} pcap partitions, 1 in {watchEvery} from a watched "
            + $"MAC; broker and this process on core {CpuPinning.BrokerCore}, each consumer alone on core {CpuPinning.ConsumerCore}; pcapwatch: {program}");
        var topics = TopicNames.Default;
        // One broker: the mock serves a cluster from one thread, and with three it fell to a tenth of the rate here.
        using var broker = PinnedBroker.Start(program, new Dictionary<string, int> { [topics.Pcap] = partitions, [StreamizOutput] = 1 });
        var load = Stopwatch.StartNew();
        long expectedMatches = Preload(broker.BootstrapServers, topics, templates, packets, watchEvery, partitions);
        Console.WriteLine($"pre-loaded in {load.Elapsed.TotalSeconds:F1} s");

        var done = new List<Round>();
        using var output = new OutputWatermarks(broker.BootstrapServers, topics.Output);
        for (int round = 1; round <= rounds; round++)
        {
            var perf = BenchmarkArgs.Text(args, "--perf");
            var busy = new BrokerLoad(broker);
            if (args.Contains("--batch-floor"))
            {
                Console.WriteLine($"round {round}: batch consume (experiment):     {Bare(broker.BootstrapServers, "batch", packets, null)}; {busy.Next()}");
            }
            var bytes = Bare(broker.BootstrapServers, "bytes", packets, null);
            Console.WriteLine($"round {round}: bare consumer, byte[] values:   {bytes}; {busy.Next()}");
            var inPlace = Bare(broker.BootstrapServers, "inplace", packets, perf is null ? null : $"{perf}.floor.{round}");
            Console.WriteLine($"round {round}: bare consumer, values in place: {inPlace}; {busy.Next()}");
            var ours = PcapWatch(program, broker.BootstrapServers, output, expectedMatches, packets,
                perf is null ? null : $"{perf}.{round}", ServiceEnvironment);
            Console.WriteLine($"round {round}: pcapwatch run:                  {ours}; {busy.Next()}");
            // --baseline-program P: another build of PcapWatch (an earlier revision, published the same way) in every round,
            // so that a change is judged against what it replaces on the same broker, minutes apart at most.
            Pass? baseline = null;
            if (BenchmarkArgs.Text(args, "--baseline-program") is { } baselineProgram)
            {
                baseline = PcapWatch(baselineProgram, broker.BootstrapServers, output, expectedMatches, packets, null, null);
                Console.WriteLine($"round {round}: baseline pcapwatch run:         {baseline}; {busy.Next()}");
            }
            done.Add(new Round(bytes, inPlace, ours) { Baseline = baseline });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: ratio_inplace={done[^1].RatioInPlace:F2} cpu_ratio_inplace={done[^1].CpuRatioInPlace:F2} ratio_bare={done[^1].RatioBare:F2}")
                + (baseline is null ? "" : string.Create(CultureInfo.InvariantCulture, $" cpu_ratio_baseline={done[^1].CpuRatioBaseline:F2}")));
        }
        Pass? streamiz = null;
        if (!args.Contains("--no-streamiz"))
        {
            PreloadWatchedByMac(broker.BootstrapServers, topics);
            using var streamizOutput = new OutputWatermarks(broker.BootstrapServers, StreamizOutput);
            var start = CpuPinning.On(CpuPinning.ConsumerCore, CpuPinning.ThisProgram,
                ["e2e-consumer", "--kind", "streamiz", "--bootstrap", broker.BootstrapServers, "--output", StreamizOutput]);
            var result = JoinerPass.Measure(start, streamizOutput, expectedMatches, packets, null, PassTimeout, WarmUp);
            streamiz = new Pass(result.LastOutput, result.FirstOutput, result.Window);
            Console.WriteLine($"streamiz:                                      {streamiz}");
        }
        Console.WriteLine(Result(packets, watchEvery, done, streamiz));
        return 0;
    }

    /// <summary>How busy the broker's core was since the last call: whether a consumer waited for the broker, or the broker for it.</summary>
    private sealed class BrokerLoad(PinnedBroker broker)
    {
        private double _cpu = broker.CpuSeconds;
        private long _steal = StealTicks();
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public string Next()
        {
            double cpu = broker.CpuSeconds, seconds = _clock.Elapsed.TotalSeconds;
            long steal = StealTicks();
            // Time the hypervisor gave the consumer's core to someone else (USER_HZ ticks of 10 ms).
            var text = string.Create(CultureInfo.InvariantCulture,
                $"broker core {100 * (cpu - _cpu) / seconds:F0} % busy over the pass, consumer core stolen {(steal - _steal) * 10.0 / (10 * seconds):F0} %");
            (_cpu, _steal) = (cpu, steal);
            _clock.Restart();
            return text;
        }

        private static long StealTicks()
        {
            var line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith($"cpu{CpuPinning.ConsumerCore} ", StringComparison.Ordinal));
            var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 8 } ? long.Parse(fields[8], CultureInfo.InvariantCulture) : 0;
        }
    }

    /// <summary>One consumer's pass: from its process start to its last record (or match), and its steady window.</summary>
    private readonly record struct Pass(double ColdSeconds, double FirstSeconds, SteadyWindow Window)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Window.PacketsPerSecond:N0} packets/s steady, {Window.CpuMicrosecondsPerPacket:F2} µs CPU per packet, cold {ColdSeconds:F2} s "
            + $"(first {FirstSeconds:F2} s), {Window.AllocatedPerPacket:F1} B allocated per packet, {Window.JitCompiled} methods JIT-compiled in the window");
    }

    /// <summary>One round: the byte[] bare consumer, the floor, then PcapWatch, over the same packets.</summary>
    private readonly record struct Round(Pass Bytes, Pass InPlace, Pass PcapWatch)
    {
        public double RatioInPlace => PcapWatch.Window.PacketsPerSecond / InPlace.Window.PacketsPerSecond;
        public double RatioBare => PcapWatch.Window.PacketsPerSecond / Bytes.Window.PacketsPerSecond;
        public double CpuRatioInPlace => PcapWatch.Window.CpuMicrosecondsPerPacket / InPlace.Window.CpuMicrosecondsPerPacket;
        public double ColdRatioInPlace => InPlace.ColdSeconds / PcapWatch.ColdSeconds;

        /// <summary>The same service from another build (--baseline-program), in the same round.</summary>
        public Pass? Baseline { get; init; }

        public double CpuRatioBaseline => PcapWatch.Window.CpuMicrosecondsPerPacket / Baseline!.Value.Window.CpuMicrosecondsPerPacket;
    }

    private static Dictionary<string, string>? ServiceEnvironment;
    private static double WarmUp = SteadyWindow.WarmUpFraction;

    private static string Result(int packets, int watchEvery, List<Round> rounds, Pass? streamiz)
    {
        double M(Func<Round, double> f) => MedianOf(rounds.Select(f));
        var ours = rounds.Select(r => r.PcapWatch).ToList();
        var floor = rounds.Select(r => r.InPlace).ToList();
        var bytes = rounds.Select(r => r.Bytes).ToList();
        double oursCold = MedianOf(ours.Select(p => p.ColdSeconds));
        string Streamiz(Func<Pass, double> f, string format) => streamiz is { } s ? f(s).ToString(format, CultureInfo.InvariantCulture) : "n/a";
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT e2e packets={packets} watch_every={watchEvery} pinned=1 rounds={rounds.Count} warm_up={WarmUp} "
            + $"pcapwatch_pps={packets / oursCold:F0} pcapwatch_steady_pps={MedianOf(ours.Select(p => p.Window.PacketsPerSecond)):F0} "
            + $"bare_steady_pps={MedianOf(bytes.Select(p => p.Window.PacketsPerSecond)):F0} "
            + $"inplace_steady_pps={MedianOf(floor.Select(p => p.Window.PacketsPerSecond)):F0} "
            + $"streamiz_pps={Streamiz(s => packets / s.ColdSeconds, "F0")} streamiz_steady_pps={Streamiz(s => s.Window.PacketsPerSecond, "F0")} "
            + $"ratio_inplace={M(r => r.RatioInPlace):F2} ratio_bare={M(r => r.RatioBare):F2} "
            + $"ratio_streamiz={Streamiz(s => s.ColdSeconds / oursCold, "F2")} "
            + $"cpu_us_per_packet={MedianOf(ours.Select(p => p.Window.CpuMicrosecondsPerPacket)):F3} "
            + $"inplace_cpu_us_per_packet={MedianOf(floor.Select(p => p.Window.CpuMicrosecondsPerPacket)):F3} "
            + $"bare_cpu_us_per_packet={MedianOf(bytes.Select(p => p.Window.CpuMicrosecondsPerPacket)):F3} "
            + $"streamiz_cpu_us_per_packet={Streamiz(s => s.Window.CpuMicrosecondsPerPacket, "F3")} "
            + $"cpu_ratio_inplace={M(r => r.CpuRatioInPlace):F2} cold_s={oursCold:F2} "
            + $"inplace_cold_s={MedianOf(floor.Select(p => p.ColdSeconds)):F2} cold_ratio_inplace={M(r => r.ColdRatioInPlace):F2} "
            + $"inplace_ratio_streamiz={Streamiz(s => s.ColdSeconds / MedianOf(floor.Select(p => p.ColdSeconds)), "F2")} "
            + $"first_match_s={MedianOf(ours.Select(p => p.FirstSeconds)):F3} "
            + $"alloc_bytes_per_packet={MedianOf(ours.Select(p => p.Window.AllocatedPerPacket)):F1} "
            + $"inplace_alloc_bytes_per_packet={MedianOf(floor.Select(p => p.Window.AllocatedPerPacket)):F1} "
            + $"bare_alloc_bytes_per_packet={MedianOf(bytes.Select(p => p.Window.AllocatedPerPacket)):F1} "
            + $"jit_in_window={MedianOf(ours.Select(p => (double)p.Window.JitCompiled)):F0} "
            + $"inplace_jit_in_window={MedianOf(floor.Select(p => (double)p.Window.JitCompiled)):F0}")
            + (rounds[0].Baseline is null ? "" : string.Create(CultureInfo.InvariantCulture,
                $" baseline_cpu_us_per_packet={MedianOf(rounds.Select(r => r.Baseline!.Value.Window.CpuMicrosecondsPerPacket)):F3} "
                + $"cpu_ratio_baseline={M(r => r.CpuRatioBaseline):F2} baseline_cold_s={MedianOf(rounds.Select(r => r.Baseline!.Value.ColdSeconds)):F2}"));
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>A bare consumer (<c>bytes</c> or <c>inplace</c>) as a fresh process on the consumer's core; it measures itself.</summary>
    private static Pass Bare(string bootstrap, string kind, int packets, string? perfData)
    {
        var start = CpuPinning.On(CpuPinning.ConsumerCore, CpuPinning.ThisProgram,
            ["e2e-consumer", "--kind", kind, "--bootstrap", bootstrap, "--packets", packets.ToString(CultureInfo.InvariantCulture),
                "--warm-up", WarmUp.ToString(CultureInfo.InvariantCulture)]);
        if (perfData is not null) ForPerf(start);
        using var process = Process.Start(start)!;
        // perf follows only the threads there are when it attaches: librdkafka's start with the first fetch (~0.25 s).
        if (perfData is not null) Thread.Sleep(500);
        using var perf = perfData is null ? null : PerfRecord.Attach(process.Id, perfData);
        string? result = null;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"{kind}: {e.Data}"); };
        process.BeginErrorReadLine();
        for (var line = process.StandardOutput.ReadLine(); line is not null; line = process.StandardOutput.ReadLine())
        {
            if (line.StartsWith("RESULT e2e-consumer ", StringComparison.Ordinal)) result = line;
        }
        if (!process.WaitForExit(PassTimeout) || process.ExitCode != 0 || result is null)
        {
            throw new InvalidOperationException($"the {kind} consumer failed (exit {(process.HasExited ? process.ExitCode : -1)})");
        }
        var fields = SteadyWindow.FieldsOf(result);
        return new Pass(double.Parse(fields["last_record_s"], CultureInfo.InvariantCulture),
            double.Parse(fields["first_record_s"], CultureInfo.InvariantCulture), SteadyWindow.Parse(fields, ""));
    }

    /// <summary>
    /// <c>pcapwatch run</c> as a user starts it, on the consumer's core, with a fresh state dir and a new group: from its
    /// process start (tables loaded, group joined) to its last match, and its steady window by its output.
    /// </summary>
    private static Pass PcapWatch(string program, string bootstrap, OutputWatermarks output, long expectedMatches, int packets,
        string? perfData, Dictionary<string, string>? environment)
    {
        var stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-bench-" + Guid.NewGuid().ToString("N"));
        int port = FreePort();
        try
        {
            var start = CpuPinning.On(CpuPinning.ConsumerCore, program, ["run", "--bootstrap-servers", bootstrap, "--state-dir", stateDir,
                "--group-id", "pcapwatch-bench-" + Guid.NewGuid().ToString("N"), "--status-interval", "0",
                "--metrics-port", port.ToString(CultureInfo.InvariantCulture)]);
            // --perf FILE: a CPU profile of the window (FILE.ROUND), the JIT's code named through its perf map.
            if (perfData is not null) ForPerf(start);
            // --pcapwatch-env K=V,…: environment for the program's process (runtime knobs, JIT logs), not the baseline's, so
            // that a knob is judged against the same build without it in the same rounds (BASELINE_REV=HEAD).
            foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
            var result = JoinerPass.Measure(start, output, expectedMatches, packets, new Uri($"http://127.0.0.1:{port}/metrics"), PassTimeout,
                WarmUp, perfData);
            return new Pass(result.LastOutput, result.FirstOutput, result.Window);
        }
        finally
        {
            if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
        }
    }

    /// <summary>
    /// The JIT's code named in perf's profile: a perf map, and no double mapping of code pages (with W^X on, perf sees
    /// the code in an anonymous file and cannot name it).
    /// </summary>
    private static void ForPerf(ProcessStartInfo start)
    {
        start.Environment["DOTNET_PerfMapEnabled"] = "1";
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The tables (1,000 watched computers) and the packets, spread evenly over the partitions; the matches expected.</summary>
    private static long Preload(string bootstrap, TopicNames topics, byte[][] templates, int packets, int watchEvery, int partitions)
    {
        using var publisher = new RecordPublisher(bootstrap);
        publisher.Publish(topics.Employees, Enumerable.Range(0, WatchedComputers).Select(i => Row($"e{i}",
            $$"""{"key":"e{{i}}","name":"Employee {{i}}","watch_flag":"YES"}""")));
        publisher.Publish(topics.Computers, Enumerable.Range(0, WatchedComputers).Select(i => Row($"c{i}",
            $$"""{"comp_id":{{i}},"empkey":"e{{i}}","macaddr":"{{WatchedMac(i)}}"}""")));
        // Keyed by packet number: Streamiz's stream-table join drops records with a null key (PcapWatch and the bare
        // consumer ignore keys), and a key is what a capture agent usually sets anyway.
        // 1 in watchEvery sent by a watched computer, and as many sent to one (what it receives: read with --names, for
        // its DNS answers); every other address nobody's.
        var pcap = Enumerable.Range(0, packets).Select(i => new InputRecord(System.Text.Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)),
            SampleData.WithEthSrcAndDst(templates[i % templates.Length],
                i % watchEvery == 0 ? WatchedMac(i / watchEvery % WatchedComputers) : new MacAddress(0x06_0000_000000L + i),
                i % watchEvery == watchEvery / 2 ? WatchedMac(i / watchEvery % WatchedComputers) : new MacAddress(0x0A_0000_000000L + i)),
            i));
        publisher.Publish(topics.Pcap, pcap, new InRuns(partitions));
        return Enumerable.Range(0, packets).Count(i => i % watchEvery == 0);
    }

    /// <summary>The watched-by-MAC table Streamiz joins against, in the bytes PcapWatch's changelog writes.</summary>
    private static void PreloadWatchedByMac(string bootstrap, TopicNames topics)
    {
        using var publisher = new RecordPublisher(bootstrap);
        publisher.Publish(topics.Changelog, Enumerable.Range(0, WatchedComputers).Select(i =>
        {
            var owner = new Index.WatchedComputer(WatchedMac(i), $"c{i}", $"{i}", $"e{i}", $"Employee {i}", $"e{i}");
            return new InputRecord(System.Text.Encoding.UTF8.GetBytes(owner.MacText), global::PcapWatch.Changelog.ChangelogValue.Encode(owner), i);
        }));
    }

    private static MacAddress WatchedMac(int i) => new(0x02_5057_000000L + i);

    private static InputRecord Row(string key, string json) =>
        new(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(json), 0);



    /// <summary>
    /// Spreads records evenly, so that no partition exceeds the broker's retention, in runs of <see cref="RunLength"/>
    /// consecutive records per partition, so that the producer writes them as batches of that many. The mock broker answers
    /// a fetch with one batch per partition: records sent one to a partition in turn made every fetch a few hundred
    /// records, and the passes measured round trips; a real broker fills a fetch up to its byte limits whatever the batches.
    /// </summary>
    private sealed class InRuns(int partitions) : IPublishPacer
    {
        public const int RunLength = 256;
        private long _next;
        public int WaitForRoom(int bytes, CancellationToken cancel) => (int)(_next++ / RunLength % partitions);
    }
}
