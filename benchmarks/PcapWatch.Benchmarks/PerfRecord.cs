using System.Diagnostics;
using System.Globalization;

namespace PcapWatch.Benchmarks;

/// <summary>
/// <c>perf record</c> attached to one process for a stretch of its run (CPU-clock samples with call stacks: this machine's
/// virtual CPUs count no cycles), stopped by SIGINT to perf's own PID. Read with <c>perf report -i FILE</c>.
/// </summary>
internal sealed class PerfRecord : IDisposable
{
    private readonly Process _perf;

    private PerfRecord(Process perf) => _perf = perf;

    public static PerfRecord Attach(int pid, string output)
    {
        var info = new ProcessStartInfo("perf") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in new[] { "record", "-e", "cpu-clock", "-F", "1999", "-g", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", output })
        {
            info.ArgumentList.Add(arg);
        }
        var perf = Process.Start(info)!;
        perf.ErrorDataReceived += (_, _) => { };
        perf.BeginErrorReadLine();
        Thread.Sleep(200); // perf needs a moment to attach to every thread
        return new PerfRecord(perf);
    }

    public void Stop()
    {
        if (_perf.HasExited) return;
        using (var kill = Process.Start("kill", ["-INT", _perf.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        _perf.WaitForExit(30_000);
    }

    public void Dispose()
    {
        Stop();
        _perf.Dispose();
    }
}
