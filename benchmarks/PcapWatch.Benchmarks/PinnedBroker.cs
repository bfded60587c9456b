using System.Diagnostics;
using System.Globalization;

namespace PcapWatch.Benchmarks;

/// <summary>
/// The embedded broker as a process of its own on <see cref="CpuPinning.BrokerCore"/> (<c>pcapwatch broker</c>, as a
/// user starts it), so that what a benchmark measures on the other core is the consumer alone. Stopped by SIGTERM to
/// its own PID.
/// </summary>
internal sealed class PinnedBroker : IDisposable
{
    private readonly Process _process;
    private readonly string _bootstrapFile;

    private PinnedBroker(Process process, string bootstrapFile, string bootstrap)
    {
        (_process, _bootstrapFile, BootstrapServers) = (process, bootstrapFile, bootstrap);
    }

    public string BootstrapServers { get; }

    /// <param name="partitions">Topics to create, TOPIC=N (over the broker's defaults).</param>
    public static PinnedBroker Start(string program, IReadOnlyDictionary<string, int> partitions)
    {
        var bootstrapFile = Path.Combine(Path.GetTempPath(), "pcapwatch-bench-broker-" + Guid.NewGuid().ToString("N"));
        var layout = string.Join(",", partitions.Select(p => $"{p.Key}={p.Value.ToString(CultureInfo.InvariantCulture)}"));
        var process = Process.Start(CpuPinning.On(CpuPinning.BrokerCore, program,
            ["broker", "--partitions", layout, "--bootstrap-file", bootstrapFile, "--log-level", "Warning"]))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("broker: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!File.Exists(bootstrapFile))
        {
            if (process.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException("the broker did not start");
            Thread.Sleep(20);
        }
        return new PinnedBroker(process, bootstrapFile, File.ReadAllText(bootstrapFile).Trim());
    }

    /// <summary>The broker process's CPU time so far.</summary>
    public double CpuSeconds => SteadyWindow.CpuSecondsOf(_process);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) _process.Kill();
        }
        _process.Dispose();
        File.Delete(_bootstrapFile);
    }
}
