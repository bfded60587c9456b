namespace PcapWatch.Dashboard;

/// <summary>
/// The newest matches, numbered: each live-feed client remembers the last number it sent and asks for what came after,
/// so no client has a queue of its own and a slow one cannot hold memory (it is told how many it missed). Writers and
/// readers share the dashboard's lock; <see cref="WaitAfterAsync"/> is the only wait, and it waits outside it.
/// </summary>
internal sealed class MatchFeed(int capacity)
{
    private readonly FeedItem?[] _ring = new FeedItem?[Math.Max(1, capacity)];
    private TaskCompletionSource _arrived = NewSignal();

    /// <summary>The number of the newest match (0 before the first).</summary>
    public long LastSeq { get; private set; }

    public FeedItem Add(Func<long, FeedItem> make)
    {
        var item = make(LastSeq + 1);
        _ring[item.Seq % _ring.Length] = item;
        LastSeq = item.Seq;
        return item;
    }

    /// <summary>Wakes the waiting clients; called once per batch read, not per match.</summary>
    public void Signal()
    {
        var arrived = Interlocked.Exchange(ref _arrived, NewSignal());
        arrived.TrySetResult();
    }

    /// <summary>Completes when a match after <paramref name="seq"/> exists (at once if one does).</summary>
    public Task WaitAfterAsync(long seq, CancellationToken cancel)
    {
        var arrived = Volatile.Read(ref _arrived).Task;
        return seq < LastSeq ? Task.CompletedTask : arrived.WaitAsync(cancel);
    }

    /// <summary>
    /// The matches after <paramref name="seq"/>, oldest first, and how many of them fell out of the ring.
    /// </summary>
    public (List<FeedItem> Items, long Missed) After(long seq)
    {
        long first = Math.Max(seq + 1, LastSeq - _ring.Length + 1);
        var items = new List<FeedItem>((int)Math.Max(0, LastSeq - first + 1));
        for (long s = first; s <= LastSeq; s++)
        {
            if (_ring[s % _ring.Length] is { } item && item.Seq == s) items.Add(item);
        }
        return (items, Math.Max(0, first - seq - 1));
    }

    /// <summary>The newest matches that pass <paramref name="filter"/>, newest first.</summary>
    public List<FeedItem> Newest(int limit, Func<FeedItem, bool> filter)
    {
        var items = new List<FeedItem>();
        for (long s = LastSeq; s > Math.Max(0, LastSeq - _ring.Length) && items.Count < limit; s--)
        {
            if (_ring[s % _ring.Length] is { } item && item.Seq == s && filter(item)) items.Add(item);
        }
        return items;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
