using System.Diagnostics;
using System.Globalization;

namespace PcapWatch.Benchmarks;

/// <summary>
/// A joiner (PcapWatch's <c>run</c>, Streamiz) measured from outside, as a user would see it: a fresh process on the
/// consumer's core, timed by what reaches its output topic. The steady window runs from the match a fifth of the way in
/// to the last one; the process's CPU time is read at both ends from /proc, and — where it serves Prometheus metrics —
/// its JIT and allocation counters are scraped just outside them (a scrape costs the process a millisecond or two).
/// </summary>
internal static class JoinerPass
{
    /// <summary>What one pass showed: times since the process started, and the steady window.</summary>
    public readonly record struct Result(double FirstOutput, double LastOutput, SteadyWindow Window);

    /// <param name="packets">The packets the run reads, spread evenly over its <paramref name="expectedOutput"/> records.</param>
    /// <param name="metricsUrl">The process's Prometheus endpoint, or null when it has none.</param>
    /// <param name="perfData">Where <c>perf record</c> writes a profile of the window (null: none). The process should then
    /// run with <c>DOTNET_PerfMapEnabled=1</c>, so that perf can name the JIT's code.</param>
    /// <param name="warmUp">The share of the run before the window.</param>
    public static Result Measure(ProcessStartInfo start, OutputWatermarks output, long expectedOutput, long packets, Uri? metricsUrl,
        TimeSpan timeout, double warmUp, string? perfData = null)
    {
        long before = output.Total();
        long warm = Math.Max(1, (long)(expectedOutput * warmUp));
        var log = new List<string>();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            double first = WaitFor(process, output, before + 1, timeout, log).Seconds;
            Scrape(metricsUrl); // the first scrape compiles the exporter's code: not a cost of the packets
            using var perf = perfData is null ? null : PerfRecord.Attach(process.Id, perfData);
            var atStart = Scrape(metricsUrl);
            var (windowStart, seen) = WaitFor(process, output, before + warm, timeout, log);
            double cpuStart = SteadyWindow.CpuSecondsOf(process);
            double last = WaitFor(process, output, before + expectedOutput, timeout, log).Seconds;
            double cpuEnd = SteadyWindow.CpuSecondsOf(process);
            perf?.Stop();
            var atEnd = Scrape(metricsUrl);
            if (metricsUrl is not null) Console.WriteLine($"  JIT-compiled methods: {atStart.Jit} before the window, {atEnd.Jit} after it");
            // The packets behind the records seen at the window's start: the query may have passed the threshold by some.
            long windowPackets = packets * (before + expectedOutput - seen) / expectedOutput;
            var window = new SteadyWindow(windowPackets, last - windowStart, cpuEnd - cpuStart, atEnd.Jit - atStart.Jit,
                atEnd.Allocated - atStart.Allocated);
            return new Result(first, last, window);
        }
        finally
        {
            Stop(process);
        }
    }

    /// <summary>Waits until the output holds <paramref name="total"/> records: when (since the process started), and how many it held.</summary>
    private static (double Seconds, long Seen) WaitFor(Process process, OutputWatermarks output, long total, TimeSpan timeout, List<string> log)
    {
        var deadline = DateTime.UtcNow + timeout;
        long seen;
        while ((seen = output.Total()) < total)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                lock (log) Console.Error.WriteLine(string.Join(Environment.NewLine, log.TakeLast(40)));
                throw new InvalidOperationException($"the joiner {(process.HasExited ? "exited" : "timed out")} before {total} output records");
            }
            // This process shares the broker's core: a watermark query (a request per partition) every 10 ms leaves that
            // core to the broker; the window's ends are known to 10 ms in runs of seconds.
            Thread.Sleep(10);
        }
        return (SinceStart(process), seen);
    }

    private static double SinceStart(Process process) => (DateTime.Now - process.StartTime).TotalSeconds;

    private static (long Jit, long Allocated) Scrape(Uri? metricsUrl)
    {
        if (metricsUrl is null) return (0, 0);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = http.GetStringAsync(metricsUrl).GetAwaiter().GetResult();
        return ((long)Sample(text, JitMetric), (long)Sample(text, AllocatedMetric));
    }

    /// <summary>The sum of a metric's samples in Prometheus' text format (0 when absent).</summary>
    private static double Sample(string text, string metric) => text.Split('\n')
        .Where(l => l.StartsWith(metric, StringComparison.Ordinal) && l.Length > metric.Length && l[metric.Length] is '{' or ' ')
        .Sum(l => double.Parse(l[(l.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : metric.Length)..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture));

    /// <summary>.NET's own runtime meter (System.Runtime), as the Prometheus exporter names it.</summary>
    private const string JitMetric = "dotnet_jit_compiled_methods_total";
    private const string AllocatedMetric = "dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>SIGTERM to the process's own PID (never by name), then a kill if it does not stop.</summary>
    private static void Stop(Process process)
    {
        if (process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }
}
