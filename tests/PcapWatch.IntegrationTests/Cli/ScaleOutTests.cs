using System.Text.RegularExpressions;
using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.Broker;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Kafka;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// Several `run` processes in one consumer group: the pcap partitions are split among them, every instance holds the
/// whole tables, and instances can die and join without losing a match. Run with the classic group protocol (the
/// default: eager round-robin) and with KIP-848's broker-side assignment (-X group.protocol=consumer).
/// </summary>
[TestFixture("classic")]
[TestFixture("consumer")]
public partial class ScaleOutTests(string groupProtocol)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private const string Group = "scale";
    private readonly TopicNames _topics = TopicNames.Default;
    private string _scratch = null!;
    private EmbeddedBroker _broker = null!;

    [SetUp]
    public void Start()
    {
        Directory.CreateDirectory(_scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-scale-" + Guid.NewGuid().ToString("N")));
        _broker = EmbeddedBroker.Start();
        _broker.CreateTopics(TopicLayout.For(_topics, pcap: 12));
        Infrastructure.Kafka.Produce(_broker.BootstrapServers, _topics.Employees, Enumerable.Range(0, 100).Select(i =>
            ((string?)$"e{i}", (string?)$$"""{"key":"e{{i}}","name":"Employee {{i}}","watch_flag":"{{(i < 5 ? "YES" : "NO")}}"}""")));
        Infrastructure.Kafka.Produce(_broker.BootstrapServers, _topics.Computers, Enumerable.Range(0, 100).Select(i =>
            ((string?)$"c{i}", (string?)$$"""{"comp_id":{{i}},"empkey":"e{{i}}","macaddr":"{{Mac(i)}}"}""")));
    }

    [TearDown]
    public void Stop()
    {
        _broker.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    private static string Mac(int i) => new PcapWatch.Packets.MacAddress(0x02_0000_000000L + i).ToString();

    private CliProcess StartInstance(string name, params string[] extra)
    {
        // A killed member leaves the classic group after its session: 3 s here rather than 10 (KIP-848's is the broker's).
        string[] session = groupProtocol == "classic" ? ["-X", "session.timeout.ms=3000", "-X", "heartbeat.interval.ms=500"] : [];
        var run = CliProcess.Start(["run", "--bootstrap-servers", _broker.BootstrapServers, "--group-id", Group,
            "--instance-id", name, "--state-dir", Path.Combine(_scratch, name), "-X", $"group.protocol={groupProtocol}", .. session, .. extra]);
        run.WaitForLog("Joining", Patience);
        return run;
    }

    /// <summary>Writes packets p-0…p-(n-1) (MAC i % 100, so 5 % are watched) spread over ~<paramref name="seconds"/>.</summary>
    private Task Feed(string label, int packets, double seconds, Func<int, int>? macOf = null) => Task.Run(() =>
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(_broker.BootstrapServers)).Build();
        int chunk = Math.Max(1, (int)(packets / (seconds * 10)));
        for (int i = 0; i < packets; i++)
        {
            producer.Produce(_topics.Pcap, new Message<byte[]?, byte[]?> { Value = TestPackets.Recipe(Mac(macOf?.Invoke(i) ?? i % 100), $"{label}-{i}") });
            if (i % chunk == chunk - 1)
            {
                producer.Flush(Patience);
                Thread.Sleep(100);
            }
        }
        Assert.That(producer.Flush(Patience), Is.Zero);
    });

    /// <summary>
    /// Packets labelled <paramref name="label"/>-0, -1, … at 5,000 a second until <paramref name="until"/> completes,
    /// then <paramref name="after"/> more; the count fed. However loaded the machine, the feed is still going when the
    /// test says so (a minute at most, so a failed test cannot leave it running).
    /// </summary>
    private Task<int> FeedUntil(string label, Task until, int after) => Task.Run(() =>
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(_broker.BootstrapServers)).Build();
        int i = 0, end = 300_000;
        for (; i < end; i++)
        {
            if (until.IsCompleted && end == 300_000) end = i + after;
            producer.Produce(_topics.Pcap, new Message<byte[]?, byte[]?> { Value = TestPackets.Recipe(Mac(i % 100), $"{label}-{i}") });
            if (i % 500 == 499)
            {
                producer.Flush(Patience);
                Thread.Sleep(100);
            }
        }
        Assert.That(producer.Flush(Patience), Is.Zero);
        return i;
    });

    private void WaitCommitted(params CliProcess[] runs)
    {
        try
        {
            Infrastructure.Kafka.WaitForCommittedToEnd(_broker.BootstrapServers, Group, _topics.Pcap, Patience);
        }
        catch (AssertionException)
        {
            foreach (var r in runs) TestContext.Out.WriteLine("log:\n" + string.Join("\n", r.Stderr));
            throw;
        }
    }

    private static long PacketsOf(CliProcess stopped)
    {
        return stopped.Summary().Packets;
    }

    private static void StopAll(params CliProcess[] runs)
    {
        foreach (var r in runs) r.Terminate();
        foreach (var r in runs) Assert.That(r.WaitForExit(TimeSpan.FromSeconds(15)), Is.Zero, () => string.Join("\n", r.Stderr));
    }

    private HashSet<string> OutputFrameTimes(out int records)
    {
        var output = Infrastructure.Kafka.ReadAll(_broker.BootstrapServers, _topics.Output);
        records = output.Count;
        return output.Select(r => r.Value!.Value.GetProperty("P_FRAME_TIME").GetString()!).ToHashSet();
    }

    [Test]
    public void Three_instances_share_the_partitions_and_deliver_every_match()
    {
        using var a = StartInstance("a");
        using var b = StartInstance("b");
        using var c = StartInstance("c");
        Feed("p", 50_000, seconds: 8).GetAwaiter().GetResult();
        WaitCommitted(a, b, c);
        StopAll(a, b, c);

        var perInstance = new[] { a, b, c }.Select(PacketsOf).ToArray();
        TestContext.Out.WriteLine($"packets per instance: {string.Join(", ", perInstance)}");
        Assert.That(perInstance, Is.All.GreaterThan(0), "every instance processed some partitions");
        Assert.That(perInstance.Sum(), Is.GreaterThanOrEqualTo(50_000));
        var expected = Enumerable.Range(0, 50_000).Where(i => i % 100 < 5).Select(i => $"p-{i}").ToHashSet();
        Assert.That(expected.Except(OutputFrameTimes(out _)), Is.Empty);
    }

    [Test]
    public void One_instance_killed_mid_work_and_another_started_later_lose_nothing()
    {
        using var a = StartInstance("a");
        // b commits only for partitions a rebalance takes away: what it matched after the group settled stays uncommitted,
        // so its kill must cause redeliveries.
        using var b = StartInstance("b", "--commit-interval", "3600", "--status-interval", "0.2");
        using var c = StartInstance("c");
        // Packets keep coming until the late instance has some of its own, however long the group takes under load.
        var enough = new TaskCompletionSource();
        var feeding = FeedUntil("k", enough.Task, after: 5_000);
        WaitForSettledGroup(a, b, c);
        int settled = b.Events.Length;
        // b is at work: two of its status lines after the group settled, the later with more matches.
        Infrastructure.Kafka.WaitUntil(() => MatchesSince(b, settled) is [var first, .., var last] && last > first || b.HasExited,
            Patience, "b matching packets in the settled group");
        Assert.That(feeding.IsCompleted, Is.False, "the packets are still coming: the kill interrupts work");
        b.Crash();
        Assert.That(b.Events.Skip(settled).Any(e => IsRevocation(e)), Is.False, "nothing of b's was committed after the group settled");
        using var d = StartInstance("d", "--status-interval", "0.2");
        Infrastructure.Kafka.WaitUntil(() => d.Events.Any(e => LogEvents.Render(e).StartsWith("Status: ", StringComparison.Ordinal)
            && e.Long("Packets") > 0) || d.HasExited, Patience, "the late instance consuming packets");
        enough.SetResult();
        int fed = feeding.GetAwaiter().GetResult();
        WaitCommitted(a, c, d);
        StopAll(a, c, d);

        Assert.That(PacketsOf(d), Is.GreaterThan(0), "the late instance took over partitions");
        var expected = Enumerable.Range(0, fed).Where(i => i % 100 < 5).Select(i => $"k-{i}").ToHashSet();
        var matched = OutputFrameTimes(out int records);
        Assert.That(expected.Except(matched), Is.Empty);
        TestContext.Out.WriteLine($"kill/join test: {expected.Count} expected matches, {records} records, duplicates={records - matched.Count}");
        Assert.That(records - matched.Count, Is.GreaterThan(0), "b's uncommitted matches were read and matched again by its successors");
    }

    private static long[] MatchesSince(CliProcess run, int eventIndex) => run.Events.Skip(eventIndex)
        .Where(e => LogEvents.Render(e).StartsWith("Status: ", StringComparison.Ordinal)).Select(e => e.Long("Matches")).ToArray();

    private static bool IsRevocation(System.Text.Json.JsonElement e) => LogEvents.Render(e) is var line
        && (line.StartsWith("Released pcap partitions", StringComparison.Ordinal) || line.StartsWith("Lost pcap partitions", StringComparison.Ordinal));

    /// <summary>
    /// Waits until the instances' own logs say they hold every pcap partition between them, each exactly once: the
    /// rebalances that their joining started are over.
    /// </summary>
    private static void WaitForSettledGroup(params CliProcess[] runs) => Infrastructure.Kafka.WaitUntil(() =>
    {
        var held = runs.SelectMany(HeldPartitions).ToList();
        return held.Count == 12 && held.Distinct().Count() == 12;
    }, Patience, "the group to settle with all 12 partitions assigned");

    /// <summary>The partitions an instance holds by its log: those assigned and not since released or lost.</summary>
    private static HashSet<int> HeldPartitions(CliProcess run)
    {
        var held = new HashSet<int>();
        foreach (var e in run.Events)
        {
            var line = LogEvents.Render(e);
            bool assigned = line.StartsWith("Assigned pcap partitions", StringComparison.Ordinal);
            if (!assigned && !IsRevocation(e)) continue;
            foreach (var p in (e.Text("Partitions") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
            {
                if (assigned) held.Add(p); else held.Remove(p);
            }
        }
        return held;
    }

    [Test]
    public void A_table_update_during_the_run_reaches_every_instance()
    {
        using var a = StartInstance("a");
        using var b = StartInstance("b");
        using var c = StartInstance("c");
        Feed("before", 3000, seconds: 1, macOf: _ => 50).GetAwaiter().GetResult();
        WaitCommitted(a, b, c); // consumed (and committed) before the update, so none of them may match

        Infrastructure.Kafka.Produce(_broker.BootstrapServers, _topics.Employees, [("e50", """{"key":"e50","name":"Fifty","watch_flag":"YES"}""")]);
        WaitForUpserts(Mac(50), instances: 3);
        // Spread over all 12 partitions, so each instance sees some of e50's packets.
        Feed("after", 3000, seconds: 1, macOf: _ => 50).GetAwaiter().GetResult();
        WaitCommitted(a, b, c);
        StopAll(a, b, c);

        // Each instance's own count: every one of them matched e50's packets, so every one applied the update.
        var matchesPerInstance = new[] { a, b, c }.Select(r => r.Summary().Matches).ToArray();
        TestContext.Out.WriteLine($"matches per instance: {string.Join(", ", matchesPerInstance)}");
        Assert.That(matchesPerInstance, Is.All.GreaterThan(0), "each instance matched the newly watched employee's packets");
        Assert.That(matchesPerInstance.Sum(), Is.EqualTo(3000), "together, each of the 3,000 packets once");
        var matched = OutputFrameTimes(out _);
        Assert.That(matched.Count(m => m.StartsWith("after-", StringComparison.Ordinal)), Is.EqualTo(3000), "on whichever instance");
        Assert.That(matched.Count(m => m.StartsWith("before-", StringComparison.Ordinal)), Is.Zero);
    }

    /// <summary>
    /// Every instance publishes its index changes to the changelog topic, so one upsert per instance for a MAC is the
    /// observable sign that all of them applied the table update.
    /// </summary>
    private void WaitForUpserts(string mac, int instances) =>
        Infrastructure.Kafka.WaitUntil(() => Infrastructure.Kafka.ReadAll(_broker.BootstrapServers, _topics.Changelog)
            .Count(r => r.Key == mac && r.Value is not null) >= instances, Patience, $"{instances} instances to watch {mac}");
}
