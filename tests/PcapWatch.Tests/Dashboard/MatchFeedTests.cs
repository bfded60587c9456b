using CsCheck;
using NUnit.Framework;
using PcapWatch.Dashboard;

namespace PcapWatch.Tests.Dashboard;

public class MatchFeedTests
{
    private static FeedItem Item(long seq, string emp) => new(seq, DateTimeOffset.UnixEpoch, null, emp, emp, null, "eth:ip", null, null, 60, null);

    [Test]
    public void After_gives_every_kept_match_after_a_number_once_in_order_and_counts_what_fell_out()
    {
        Gen.Select(Gen.Int[1, 20], Gen.Int[0, 60], Gen.Int[0, 70]).Sample((capacity, adds, seen) =>
        {
            var feed = new MatchFeed(capacity);
            for (int i = 0; i < adds; i++) feed.Add(seq => Item(seq, "e" + (i % 3)));
            long from = Math.Min(seen, adds);
            var (items, missed) = feed.After(from);
            long firstKept = Math.Max(from + 1, adds - capacity + 1);
            return items.Select(i => i.Seq).SequenceEqual(Enumerable.Range((int)firstKept, (int)Math.Max(0, adds - firstKept + 1)).Select(i => (long)i))
                && missed == firstKept - from - 1
                && feed.LastSeq == adds;
        });
    }

    [Test]
    public void Newest_is_newest_first_and_filtered()
    {
        var feed = new MatchFeed(10);
        for (int i = 0; i < 25; i++) feed.Add(seq => Item(seq, i % 2 == 0 ? "even" : "odd"));
        var odd = feed.Newest(3, i => i.EmpId == "odd");
        Assert.That(odd.Select(i => i.Seq), Is.EqualTo(new long[] { 24, 22, 20 }));
        Assert.That(feed.Newest(100, _ => true), Has.Count.EqualTo(10), "only what the ring keeps");
    }

    [Test]
    public async Task A_waiter_wakes_on_the_signal_after_a_match_and_at_once_when_one_is_already_there()
    {
        var feed = new MatchFeed(4);
        var waiting = feed.WaitAfterAsync(0, CancellationToken.None);
        Assert.That(waiting.IsCompleted, Is.False);
        feed.Add(seq => Item(seq, "e"));
        feed.Signal();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(feed.WaitAfterAsync(0, CancellationToken.None).IsCompleted, Is.True);
        Assert.That(feed.WaitAfterAsync(1, CancellationToken.None).IsCompleted, Is.False);
    }
}
