using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using KafkaTest = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// A state directory the machine will not let PcapWatch use — a read-only mount, a full disk — stops `run` with exit code
/// 2 and one line, and leaves the state as it was: only a damaged store is ever set aside, and nothing is deleted. Each
/// case runs the program in a mount namespace of its own (tests run as root, so file modes prove nothing).
/// </summary>
public class StateDirectoryFaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private const string Tom = TomWatched.Mac;
    private readonly TopicNames _topics = TopicNames.Default;
    private string _scratch = null!;

    [SetUp]
    public void Scratch() => Directory.CreateDirectory(_scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-statefault-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void Remove() => Directory.Delete(_scratch, recursive: true);


    private static Dictionary<string, byte[]> Files(string dir) => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    private static string Fatal(CliProcess run)
    {
        var fatal = run.Events.Where(e => e.TryGetProperty("@l", out var level) && level.GetString() == "Fatal").Select(LogEvents.Render).ToList();
        Assert.That(fatal, Has.Count.EqualTo(1), () => "one fatal line; log:\n" + string.Join("\n", run.Logs));
        return fatal[0];
    }

    [Test]
    public void A_store_on_a_read_only_mount_stops_run_with_exit_2_and_one_line_and_is_left_as_it_was()
    {
        using var broker = TomWatched.Broker();
        var state = Path.Combine(_scratch, "state");
        using (var first = CliProcess.Start("run", "-b", broker.BootstrapServers, "--state-dir", state))
        {
            first.WaitForLog("Checkpointed tables", Patience);
            first.Terminate();
            Assert.That(first.WaitForExit(Patience), Is.Zero);
        }
        var employees = Path.Combine(state, "employees");
        var before = Files(employees);

        using var run = CliProcess.StartInMountNamespace($"""
            mount --bind '{employees}' '{employees}' && mount -o remount,bind,ro '{employees}' || exit 97
            exec $PCAPWATCH run -b {broker.BootstrapServers} --state-dir '{state}'
            """);
        Assert.That(run.WaitForExit(Patience), Is.EqualTo(2), () => string.Join("\n", run.Logs));
        Assert.That(Fatal(run), Does.Contain("State directory unusable").And.Contain(employees).And.Contain("Read-only file system"));
        Assert.That(Files(employees), Is.EquivalentTo(before), "the store, byte for byte");
        Assert.That(Directory.GetDirectories(state, "*.set-aside-*"), Is.Empty, "nothing set aside: the store is not damaged");
    }

    [Test]
    public void A_disk_that_fills_while_running_stops_run_with_exit_2_before_a_checkpoint_and_the_next_start_serves_from_the_last_one()
    {
        using var broker = TomWatched.Broker();
        var disk = Path.Combine(_scratch, "disk");
        var state = Path.Combine(disk, "state");
        var fill = Path.Combine(_scratch, "fill-now");
        Directory.CreateDirectory(disk);
        var run = $"$PCAPWATCH run -b {broker.BootstrapServers} --state-dir '{state}' --checkpoint-interval 0.5";
        // The first run fills its disk when the test says so; once it has stopped, the disk is freed and a second run
        // starts on the same state.
        using var script = CliProcess.StartInMountNamespace($"""
            mount -t tmpfs -o size=32m tmpfs '{disk}' || exit 97
            {run} &
            first=$!
            while [ ! -e '{fill}' ]; do sleep 0.05; done
            dd if=/dev/zero of='{disk}/filler' bs=64k 2>/dev/null
            wait $first
            echo "first run exited with $?" >&2
            rm '{disk}/filler'
            exec {run}
            """);
        script.WaitForLog("Checkpointed tables", Patience);
        File.WriteAllText(fill, "");
        KafkaTest.Produce(broker.BootstrapServers, _topics.Employees, [("100", """{"key":"100","name":"Tom Renamed","watch_flag":"YES"}""")]);

        script.WaitForLog("first run exited with 2", Patience);
        var fatal = Fatal(script);
        Assert.That(fatal, Does.Contain("State directory unusable").And.Contain("checkpointing the table").And.Contain("bytes free"));
        Assert.That(fatal, Does.Contain("the state on disk is as it was"));

        script.WaitForLog("serving from checkpoint", Patience);
        KafkaTest.Produce(broker.BootstrapServers, _topics.Pcap, [TestPackets.Recipe(Tom, "after-the-disk-filled")]);
        KafkaTest.WaitUntil(() => KafkaTest.ReadAll(broker.BootstrapServers, _topics.Output).Any(r =>
            r.Value!.Value.GetProperty("P_FRAME_TIME").GetString() == "after-the-disk-filled"
            && r.Value.Value.GetProperty("C_EMP_NAME").GetString() == "Tom Renamed"), Patience, "the second run's match, with the renamed row");
        script.Terminate();
        Assert.That(script.WaitForExit(Patience), Is.Zero, () => string.Join("\n", script.Logs));
    }
}
