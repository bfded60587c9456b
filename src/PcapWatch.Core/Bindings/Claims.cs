using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>
/// The MACs claiming an address at one moment: each MAC once, oldest claim first. More than one is a conflict that no
/// rule settles (<see cref="Contested"/>): every claimant is named, none wins by speaking last or by its MAC's value.
/// Enumerated over the address's own list, without allocating (the packet path asks this for every routed packet).
/// </summary>
public ref struct Claims
{
    private readonly ReadOnlySpan<IpBindings.Interval> _intervals;
    private readonly long _atMs;
    private int _index;

    internal Claims(ReadOnlySpan<IpBindings.Interval> intervals, long atMs)
    {
        _intervals = intervals;
        _atMs = atMs;
        _index = -1;
        Contested = CountAtLeastTwo(intervals, atMs);
    }

    /// <summary>Whether two or more MACs claim the address at that moment.</summary>
    public bool Contested { get; }

    public readonly IpBindings.Interval Current => _intervals[_index];

    public readonly Claims GetEnumerator() => this;

    public bool MoveNext()
    {
        while (++_index < _intervals.Length)
        {
            if (Covers(_intervals[_index], _atMs) && !ClaimedEarlier(_intervals, _index, _atMs)) return true;
        }
        return false;
    }

    private static bool Covers(in IpBindings.Interval x, long atMs) => x.FromMs <= atMs && atMs < x.UntilMs;

    /// <summary>
    /// The same MAC already enumerated (intervals adopted from other instances may overlap their own).
    /// </summary>
    private static bool ClaimedEarlier(ReadOnlySpan<IpBindings.Interval> intervals, int index, long atMs)
    {
        MacAddress mac = intervals[index].Mac;
        for (int i = 0; i < index; i++)
        {
            if (intervals[i].Mac == mac && Covers(intervals[i], atMs)) return true;
        }
        return false;
    }

    private static bool CountAtLeastTwo(ReadOnlySpan<IpBindings.Interval> intervals, long atMs)
    {
        MacAddress? first = null;
        foreach (var x in intervals)
        {
            if (!Covers(x, atMs)) continue;
            if (first is null) first = x.Mac;
            else if (x.Mac != first.Value) return true;
        }
        return false;
    }
}
