using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Infrastructure;

/// <summary>The PcapWatch program running as its own process, with its output captured line by line.</summary>
internal sealed partial class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = new();
    private readonly List<string> _stderr = new();

    private CliProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The program built beside this test project, in the same configuration.</summary>
    public static string ProgramPath
    {
        get
        {
            var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string framework = testDir.Name, configuration = testDir.Parent!.Name;
            var path = Path.Combine(TestData.RepositoryRoot, "src", "PcapWatch", "bin", configuration, framework, "PcapWatch.dll");
            Assert.That(File.Exists(path), Is.True, $"{path} not built");
            return path;
        }
    }

    public static CliProcess Start(params string[] args) => StartWithInput(null, args);

    /// <summary>
    /// <c>broker</c> with <paramref name="args"/>, returned once it has written its bootstrap servers to
    /// <paramref name="bootstrapFile"/> (failing with its log if it exits first).
    /// </summary>
    public static CliProcess StartBroker(string bootstrapFile, TimeSpan patience, out string bootstrap, params string[] args) =>
        StartBrokerOf(ProgramPath, bootstrapFile, patience, out bootstrap, args);

    /// <summary>As <see cref="StartBroker"/>, from another copy of the program (another layout of its files).</summary>
    public static CliProcess StartBrokerOf(string programPath, string bootstrapFile, TimeSpan patience, out string bootstrap,
        params string[] args)
    {
        var broker = StartProgram(programPath, null, null, null, ["broker", .. args, "--bootstrap-file", bootstrapFile]);
        try
        {
            Kafka.WaitUntil(() => File.Exists(bootstrapFile) || broker.HasExited, patience, "the broker's bootstrap file");
            Assert.That(File.Exists(bootstrapFile), Is.True, () => "the broker exited: " + string.Join("\n", broker.Stderr));
        }
        catch
        {
            broker.Dispose();
            throw;
        }
        bootstrap = File.ReadAllText(bootstrapFile).Trim();
        return broker;
    }

    public static CliProcess StartWithInput(string? stdinFile, params string[] args) => StartIn(null, null, stdinFile, args);

    /// <summary>Starts in <paramref name="workingDirectory"/> with extra environment variables; no inherited PCAPWATCH__ ones.</summary>
    public static CliProcess StartIn(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, string? stdinFile,
        params string[] args) => StartProgram(ProgramPath, workingDirectory, environment, stdinFile, args);

    /// <summary>As <see cref="StartIn"/>, with another copy of the program (another layout of its files).</summary>
    public static CliProcess StartProgram(string programPath, string? workingDirectory, IReadOnlyDictionary<string, string>? environment,
        string? stdinFile, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("PCAPWATCH__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(inherited);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        info.ArgumentList.Add(programPath);
        // Logs as structured events (Serilog's compact JSON with the rendered message): tests assert on event
        // properties, and on the rendered text only to wait for a stage.
        if (!args.Contains("--log-format")) info.ArgumentList.Add("--log-format=json");
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start PcapWatch");
        var cli = new CliProcess(process);
        if (stdinFile is not null)
        {
            using (var input = File.OpenRead(stdinFile)) input.CopyTo(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        }
        return cli;
    }

    /// <summary>
    /// Another copy of the program run as the unprivileged user <paramref name="uid"/> (its group the same number, no
    /// supplementary groups), through util-linux's setpriv: what a container's non-root user is. Needs root to start.
    /// </summary>
    public static CliProcess StartUnprivileged(int uid, string programPath, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(programPath)!,
        };
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("PCAPWATCH", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(inherited);
        }
        foreach (var (key, value) in environment) info.Environment[key] = value;
        foreach (var arg in new[] { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--", "dotnet", programPath, "--log-format=json" })
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var a in args) info.ArgumentList.Add(a);
        return new CliProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start setpriv"));
    }

    /// <summary>
    /// A shell script run in a mount namespace of its own (<c>unshare -m</c>, private propagation), with
    /// <c>$PCAPWATCH</c> the program's command line: mounts the script makes (a read-only bind, a small tmpfs) are seen by
    /// the program it starts and by nothing else on the machine. Tests run as root, so file modes prove nothing; a mount
    /// does. The script should <c>exec $PCAPWATCH …</c> last, so that signals reach the program.
    /// </summary>
    public static CliProcess StartInMountNamespace(string script)
    {
        var info = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("PCAPWATCH", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(inherited);
        }
        info.Environment["PCAPWATCH"] = $"dotnet {ProgramPath} --log-format=json";
        foreach (var arg in new[] { "--mount", "--propagation", "private", "sh", "-uc", script }) info.ArgumentList.Add(arg);
        return new CliProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start unshare"));
    }

    public string[] Stdout { get { lock (_stdout) return _stdout.ToArray(); } }
    public string[] Stderr { get { lock (_stderr) return _stderr.ToArray(); } }

    /// <summary>The log as a person reads it: each event's message rendered as the text format does (other stderr
    /// lines as they are).</summary>
    public string[] Logs => Stderr.Select(l => ParseEvent(l) is { } e ? LogEvents.Render(e) : l).ToArray();

    /// <summary>Every log event written so far (Serilog's compact JSON: @t, @mt, @m, @l, and the properties).</summary>
    public JsonElement[] Events => Stderr.Select(ParseEvent).Where(e => e is not null).Select(e => e!.Value).ToArray();

    /// <summary>The last event whose message template starts with <paramref name="templateStart"/>; fails when none.</summary>
    public JsonElement Event(string templateStart)
    {
        var found = Events.LastOrDefault(e => LogEvents.Render(e).StartsWith(templateStart, StringComparison.Ordinal));
        Assert.That(found.ValueKind, Is.EqualTo(JsonValueKind.Object), () => $"no log event '{templateStart}…'; log:\n{string.Join("\n", Logs)}");
        return found;
    }

    private static JsonElement? ParseEvent(string line)
    {
        if (!line.StartsWith('{')) return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("@mt", out _) ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Waits for the process to end by itself; fails the test (with its stderr) on timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Assert.Fail($"PcapWatch did not exit within {timeout}; stderr:\n{string.Join("\n", Stderr)}");
        }
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as a service manager does.</summary>
    public void Terminate() => Kill(_process.Id, 15);

    /// <summary>SIGKILL: no chance to flush, commit or checkpoint (a crash, a power cut, the OOM killer).</summary>
    public void Crash()
    {
        Kill(_process.Id, 9);
        _process.WaitForExit();
    }

    /// <summary>SIGSTOP / SIGCONT: the process freezes and thaws (a GC pause, a VM stall).</summary>
    public void Pause() => Kill(_process.Id, 19);
    public void Resume() => Kill(_process.Id, 18);

    /// <summary>
    /// SIGSTOP, then SIGCONT, each waited for until the kernel reports the process stopped and running again (Linux's
    /// /proc): a freeze and a thaw that really happened, however busy the machine.
    /// </summary>
    public void FreezeAndThaw()
    {
        Pause();
        Infrastructure.Kafka.WaitUntil(() => State() == 'T', TimeSpan.FromSeconds(10), "the process stopped");
        Resume();
        Infrastructure.Kafka.WaitUntil(() => State() != 'T', TimeSpan.FromSeconds(10), "the process running again");
    }

    // The state letter follows the command name, which is in parentheses and may itself hold spaces or parentheses.
    private char State()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The address a <c>dashboard</c> process prints once it serves ("dashboard: URL"); fails if it exits first.</summary>
    public Uri WaitForDashboardAddress(TimeSpan timeout)
    {
        const string Prefix = "dashboard: ";
        Kafka.WaitUntil(() => Stdout.Any(l => l.StartsWith(Prefix, StringComparison.Ordinal)) || HasExited, timeout, "the dashboard's address");
        NUnit.Framework.Assert.That(HasExited, NUnit.Framework.Is.False, () => string.Join("\n", Logs));
        return new Uri(Stdout.First(l => l.StartsWith(Prefix, StringComparison.Ordinal))[Prefix.Length..]);
    }

    /// <summary>Waits for a stderr (log) line containing <paramref name="text"/>; fails with the log on timeout.</summary>
    public string WaitForLog(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var line = Logs.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null) return line;
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"no log line with '{text}' (exited: {_process.HasExited}); log:\n{string.Join("\n", Logs)}");
            }
            Thread.Sleep(50);
        }
    }

    /// <summary>
    /// Waits for a log event whose message starts with <paramref name="templateStart"/> and that satisfies
    /// <paramref name="condition"/> (a state of the program, read from its own events); fails with the log on timeout.
    /// </summary>
    public JsonElement WaitForEvent(string templateStart, Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Events.Where(e => LogEvents.Render(e).StartsWith(templateStart, StringComparison.Ordinal)).FirstOrDefault(condition);
            if (found.ValueKind == JsonValueKind.Object) return found;
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"no log event '{templateStart}…' as awaited (exited: {_process.HasExited}); log:\n{string.Join("\n", Logs)}");
            }
            Thread.Sleep(50);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
