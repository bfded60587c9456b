using NUnit.Framework;
using PcapWatch.Flows;
using PcapWatch.IntegrationTests.Infrastructure;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// Issue "From packets to sessions", faults: <c>run --flows</c> processes killed with SIGKILL at random moments while
/// watched packets keep coming; the flow records, each counted once by (C_MACADDR, FLOW_ID, FIRST_SEEN, SEQ), are
/// exactly those of one flow stage that never stopped, and every repeat is the same record whole. Sized for CI (3
/// kills); <c>tests/flow-kills.sh</c> runs more (PCAPWATCH_FLOW_KILLS) and its figure is in benchmarks/RESULTS.md.
/// </summary>
public class FlowKillTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private string _scratch = "";

    [SetUp]
    public void CreateScratch() => Directory.CreateDirectory(_scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-fk-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void RemoveScratch() => Directory.Delete(_scratch, recursive: true);

    private CliProcess StartRun(string bootstrap) => CliProcess.Start(["run", "--flows", "--bootstrap-servers", bootstrap, "--state-dir",
        Path.Combine(_scratch, "state"), "--status-interval", "0.2", "--flow-checkpoint-interval", "0.5", "-X", "session.timeout.ms=3000",
        "-X", "heartbeat.interval.ms=500"]);

    [Test]
    public void Killed_while_packets_come_the_flows_are_those_of_a_run_without_kills()
    {
        int kills = int.TryParse(Environment.GetEnvironmentVariable("PCAPWATCH_FLOW_KILLS"), out var k) ? k : 3;
        int seed = Environment.TickCount;
        TestContext.Out.WriteLine($"seed={seed} kills={kills}");
        var random = new Random(seed);
        var generated = SyntheticFlows.Generate(120_000, hosts: 40, seed);
        using var scenario = new FlowStageScenario(partitions: 4);
        using var killsDone = new ManualResetEventSlim();
        var feeder = Task.Run(() =>
        {
            // ~2,500 packets/s until the kills are over: every kill lands while packets are coming.
            int fed = 0;
            for (; fed < generated.Count && (fed < 20_000 || !killsDone.IsSet); fed += 250)
            {
                scenario.Write(generated.Skip(fed).Take(250));
                killsDone.Wait(TimeSpan.FromMilliseconds(100)); // pacing, not synchronisation
            }
            return Math.Min(fed, generated.Count);
        });
        for (int kill = 0; kill < kills; kill++)
        {
            using var run = StartRun(scenario.BootstrapServers);
            run.WaitForEvent("Flows status:", e => e.Long("Records") > 0, Patience);
            Assert.That(feeder.IsCompleted, Is.False, "the packets are still coming: the kill interrupts work");
            Thread.Sleep(TimeSpan.FromMilliseconds(random.Next(0, 1000)));
            run.Crash();
        }
        killsDone.Set();
        var packets = generated.Take(feeder.GetAwaiter().GetResult()).ToList();
        packets.AddRange(FlowStageScenario.Sweepers(packets).ToList());
        scenario.Write(packets.Skip(packets.Count - 40));
        var expected = scenario.Expected(FlowTimeouts.Default, packets);
        using (var final = StartRun(scenario.BootstrapServers))
        {
            Infrastructure.Kafka.WaitUntil(() => scenario.Written().Distinct().Count() >= expected.Count, Patience, "the flow records");
            final.Terminate();
            Assert.That(final.WaitForExit(TimeSpan.FromSeconds(20)), Is.Zero, () => string.Join("\n", final.Logs));
        }

        var written = scenario.Written();
        TestContext.Out.WriteLine($"flow kills: {packets.Count} packets, {expected.Count} flow records, {written.Count - expected.Count} repeats "
            + $"over {kills} kills");
        Assert.That(written.Distinct().Order(StringComparer.Ordinal), Is.EqualTo(expected), "each record once, whole; none missing");
        Assert.That(expected.Count(r => r.Contains("\"END_REASON\":\"fin\"", StringComparison.Ordinal)), Is.GreaterThan(100));
    }
}
