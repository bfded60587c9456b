using System.Diagnostics;
using System.Globalization;

namespace PcapWatch.Benchmarks;

/// <summary>
/// One consumer's measured stretch: the packets in it, its wall time and the process's CPU time (user + system, every
/// thread, librdkafka's included), how many methods the JIT compiled in it (none, once tier-up is over) and what the
/// process allocated. The window starts a fifth of the way in, once the consumer is warm, and ends at the last record.
/// </summary>
internal readonly record struct SteadyWindow(long Packets, double Seconds, double CpuSeconds, long JitCompiled, long AllocatedBytes)
{
    /// <summary>The share of a run left out of the window at its start (start-up, first fetches, tier-up), unless told.</summary>
    public const double WarmUpFraction = 0.2;

    public double PacketsPerSecond => Packets / Seconds;

    public double CpuMicrosecondsPerPacket => CpuSeconds * 1e6 / Packets;

    public double AllocatedPerPacket => AllocatedBytes / (double)Packets;

    /// <summary>The CPU time a process has used so far, all threads, exited ones included (/proc/PID/stat).</summary>
    public static double CpuSecondsOf(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalSeconds;
    }

    public string Fields(string prefix) => string.Create(CultureInfo.InvariantCulture,
        $"{prefix}window_packets={Packets} {prefix}window_s={Seconds:F3} {prefix}cpu_s={CpuSeconds:F3} {prefix}jit_in_window={JitCompiled} "
        + $"{prefix}alloc_in_window={AllocatedBytes}");

    /// <summary>Reads what <see cref="Fields"/> wrote.</summary>
    public static SteadyWindow Parse(IReadOnlyDictionary<string, string> fields, string prefix) => new(
        long.Parse(fields[prefix + "window_packets"], CultureInfo.InvariantCulture),
        double.Parse(fields[prefix + "window_s"], CultureInfo.InvariantCulture),
        double.Parse(fields[prefix + "cpu_s"], CultureInfo.InvariantCulture),
        long.Parse(fields[prefix + "jit_in_window"], CultureInfo.InvariantCulture),
        long.Parse(fields[prefix + "alloc_in_window"], CultureInfo.InvariantCulture));

    /// <summary>The <c>key=value</c> fields of a RESULT line.</summary>
    public static Dictionary<string, string> FieldsOf(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
}
