using CsCheck;
using NUnit.Framework;
using PcapWatch.Output;
using PcapWatch.Tools;

namespace PcapWatch.Tests.Tools;

/// <summary>
/// Issue "Counted once": a model of the writer's delivery — records produced in offset order, a commit only once
/// everything produced before it is acknowledged, crashes that lose some of what was in flight and restart from the
/// last commit — and a reader taking the output partitions in any interleaving. Whatever the history, the reader counts
/// each match exactly once: what a run without crashes would have produced.
/// </summary>
public class RepeatFilterTests
{
    private const int OutputPartitions = 3;

    /// <summary>One packet: how many matches it makes and the output partition of each (its MAC's).</summary>
    private static readonly Gen<int[]> Packet = Gen.Int[0, OutputPartitions - 1].Array[0, 2];

    /// <summary>What the writer does after each packet: 0 go on, 1 commit, 2 crash.</summary>
    private static readonly Gen<int> Step = Gen.Frequency((6, Gen.Const(0)), (2, Gen.Const(1)), (1, Gen.Const(2)));

    [Test]
    public void Any_history_of_crashes_and_any_interleaving_counts_each_match_once()
    {
        Gen.Select(Packet.Array[1, 40], Step.Array[40], Gen.Int[0, 1000].Array[60], Gen.Int).Sample((packets, steps, luck, seed) =>
        {
            var logs = Write(packets, steps, luck);
            var filter = new RepeatFilter();
            var counted = new List<(long, int)>();
            foreach (var (partition, origin) in Interleave(logs, new Random(seed)))
            {
                if (filter.IsFirst(partition, origin)) counted.Add((origin.Offset, origin.Index));
            }
            var expected = packets.SelectMany((m, o) => m.Select((_, i) => ((long)o, i))).ToList();
            Assert.That(counted, Is.EquivalentTo(expected), "each match counted once, none missing");
            Assert.That(filter.Repeats, Is.EqualTo(logs.Sum(l => l.Count) - expected.Count));
        }, iter: 3_000);
    }

    [Test]
    public void A_long_healthy_run_is_remembered_only_back_to_the_last_commit()
    {
        var filter = new RepeatFilter();
        long floor = 0;
        for (long o = 0; o < 100_000; o++)
        {
            if (o % 100 == 0) floor = o; // a commit every 100 packets
            Assert.That(filter.IsFirst((int)(o % OutputPartitions), new MatchOrigin(0, o, 0, floor)), Is.True);
        }
        Assert.That(filter.Remembered, Is.LessThanOrEqualTo(100 + OutputPartitions), "the matches since the last commit, not the topic");
        Assert.That((filter.Repeats, filter.Unverifiable), Is.EqualTo((0L, 0L)));
    }

    [Test]
    public void A_record_without_an_origin_is_counted_each_time_and_counted_as_unverifiable()
    {
        var filter = new RepeatFilter();
        var forged = new Confluent.Kafka.Headers { { MatchOrigin.Header, System.Text.Encoding.ASCII.GetBytes("0/5/0/9") } };
        Assert.That(new[] { filter.IsFirst(0, null), filter.IsFirst(0, null), filter.IsFirst(0, forged), filter.IsFirst(0, forged) },
            Is.All.True);
        Assert.That((filter.Repeats, filter.Unverifiable), Is.EqualTo((0L, 4L)));
    }

    /// <summary>
    /// The writer over one pcap partition: produces each packet's matches (in flight until acknowledged), acknowledges
    /// in order per output partition at random, commits only after everything in flight is acknowledged, and on a
    /// crash loses a random tail of what was in flight, then starts again from the last commit. It ends by processing
    /// everything and flushing. Returns each output partition's log, in append order.
    /// </summary>
    private static List<List<MatchOrigin>> Write(int[][] packets, int[] steps, int[] luck)
    {
        var logs = Enumerable.Range(0, OutputPartitions).Select(_ => new List<MatchOrigin>()).ToList();
        var inFlight = Enumerable.Range(0, OutputPartitions).Select(_ => new Queue<MatchOrigin>()).ToList();
        long committed = 0;
        int crashes = 0, chance = 0;
        void Deliver(int p, int count)
        {
            for (int k = 0; k < count && inFlight[p].Count > 0; k++) logs[p].Add(inFlight[p].Dequeue());
        }
        for (long o = 0; o < packets.Length; o++)
        {
            for (int i = 0; i < packets[o].Length; i++) inFlight[packets[o][i]].Enqueue(new MatchOrigin(0, o, i, committed));
            for (int p = 0; p < OutputPartitions; p++) Deliver(p, luck[chance++ % luck.Length] % 3);
            int step = crashes < 6 ? steps[o % steps.Length] : Math.Min(1, steps[o % steps.Length]);
            if (step == 1)
            {
                for (int p = 0; p < OutputPartitions; p++) Deliver(p, int.MaxValue);
                committed = o + 1;
            }
            else if (step == 2)
            {
                // What the broker had is in the log; the rest of what was in flight is lost with the process.
                for (int p = 0; p < OutputPartitions; p++)
                {
                    Deliver(p, luck[chance++ % luck.Length] % (inFlight[p].Count + 1));
                    inFlight[p].Clear();
                }
                crashes++;
                o = committed - 1;
            }
        }
        for (int p = 0; p < OutputPartitions; p++) Deliver(p, int.MaxValue);
        return logs;
    }

    /// <summary>The partitions' logs read in a random interleaving, each in its own order.</summary>
    private static IEnumerable<(int Partition, MatchOrigin Origin)> Interleave(List<List<MatchOrigin>> logs, Random random)
    {
        var next = new int[logs.Count];
        while (true)
        {
            var open = Enumerable.Range(0, logs.Count).Where(p => next[p] < logs[p].Count).ToList();
            if (open.Count == 0) yield break;
            int p = open[random.Next(open.Count)];
            yield return (p, logs[p][next[p]++]);
        }
    }
}
