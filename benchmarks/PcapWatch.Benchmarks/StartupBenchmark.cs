using System.Globalization;
using PcapWatch.Broker;
using PcapWatch.Ingest;
using PcapWatch.Kafka;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>startup [--program PATH] [--runs N] [--verbose]</c>: the time from starting a <c>pcapwatch run</c> process to its
/// first match in the output topic, on the shipped sample tables (3 + 3 rows) and capture (148 packets) in the embedded
/// broker: with an empty state dir (a first start) and again over the state the previous run left (a restart). The
/// program is the Release build beside this repository unless <c>--program</c> names another (a ReadyToRun publish,
/// say). Each run is a new consumer group, so the packets are read from the beginning. Medians of N runs.
/// </summary>
internal static class StartupBenchmark
{
    public static int Run(string[] args)
    {
        bool verbose = args.Contains("--verbose");
        int runs = BenchmarkArgs.Int(args, "--runs", 5);
        var program = ServiceProcess.ProgramPath(args);
        using var broker = EmbeddedBroker.Start();
        var topics = TopicNames.Default;
        broker.CreateTopics(TopicLayout.For(topics));
        var samples = Path.Combine(ServiceProcess.RepositoryRoot(), "samples");
        using (var publisher = new RecordPublisher(broker.BootstrapServers))
        {
            publisher.Publish(topics.Employees, KeyedLines(Path.Combine(samples, "employees.txt")));
            publisher.Publish(topics.Computers, KeyedLines(Path.Combine(samples, "computers.txt")));
            publisher.Publish(topics.Pcap, SampleData.Lines(Path.Combine(samples, "netns-lan.json.ndjson")).Select((v, i) => new InputRecord(null, v, i)));
        }
        Console.WriteLine($"startup: {program}, {runs} runs");
        var first = new List<double>();
        var restart = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            var stateDir = Path.Combine(Path.GetTempPath(), "pcapwatch-startup-" + Guid.NewGuid().ToString("N"));
            try
            {
                first.Add(FirstMatch(program, broker.BootstrapServers, stateDir, verbose));
                restart.Add(FirstMatch(program, broker.BootstrapServers, stateDir, verbose));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run + 1}: first start {first[^1]:F3} s, restart {restart[^1]:F3} s"));
            }
            finally
            {
                if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT startup runs={runs} first_match_s={Median(first):F3} restart_first_match_s={Median(restart):F3} program={Path.GetFileName(Path.GetDirectoryName(program))}/{Path.GetFileName(program)}"));
        return 0;
    }

    // Each look is a watermark request per output partition to the broker, which lives in this process: looking every
    // millisecond kept a core of the two busy beside the service being timed, and slowed its start by ~50 ms. A look
    // every 5 ms adds at most 5 ms to the figure.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>Starts the program, returns the seconds until the output topic holds one more record, stops it.</summary>
    private static double FirstMatch(string program, string bootstrap, string stateDir, bool verbose)
    {
        using var output = new OutputWatermarks(bootstrap, TopicNames.Default.Output);
        long before = output.Total();
        // --verbose: the program's log lines, each with the milliseconds since the process was started.
        using var service = ServiceProcess.Start(program,
            ["run", "--bootstrap-servers", bootstrap, "--state-dir", stateDir, "--group-id", "startup-" + Guid.NewGuid().ToString("N")],
            (elapsed, line) => { if (verbose) Console.WriteLine($"  {elapsed.TotalMilliseconds,6:F0} ms  {line}"); });
        while (output.Total() <= before)
        {
            if (service.HasExited) throw new InvalidOperationException($"pcapwatch run exited with {service.ExitCode} before its first match");
            if (service.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("no match within 2 minutes");
            Thread.Sleep(PollInterval);
        }
        return service.Elapsed.TotalSeconds;
    }

    private static IEnumerable<InputRecord> KeyedLines(string path) => File.ReadLines(path).Select((line, i) =>
    {
        int colon = line.IndexOf(':');
        return new InputRecord(System.Text.Encoding.UTF8.GetBytes(line[..colon]), System.Text.Encoding.UTF8.GetBytes(line[(colon + 1)..]), i);
    });

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
