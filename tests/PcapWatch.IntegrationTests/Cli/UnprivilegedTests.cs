using System.Diagnostics;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.Ingest;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using PcapWatch.Tests.Shared;
using PcapWatch.Tools;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// Issue "A page fit for personal data": the service needs no privilege. The program laid out as the Dockerfile's
/// publish lays it out, run as the unprivileged user nobody (as the image's non-root user would run it), does the
/// recipe's job on a broker, keeps its state in a directory only that user can read, and runs the demo.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class UnprivilegedTests
{
    private const int Nobody = 65534;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const UnixFileMode Everyone = (UnixFileMode)0b111_111_111, Readable = (UnixFileMode)0b111_101_101;
    private string _root = null!;

    [SetUp]
    public void LayOutThePublishedProgram()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("users and modes are checked as Linux has them");
        if (EffectiveUid() != 0) Assert.Ignore("this test run is itself unprivileged: every test here runs without privilege already");
        _root = Path.Combine(Path.GetTempPath(), "pcapwatch-unprivileged-" + Guid.NewGuid().ToString("N"));
        var app = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;
        File.SetUnixFileMode(_root, Readable);
        File.SetUnixFileMode(app, Readable);
        var built = Path.GetDirectoryName(CliProcess.ProgramPath)!;
        foreach (var file in Directory.EnumerateFiles(built).Where(f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
                     .Concat(Directory.EnumerateFiles(Path.Combine(built, "runtimes", "linux-x64", "native"))))
        {
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }
        var samples = Directory.CreateDirectory(Path.Combine(app, "samples")).FullName;
        File.SetUnixFileMode(samples, Readable);
        foreach (var sample in Directory.EnumerateFiles(Path.Combine(built, "samples"))) File.Copy(sample, Path.Combine(samples, Path.GetFileName(sample)));
        // Home and temp the user may write (the image's user has its own); the state's parent, as the image's volume.
        foreach (var writable in new[] { "home", "tmp", "var" })
        {
            File.SetUnixFileMode(Directory.CreateDirectory(Path.Combine(_root, writable)).FullName, Everyone);
        }
    }

    [TearDown]
    public void RemoveIt()
    {
        if (_root is not null && Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void The_published_program_does_the_job_as_an_unprivileged_user_with_its_state_for_that_user_only()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default));
        var data = DashboardScenario.Samples;
        using (var publisher = new RecordPublisher(broker.BootstrapServers))
        {
            Publish(publisher, TopicNames.Default.Employees, data.Employees, InputFormat.Keyed);
            Publish(publisher, TopicNames.Default.Computers, data.Computers, InputFormat.Keyed);
            Publish(publisher, TopicNames.Default.Pcap, data.Pcap, InputFormat.Pcap);
        }
        var stateDir = Path.Combine(_root, "var", "state");
        using var run = CliProcess.StartUnprivileged(Nobody, Program, Environment(), "run", "-b", broker.BootstrapServers, "--state-dir", stateDir);
        Infrastructure.Kafka.WaitUntil(() => Infrastructure.Kafka.ReadAll(broker.BootstrapServers, TopicNames.Default.Output).Count >= data.Matches
            || run.HasExited, Patience, "the matches of the unprivileged service");
        Assert.That(run.HasExited, Is.False, () => string.Join("\n", run.Logs));
        Assert.That(Infrastructure.Kafka.ReadAll(broker.BootstrapServers, TopicNames.Default.Output), Has.Count.EqualTo(data.Matches));
        Assert.That(Owner(stateDir), Is.EqualTo(Nobody.ToString(System.Globalization.CultureInfo.InvariantCulture)), "the state is the service user's");
        Assert.That(File.GetUnixFileMode(stateDir), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        run.Terminate();
        Assert.That(run.WaitForExit(Patience), Is.Zero, () => string.Join("\n", run.Logs));

        using var demo = CliProcess.StartUnprivileged(Nobody, Program, Environment(), "demo");
        Assert.That(demo.WaitForExit(Patience), Is.Zero, () => string.Join("\n", demo.Logs));
        Assert.That(demo.Stdout[^1], Does.StartWith($"demo: packets={ExpectedCounts.CapturedPackets()} matches={data.Matches} "));
    }

    /// <summary>No Docker engine here: the image's last stage is checked by reading it — a non-root USER before the entry point.</summary>
    [Test]
    public void The_image_runs_the_program_as_its_non_root_user()
    {
        var lines = File.ReadAllLines(Path.Combine(TestData.RepositoryRoot, "Dockerfile")).Select(l => l.Trim()).ToList();
        var lastStage = lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var user = lines.Skip(lastStage).Where(l => l.StartsWith("USER ", StringComparison.Ordinal)).Select(l => l[5..].Trim()).ToList();
        Assert.That(user, Has.Count.EqualTo(1), "one USER in the image that runs");
        Assert.That(user[0], Is.Not.EqualTo("root").And.Not.EqualTo("0").And.Not.StartWith("0:"));
        Assert.That(lines.FindIndex(lastStage, l => l.StartsWith("USER ", StringComparison.Ordinal)),
            Is.LessThan(lines.FindIndex(lastStage, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal))));
    }

    private string Program => Path.Combine(_root, "app", "PcapWatch.dll");

    private Dictionary<string, string> Environment() => new()
    {
        ["HOME"] = Path.Combine(_root, "home"),
        ["TMPDIR"] = Path.Combine(_root, "tmp"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    private static int EffectiveUid() =>
        int.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);

    private static string Owner(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true })!;
        var owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return owner;
    }

    private static void Publish(RecordPublisher publisher, string topic, string path, InputFormat format)
    {
        using var input = File.OpenRead(path);
        Assert.That(publisher.Publish(topic, InputReader.Read(input, format)).Produced, Is.GreaterThan(0), path);
    }
}
