using System.Diagnostics;
using System.Globalization;

namespace PcapWatch.Benchmarks;

/// <summary>
/// A <c>pcapwatch</c> process started by a benchmark: its log lines handed over as they come, with the time since it was
/// started, its resident memory on demand, and a stop by SIGTERM to its own PID (as an operator's Ctrl+C; never by name).
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock;

    private ServiceProcess(Process process, Stopwatch clock)
    {
        _process = process;
        _clock = clock;
    }

    /// <summary>The Release build beside this repository, or the program <c>--program</c> names (a ReadyToRun publish).</summary>
    public static string ProgramPath(string[] args)
    {
        var program = BenchmarkArgs.Text(args, "--program")
            ?? Path.Combine(RepositoryRoot(), "src", "PcapWatch", "bin", "Release", "net10.0", "PcapWatch.dll");
        return File.Exists(program)
            ? program
            : throw new FileNotFoundException($"{program} not found: build it (dotnet build -c Release) or name one with --program");
    }

    /// <summary>
    /// Starts <paramref name="program"/> (a .dll runs under <c>dotnet</c>) with <paramref name="args"/>, on
    /// <paramref name="core"/> alone when one is given.
    /// </summary>
    public static ServiceProcess Start(string program, IEnumerable<string> args, Action<TimeSpan, string> onLine, int? core = null)
    {
        bool dll = program.EndsWith(".dll", StringComparison.Ordinal);
        var info = core is { } pinned ? CpuPinning.On(pinned, program, args) : new ProcessStartInfo(dll ? "dotnet" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (core is null)
        {
            if (dll) info.ArgumentList.Add(program);
            foreach (var arg in args) info.ArgumentList.Add(arg);
        }
        var clock = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        void Line(object _, DataReceivedEventArgs e)
        {
            if (e.Data is not null) onLine(clock.Elapsed, e.Data);
        }
        process.OutputDataReceived += Line;
        process.ErrorDataReceived += Line;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(process, clock);
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The process's resident set now (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    /// <summary>CPU time the process has used so far (user + system, all its threads).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>SIGTERM to this process's PID, then waits for it to stop (its checkpoint included).</summary>
    public void Stop(TimeSpan patience)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        if (!_process.WaitForExit(patience)) _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(60));
        _process.Dispose();
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PcapWatch.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"PcapWatch.sln not found above {AppContext.BaseDirectory}");
    }
}
