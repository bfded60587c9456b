using System.Text;
using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;
using KafkaTest = PcapWatch.IntegrationTests.Infrastructure.Kafka;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// What a new user meets first, each case in a separate process: the exit code by class, one clear line on stderr (no
/// stack trace, no raw librdkafka line), a service that waits for its broker, and an outage told once, not per retry.
/// </summary>
public class FirstContactTests
{
    private const string Nowhere = "127.0.0.1:1"; // nothing listens on port 1
    private const string Tom = "02:50:57:00:00:01";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private string _scratch = null!;

    [SetUp]
    public void Scratch()
    {
        _scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-first-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_scratch);
    }

    [TearDown]
    public void Remove()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    [TestCase("tail", "--exit-at-end")]
    [TestCase("report")]
    [TestCase("who", "10.0.0.1")]
    public void A_tool_with_no_broker_gives_up_after_its_timeout_with_exit_3_and_one_line(string command, params string[] extra)
    {
        using var p = CliProcess.Start([command, "-b", Nowhere, "--timeout", "2", .. extra]);
        Assert.That(p.WaitForExit(Patience), Is.EqualTo(3), () => string.Join("\n", p.Stderr));
        AssertOneClearLine(p, Nowhere);
    }

    [Test]
    public void Produce_with_no_broker_gives_up_after_its_timeout_with_exit_3_and_one_line()
    {
        var input = Path.Combine(_scratch, "packets.ndjson");
        File.WriteAllBytes(input, [.. TestPackets.Recipe(Tom, "t1"), (byte)'\n']);
        using var p = CliProcess.StartWithInput(input, "produce", "-b", Nowhere, "--topic", "pcap", "--timeout", "2");
        Assert.That(p.WaitForExit(Patience), Is.EqualTo(3), () => string.Join("\n", p.Stderr));
        AssertOneClearLine(p, Nowhere);
    }

    [Test]
    public void In_the_default_text_format_the_failure_is_literally_one_line()
    {
        using var p = CliProcess.Start("--log-format", "text", "tail", "-b", Nowhere, "--timeout", "1", "--exit-at-end");
        Assert.That(p.WaitForExit(Patience), Is.EqualTo(3));
        Assert.That(p.Stderr, Has.Length.EqualTo(1), () => string.Join("\n", p.Stderr));
        Assert.That(p.Stderr[0], Does.Contain($"Kafka at {Nowhere} did not answer within 1 s"));
    }

    [Test]
    public void Help_lists_the_exit_codes()
    {
        using var p = CliProcess.Start("--help");
        Assert.That(p.WaitForExit(Patience), Is.Zero);
        Assert.That(string.Join(" ", p.Stdout), Does.Contain("Exit codes: 0 ok; 2 usage, settings, input").And.Contain("3 Kafka unreachable").And.Contain("--refused-record-timeout"));
    }

    [Test]
    public void The_stack_trace_is_there_for_those_who_ask_for_it()
    {
        using var p = CliProcess.Start("--log-level", "Debug", "tail", "-b", Nowhere, "--timeout", "1", "--exit-at-end");
        Assert.That(p.WaitForExit(Patience), Is.EqualTo(3));
        var fatal = p.Events.Single(e => Level(e) == "Fatal");
        Assert.That(fatal.TryGetProperty("@x", out var stack) && stack.GetString()!.Contains("KafkaUnavailableException"), Is.True);
    }

    [Test]
    public void Credentials_the_broker_refuses_stop_run_with_exit_3_not_retried_forever()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default, pcap: 1));
        // The embedded broker speaks no SASL, so any login fails: librdkafka reports it as an authentication error.
        using var run = CliProcess.Start("run", "-b", broker.BootstrapServers, "--state-dir", Path.Combine(_scratch, "state"),
            "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanism=SCRAM-SHA-256", "-X", "sasl.username=alice", "-X", "sasl.password=wrong");
        Assert.That(run.WaitForExit(Patience), Is.EqualTo(3), () => string.Join("\n", run.Stderr));
        var line = AssertOneClearLine(run, broker.BootstrapServers);
        Assert.That(line, Does.Contain("refused the connection's credentials or permissions").And.Contain("Local_Authentication"));
    }

    [Test]
    public void Produce_skips_records_that_are_not_packets_names_their_lines_and_sends_the_rest()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default, pcap: 1));
        var input = Path.Combine(_scratch, "mixed.ndjson");
        File.WriteAllLines(input, [Encoding.UTF8.GetString(TestPackets.Recipe(Tom, "t1")), "x", """{"no":"layers"}""",
            Encoding.UTF8.GetString(TestPackets.Recipe(Tom, "t2"))]);
        using var p = CliProcess.StartWithInput(input, "produce", "-b", broker.BootstrapServers, "--topic", "pcap");
        Assert.That(p.WaitForExit(Patience), Is.EqualTo(2), () => string.Join("\n", p.Stderr));
        var skipped = p.Events.Where(e => LogEvents.Render(e).StartsWith("Input record", StringComparison.Ordinal)).ToList();
        Assert.That(skipped.Select(e => e.Long("Line")), Is.EqualTo(new long[] { 2, 3 }));
        var summary = p.Event("Produced");
        Assert.That((summary.Long("Records"), summary.Long("NotPackets")), Is.EqualTo((2L, 2L)));
        Assert.That(KafkaTest.ReadAll(broker.BootstrapServers, "pcap"), Has.Count.EqualTo(2), "the packets around them were sent");
        Assert.That(p.Stderr.Any(l => l.Contains("\"@x\"", StringComparison.Ordinal)), Is.False, "no stack trace");
    }

    [Test]
    public void Produce_to_a_table_topic_stops_at_a_line_without_a_key_with_exit_2_and_one_line()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default, pcap: 1));
        var input = Path.Combine(_scratch, "employees.txt");
        File.WriteAllLines(input, ["""100:{"key":"100","name":"Tom","watch_flag":"YES"}""", "x", """101:{"key":"101"}"""]);
        using var p = CliProcess.StartWithInput(input, "produce", "-b", broker.BootstrapServers, "--topic", "employees");
        Assert.That(p.WaitForExit(Patience), Is.EqualTo(2), () => string.Join("\n", p.Stderr));
        var line = AssertOneClearLine(p, "stdin: line 2");
        Assert.That(line, Does.Contain("expected 'key:json'"));
        Assert.That(KafkaTest.ReadAll(broker.BootstrapServers, "employees").Select(r => r.Key), Is.EqualTo(new[] { "100" }),
            "the line before it was sent, none after it");
    }

    [Test]
    public void Run_started_before_Kafka_waits_saying_so_then_joins_when_the_broker_comes_up()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default, pcap: 2));
        SeedTom(broker);
        broker.SetDown();

        using var run = CliProcess.Start("run", "-b", broker.BootstrapServers, "--state-dir", Path.Combine(_scratch, "state"),
            "--status-interval", "0");
        KafkaTest.WaitUntil(() => Waiting(run).Any(e => e.Long("Seconds") >= 15) || run.HasExited, Patience,
            "a 'Waiting for Kafka' line 15 s into the wait");
        Assert.That(run.HasExited, Is.False, "still waiting after 15 s");
        var waiting = Waiting(run);
        Assert.That(waiting, Has.Count.InRange(2, 3), "one line per 10 s, not one per retry");
        Assert.That(waiting.Last().Long("Tries"), Is.GreaterThan(waiting.Count), "it retried more often than it said so");
        Assert.That(Problems(run).Select(LogEvents.Render).Where(l => !l.StartsWith("Waiting for Kafka", StringComparison.Ordinal)),
            Is.Empty, "nothing else to say while waiting");

        broker.SetUp();
        run.WaitForLog("Joining", Patience);
        KafkaTest.WaitUntil(() => KafkaTest.ReadAll(broker.BootstrapServers, TopicNames.Default.Output).Count == 2, Patience,
            "Tom's two packets matched");
        run.Terminate();
        Assert.That(run.WaitForExit(Patience), Is.Zero);
        Assert.That(run.Stderr, Is.All.StartsWith("{"), "no raw librdkafka line");
    }

    [Test]
    public void An_outage_while_running_is_told_once_when_it_starts_and_once_when_it_ends()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopics(TopicLayout.For(TopicNames.Default, pcap: 2));
        SeedTom(broker);
        // Retrying and rejoining with a short session and poll interval: the same outage and the same answers, in seconds
        // (the embedded broker waits the poll interval for the member it lost before it assigns again: a minute here before).
        using var run = CliProcess.Start("run", "-b", broker.BootstrapServers, "--state-dir", Path.Combine(_scratch, "state"),
            "--status-interval", "1", "-X", "reconnect.backoff.max.ms=1000", "-X", "session.timeout.ms=3000", "-X", "heartbeat.interval.ms=500",
            "-X", "max.poll.interval.ms=6000");
        run.WaitForLog("Joining", Patience);
        KafkaTest.WaitUntil(() => KafkaTest.ReadAll(broker.BootstrapServers, TopicNames.Default.Output).Count == 2, Patience, "first matches");

        broker.SetDown();
        run.WaitForLog("unreachable", Patience);
        // Several seconds of outage (librdkafka retries many times in them), counted by the status line's ticks.
        int statusBefore = Status(run);
        KafkaTest.WaitUntil(() => Status(run) >= statusBefore + 4, Patience, "four status lines into the outage");
        broker.SetUp();
        run.WaitForLog("reachable again", Patience);

        KafkaTest.Produce(broker.BootstrapServers, TopicNames.Default.Pcap, [TestPackets.Recipe(Tom, "after")]);
        // At least once: packets whose commit the outage refused may be matched again; the new one must be there.
        KafkaTest.WaitUntil(() => KafkaTest.ReadAll(broker.BootstrapServers, TopicNames.Default.Output)
            .Any(r => r.Value?.GetProperty("P_FRAME_TIME").GetString() == "after"), Patience, "a packet after the outage matched");
        var logs = run.Logs;
        Assert.That(logs.Count(l => l.Contains("unreachable", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", logs));
        Assert.That(logs.Count(l => l.Contains("reachable again", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", logs));
        run.Terminate();
        Assert.That(run.WaitForExit(Patience), Is.Zero);
    }

    private static void SeedTom(EmbeddedBroker broker)
    {
        KafkaTest.Produce(broker.BootstrapServers, TopicNames.Default.Employees, [("100", """{"key":"100","name":"Tom","watch_flag":"YES"}""")]);
        KafkaTest.Produce(broker.BootstrapServers, TopicNames.Default.Computers, [("1", $$"""{"comp_id":1,"empkey":"100","macaddr":"{{Tom}}"}""")]);
        KafkaTest.Produce(broker.BootstrapServers, TopicNames.Default.Pcap, [TestPackets.Recipe(Tom, "t1"), TestPackets.Recipe(Tom, "t2")]);
    }

    private static List<JsonElement> Waiting(CliProcess run) =>
        run.Events.Where(e => LogEvents.Render(e).StartsWith("Waiting for Kafka", StringComparison.Ordinal)).ToList();

    private static int Status(CliProcess run) => run.Events.Count(e => LogEvents.Render(e).StartsWith("Status:", StringComparison.Ordinal));

    private static string? Level(JsonElement e) => e.TryGetProperty("@l", out var l) ? l.GetString() : "Information";

    private static List<JsonElement> Problems(CliProcess p) =>
        p.Events.Where(e => Level(e) is "Warning" or "Error" or "Fatal").ToList();

    /// <summary>Every stderr line a log event, exactly one of them a problem, fatal, naming where, with no stack trace.</summary>
    private static string AssertOneClearLine(CliProcess p, string where)
    {
        Assert.That(p.Stderr, Is.All.StartsWith("{"), "no raw librdkafka line");
        var problems = Problems(p);
        Assert.That(problems, Has.Count.EqualTo(1), () => string.Join("\n", p.Logs));
        Assert.That(Level(problems[0]), Is.EqualTo("Fatal"));
        Assert.That(problems[0].TryGetProperty("@x", out _), Is.False, "no stack trace below --log-level Debug");
        var line = LogEvents.Render(problems[0]);
        Assert.That(line, Does.Contain(where));
        return line;
    }
}
