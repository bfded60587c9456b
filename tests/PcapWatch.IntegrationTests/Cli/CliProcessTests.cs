using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>The commands as separate processes, as a user runs them: broker, produce, run, tail — and demo.</summary>
public class CliProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private string _scratch = null!;

    [SetUp]
    public void CreateScratch() => Directory.CreateDirectory(_scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-cli-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void RemoveScratch() => Directory.Delete(_scratch, recursive: true);

    public static IEnumerable<TestCaseData> Inputs()
    {
        yield return new TestCaseData("fixture:employees.txt", "fixture:computers.txt", "fixture:netns-lan.json.ndjson")
            .SetName("Separate_processes_give_the_demo_rows_for_the_project_samples");
        yield return new TestCaseData("shared:recipe-data/employees.json", "shared:recipe-data/computers.json", "shared:recipe-data/pcap.json")
            .SetName("Separate_processes_give_the_recipes_rows");
    }

    /// <summary>Packets, matches and the watched employee, counted without PcapWatch (tshark's TSV, or the raw recipe files).</summary>
    private static (long Packets, long Matches, string Name) Expected(string pcap) => pcap.StartsWith("shared:", StringComparison.Ordinal)
        ? (ExpectedCounts.Recipe().Packets, ExpectedCounts.Recipe().Watched, ExpectedCounts.Recipe().WatchedEmployee)
        : (ExpectedCounts.CapturedPackets(), ExpectedCounts.CapturedFrom(ExpectedCounts.AliceMac), "Alice Example");

    private static string Resolve(string spec) =>
        spec.StartsWith("fixture:", StringComparison.Ordinal) ? TestData.Fixture(spec[8..]) : TestData.Shared(spec[7..]);

    [TestCaseSource(nameof(Inputs))]
    public void Broker_produce_run_and_tail(string employees, string computers, string pcap)
    {
        var (packets, matches, name) = Expected(pcap);
        string employeesFile = Resolve(employees), computersFile = Resolve(computers), pcapFile = Resolve(pcap);
        var bootstrapFile = Path.Combine(_scratch, "bootstrap");
        using var broker = CliProcess.StartBroker(bootstrapFile, Patience, out var bootstrap, "--partitions", "pcap=8,employees=1,computers=1");
        // The line is written before the file, but the test reads the process's stdout asynchronously: wait for it.
        Infrastructure.Kafka.WaitUntil(() => broker.Stdout.Contains($"bootstrap: {bootstrap}"), Patience, "the broker's bootstrap line on stdout");

        using (var p = CliProcess.Start("produce", "--bootstrap-servers", bootstrap, "--topic", "employees", "--file", employeesFile))
            Assert.That(p.WaitForExit(Patience), Is.Zero, () => string.Join("\n", p.Stderr));
        using (var p = CliProcess.StartWithInput(computersFile, "produce", "--bootstrap-servers", bootstrap, "--topic", "computers"))
            Assert.That(p.WaitForExit(Patience), Is.Zero, () => string.Join("\n", p.Stderr));
        using (var p = CliProcess.Start("produce", "-b", bootstrap, "-t", "pcap", "-f", pcapFile))
            Assert.That(p.WaitForExit(Patience), Is.Zero, () => string.Join("\n", p.Stderr));

        using var run = CliProcess.Start("run", "--bootstrap-servers", bootstrap, "--state-dir", Path.Combine(_scratch, "state"),
            "--group-id", "cli-test");
        Infrastructure.Kafka.WaitForCommittedToEnd(bootstrap, "cli-test", "pcap", Patience);
        run.Terminate();
        Assert.That(run.WaitForExit(TimeSpan.FromSeconds(20)), Is.Zero, () => string.Join("\n", run.Stderr));
        var summary = run.Summary();
        Assert.That((summary.Packets, summary.Matches), Is.EqualTo((packets, matches)));

        using var tail = CliProcess.Start("tail", "--bootstrap-servers", bootstrap, "--from-beginning", "--exit-at-end");
        Assert.That(tail.WaitForExit(Patience), Is.Zero);
        var rows = tail.Stdout.Where(l => l.Contains(" | ", StringComparison.Ordinal)).ToArray();
        Assert.That(rows, Has.Length.EqualTo(matches));
        Assert.That(rows, Is.All.StartsWith(name + " | "));

        broker.Terminate();
        Assert.That(broker.WaitForExit(TimeSpan.FromSeconds(20)), Is.Zero);
    }

    /// <summary>
    /// A publish for a runtime (the Dockerfile's) puts librdkafka's native builds beside the program instead of under
    /// runtimes/&lt;rid&gt;/native: the embedded broker must find a usable one there too (the glibc build needs libsasl2,
    /// which a slim image lacks; the centos8 build does not).
    /// </summary>
    [Test]
    public void Broker_starts_from_a_publish_that_put_the_native_libraries_beside_the_program()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Ignore("the layout checked here is linux-x64's");
        }
        var built = Path.GetDirectoryName(CliProcess.ProgramPath)!;
        var flat = Path.Combine(_scratch, "published");
        Directory.CreateDirectory(flat);
        foreach (var file in Directory.EnumerateFiles(built).Where(f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".runtimeconfig.json", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(flat, Path.GetFileName(file)));
        }
        foreach (var native in Directory.EnumerateFiles(Path.Combine(built, "runtimes", "linux-x64", "native")))
        {
            File.Copy(native, Path.Combine(flat, Path.GetFileName(native)));
        }
        var bootstrapFile = Path.Combine(_scratch, "bootstrap");
        using var broker = CliProcess.StartBrokerOf(Path.Combine(flat, "PcapWatch.dll"), bootstrapFile, Patience, out _);
        broker.Terminate();
        Assert.That(broker.WaitForExit(TimeSpan.FromSeconds(20)), Is.Zero);
    }

    /// <summary>
    /// A broker process stopped and continued (SIGSTOP/SIGCONT: a VM stall, Ctrl-Z then fg) keeps serving. librdkafka's
    /// mock cluster ends its serving thread when its poll() is interrupted, and a signal handler of the runtime could
    /// run on that thread: within fifty freezes the broker refused every connection while its process lived on.
    /// </summary>
    [Test]
    public void Broker_process_frozen_and_thawed_fifty_times_keeps_serving()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("freezing is done with Linux's signals and /proc");
        var bootstrapFile = Path.Combine(_scratch, "bootstrap");
        using var broker = CliProcess.StartBroker(bootstrapFile, Patience, out var b);

        for (int i = 0; i < 50; i++) broker.FreezeAndThaw();

        Infrastructure.Kafka.Produce(b, PcapWatch.Kafka.TopicNames.Default.Employees, [("e1", """{"key":"e1","name":"Tom","watch_flag":"YES"}""")]);
        Assert.That(Infrastructure.Kafka.ReadAll(b, PcapWatch.Kafka.TopicNames.Default.Employees).Select(r => r.Key), Is.EqualTo(new[] { "e1" }));
        Assert.That(broker.Logs, Has.None.Contains("failed to poll"));
        broker.Terminate();
        Assert.That(broker.WaitForExit(TimeSpan.FromSeconds(20)), Is.Zero);
    }

    [Test]
    public void Demo_command_prints_the_matches_then_a_summary()
    {
        using var demo = CliProcess.Start("demo", "--protocols-like", "%http");
        Assert.That(demo.WaitForExit(Patience), Is.Zero, () => string.Join("\n", demo.Stderr));
        var lines = demo.Stdout;
        Assert.That(lines[^1], Does.StartWith(
            $"demo: packets={ExpectedCounts.CapturedPackets()} matches={ExpectedCounts.CapturedFrom(ExpectedCounts.AliceMac)} shown="));
        var rows = lines[..^1];
        Assert.That(rows, Is.Not.Empty);
        Assert.That(rows, Is.All.Match(@"^Alice Example \| .*http \| "));
    }

    /// <summary>
    /// demo reads the settings file and the environment as run does: the routed uplink capture, attributed by IP only
    /// because appsettings.json in the working directory says <c>"Match": "src,ip"</c>; a flag still wins over the file.
    /// </summary>
    [Test]
    public void Demo_reads_the_settings_file_and_the_environment_like_run()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pcapwatch-demo-settings-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "appsettings.json"), """{"Match":"src,ip","DhcpLeaseCapHours":12}""");
            string[] routed = ["demo", "--pcap", TestData.Fixture("routed-uplink.json.ndjson"),
                "--employees", Path.Combine(TestData.RepositoryRoot, "samples", "routed-employees.txt"),
                "--computers", Path.Combine(TestData.RepositoryRoot, "samples", "routed-computers.txt")];
            long byIp = RoutedFixture.Count("routed-uplink", "alice_ip_src_leased") + RoutedFixture.Count("routed-uplink", "carol_ip_src_leased");

            using (var fromFile = CliProcess.StartIn(dir, null, null, routed))
            {
                Assert.That(fromFile.WaitForExit(Patience), Is.Zero, () => string.Join("\n", fromFile.Stderr));
                Assert.That(fromFile.Stdout[^1], Does.StartWith($"demo: packets=96 matches={byIp} "), "Match from appsettings.json");
            }
            using (var flagWins = CliProcess.StartIn(dir, null, null, [.. routed, "--match", "src"]))
            {
                Assert.That(flagWins.WaitForExit(Patience), Is.Zero, () => string.Join("\n", flagWins.Stderr));
                Assert.That(flagWins.Stdout[^1], Does.StartWith("demo: packets=96 matches=0 "), "--match src over the file");
            }
            var badServers = new Dictionary<string, string> { ["PCAPWATCH__DhcpServers"] = "not-a-server" };
            using (var fromEnvironment = CliProcess.StartIn(dir, badServers, null, routed))
            {
                Assert.That(fromEnvironment.WaitForExit(Patience), Is.EqualTo(2), "a bad setting from the environment stops demo too");
                Assert.That(fromEnvironment.Logs, Has.Some.Contains("DhcpServers: 'not-a-server' is neither an IP address nor a MAC address"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Demo_attributes_at_capture_time_when_asked_and_to_the_owner_now_otherwise()
    {
        string[] routed = ["--pcap", TestData.Fixture("routed-lan.json.ndjson"),
            "--employees", Path.Combine(TestData.RepositoryRoot, "samples", "routed-employees.txt"),
            "--computers", Path.Combine(TestData.RepositoryRoot, "samples", "routed-computers-history.txt")];
        Dictionary<string, int> ByEmployee(CliProcess demo) => demo.Stdout.Where(l => l.Contains(" | ", StringComparison.Ordinal))
            .GroupBy(l => l[..l.IndexOf(" | ", StringComparison.Ordinal)]).ToDictionary(g => g.Key, g => g.Count());

        using var captureTime = CliProcess.Start(["demo", .. routed, "--attribution", "capture-time"]);
        Assert.That(captureTime.WaitForExit(Patience), Is.Zero, () => string.Join("\n", captureTime.Stderr));
        Assert.That(ByEmployee(captureTime), Is.EquivalentTo(new Dictionary<string, int>
        {
            ["Alice Routed"] = (int)RoutedFixture.Count("routed-lan", "alice_eth_src_before_owner_change"),
            ["Dave Routed"] = (int)RoutedFixture.Count("routed-lan", "alice_eth_src_from_owner_change"),
            ["Carol Routed"] = (int)RoutedFixture.Count("routed-lan", "carol_eth_src"),
        }));

        using var latest = CliProcess.Start(["demo", .. routed]);
        Assert.That(latest.WaitForExit(Patience), Is.Zero, () => string.Join("\n", latest.Stderr));
        Assert.That(ByEmployee(latest), Is.EquivalentTo(new Dictionary<string, int>
        {
            ["Dave Routed"] = (int)RoutedFixture.Count("routed-lan", "alice_eth_src"),
            ["Carol Routed"] = (int)RoutedFixture.Count("routed-lan", "carol_eth_src"),
        }));
    }

    [Test]
    public void Run_logs_a_periodic_status_line_with_rates_lag_and_tables()
    {
        using var broker = PcapWatch.Broker.EmbeddedBroker.Start();
        broker.CreateTopics(PcapWatch.Broker.TopicLayout.For(PcapWatch.Kafka.TopicNames.Default));
        var b = broker.BootstrapServers;
        Infrastructure.Kafka.Produce(b, "employees", [("E100", """{"key":"E100","name":"Alice","watch_flag":"YES"}""")]);
        Infrastructure.Kafka.Produce(b, "computers", [("1", $$"""{"comp_id":1,"empkey":"E100","macaddr":"{{ExpectedCounts.AliceMac}}"}""")]);
        Infrastructure.Kafka.Produce(b, "pcap", TestData.Lines(TestData.Fixture("netns-lan.json.ndjson")));

        using var run = CliProcess.Start("run", "-b", b, "--state-dir", Path.Combine(_scratch, "state"), "--status-interval", "0.5");
        long packets = ExpectedCounts.CapturedPackets();
        var status = run.WaitForEvent("Status: ", e => e.Long("Packets") == packets, Patience);
        Assert.That((status.Long("Packets"), status.Long("Matches"), status.Long("EmployeeRows"), status.Long("ComputerRows"),
            status.Long("WatchedMacs"), status.Text("TablesCurrent")),
            Is.EqualTo((packets, ExpectedCounts.CapturedFrom(ExpectedCounts.AliceMac), 1L, 1L, 1L, "True")));
        run.WaitForLog("lag=0 ", Patience);
        run.Terminate();
        Assert.That(run.WaitForExit(TimeSpan.FromSeconds(10)), Is.Zero);
    }

    [Test]
    public void Bad_arguments_fail_with_a_message_and_nonzero_exit()
    {
        using var run = CliProcess.Start("run");
        Assert.That(run.WaitForExit(Patience), Is.Not.Zero);
        Assert.That(string.Join("\n", run.Stderr.Concat(run.Stdout)), Does.Contain("--bootstrap-servers"));
    }

    [Test]
    public void Run_refuses_to_start_when_a_topic_it_writes_to_is_missing_and_names_it()
    {
        using var broker = PcapWatch.Broker.EmbeddedBroker.Start();
        broker.CreateTopics(PcapWatch.Broker.TopicLayout.For(PcapWatch.Kafka.TopicNames.Default).Where(t => t.Key != "pcap.dlq"));
        using var run = CliProcess.Start("run", "-b", broker.BootstrapServers, "--state-dir", Path.Combine(_scratch, "state"));
        Assert.That(run.WaitForExit(Patience), Is.EqualTo(3), "a required topic missing is a Kafka problem, not a bug");
        Assert.That(run.Logs, Has.Some.Contains($"topic 'pcap.dlq' not found on the cluster at {broker.BootstrapServers}; create it before starting"));
    }

    [Test]
    public void Run_creates_its_state_directory_for_its_own_user_only()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("file modes are Unix's");
            return;
        }
        using var broker = PcapWatch.Broker.EmbeddedBroker.Start();
        broker.CreateTopics(PcapWatch.Broker.TopicLayout.For(PcapWatch.Kafka.TopicNames.Default));
        var stateDir = Path.Combine(_scratch, "new", "state");
        using var run = CliProcess.Start("run", "-b", broker.BootstrapServers, "--state-dir", stateDir);
        run.WaitForLog("Assigned pcap partitions", Patience);
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.That(File.GetUnixFileMode(stateDir), Is.EqualTo(ownerOnly), "names and watch flags are for the service's user alone");
        run.Terminate();
        Assert.That(run.WaitForExit(Patience), Is.Zero, () => string.Join("\n", run.Logs));
    }
}
