using System.Diagnostics;
using System.Globalization;

namespace PcapWatch.Benchmarks;

/// <summary>
/// Who runs on which core: the broker and the benchmark's own bookkeeping on one, the consumer under test alone on the
/// other, so that a consumer's rate and CPU are its own and not a share of a machine the broker also needs.
/// </summary>
internal static class CpuPinning
{
    /// <summary>The core of the broker and of this process.</summary>
    public const int BrokerCore = 0;

    /// <summary>The core each consumer under test has to itself.</summary>
    public const int ConsumerCore = 1;

    /// <summary>Pins every thread of this process (and those it starts later) to <paramref name="core"/>.</summary>
    public static void PinThisProcess(int core)
    {
        var info = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-a", "-p", "-c", core.ToString(CultureInfo.InvariantCulture), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }
        using var taskset = Process.Start(info)!;
        taskset.StandardOutput.ReadToEnd();
        taskset.WaitForExit();
        if (taskset.ExitCode != 0) throw new InvalidOperationException($"taskset could not pin this process to core {core}");
    }

    /// <summary>A start of <paramref name="program"/> (a .dll under <c>dotnet</c>) on <paramref name="core"/> alone.</summary>
    public static ProcessStartInfo On(int core, string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(core.ToString(CultureInfo.InvariantCulture));
        if (program.EndsWith(".dll", StringComparison.Ordinal)) info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(program);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return info;
    }

    /// <summary>This benchmark program, as it was started (a published executable, or a .dll under dotnet).</summary>
    public static string ThisProgram =>
        Environment.ProcessPath is { } path && !Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.Ordinal)
            ? path
            : typeof(CpuPinning).Assembly.Location;
}
