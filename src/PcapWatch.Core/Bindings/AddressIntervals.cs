using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>
/// The rules on one address's intervals, oldest first (by <c>FromMs</c>, then MAC): where one goes, which of them a
/// MAC's statement joins, what a release cuts. The intervals of one MAC are kept apart from each other (a statement
/// that meets one joins it), so at any moment each MAC claims the address at most once. Loops, not lambdas: a lambda
/// capturing a parameter allocates its closure on every call.
/// </summary>
internal static class AddressIntervals
{
    /// <summary>Where an interval beginning at <paramref name="fromMs"/> goes, in (from, MAC) order.</summary>
    public static int InsertionPoint(List<IpBindings.Interval> intervals, long fromMs, MacAddress mac)
    {
        int i = intervals.Count;
        while (i > 0 && (intervals[i - 1].FromMs > fromMs || (intervals[i - 1].FromMs == fromMs && intervals[i - 1].Mac.Value > mac.Value))) i--;
        return i;
    }

    /// <summary>The interval of <paramref name="mac"/> that [from, until) meets (overlaps or touches), or −1.</summary>
    public static int Meeting(List<IpBindings.Interval> intervals, MacAddress mac, long fromMs, long untilMs)
    {
        for (int i = 0; i < intervals.Count; i++)
        {
            var x = intervals[i];
            if (x.Mac == mac && !IsRelease(x) && x.FromMs <= untilMs && fromMs <= x.UntilMs) return i;
        }
        return -1;
    }

    /// <summary>
    /// Another MAC's interval running at some time in [from, until): a claim this one contests, if any.
    /// </summary>
    public static int OtherClaimDuring(List<IpBindings.Interval> intervals, MacAddress mac, long fromMs, long untilMs)
    {
        for (int i = 0; i < intervals.Count; i++)
        {
            var x = intervals[i];
            if (x.Mac != mac && !IsRelease(x) && x.FromMs < untilMs && fromMs < x.UntilMs) return i;
        }
        return -1;
    }

    /// <summary>A release is kept as a zero-length marker (it never holds the address).</summary>
    public static bool IsRelease(in IpBindings.Interval x) => x.Source == BindingSource.DhcpRelease;

    public static bool HasRelease(List<IpBindings.Interval> intervals, MacAddress mac, long atMs)
    {
        foreach (var x in intervals)
        {
            if (IsRelease(x) && x.Mac == mac && x.FromMs == atMs) return true;
        }
        return false;
    }

    /// <summary>A statement of <paramref name="mac"/> ends at its first release at or after its start.</summary>
    public static long CutByRelease(List<IpBindings.Interval> intervals, MacAddress mac, long fromMs, long untilMs)
    {
        foreach (var x in intervals)
        {
            if (IsRelease(x) && x.Mac == mac && x.FromMs >= fromMs && x.FromMs < untilMs) untilMs = x.FromMs;
        }
        return untilMs;
    }

    /// <summary>
    /// Joins a statement [at, until) of the MAC into its interval at <paramref name="index"/>, and any other of its
    /// intervals the result now meets. Returns the joined interval (at its new index).
    /// </summary>
    public static int Join(List<IpBindings.Interval> intervals, int index, long atMs, long untilMs)
    {
        var held = intervals[index];
        var joined = held with
        {
            FromMs = Math.Min(held.FromMs, atMs),
            UntilMs = Math.Max(held.UntilMs, untilMs),
            LastStatedMs = Math.Max(held.LastStatedMs, atMs),
            LastUntilMs = atMs > held.LastStatedMs ? untilMs
                : atMs == held.LastStatedMs ? Math.Max(held.LastUntilMs, untilMs) : held.LastUntilMs,
        };
        intervals.RemoveAt(index);
        int other;
        while ((other = Meeting(intervals, joined.Mac, joined.FromMs, joined.UntilMs)) >= 0)
        {
            var x = intervals[other];
            intervals.RemoveAt(other);
            joined = joined with
            {
                FromMs = Math.Min(joined.FromMs, x.FromMs),
                UntilMs = Math.Max(joined.UntilMs, x.UntilMs),
                LastStatedMs = Math.Max(joined.LastStatedMs, x.LastStatedMs),
                LastUntilMs = x.LastStatedMs > joined.LastStatedMs ? x.LastUntilMs : joined.LastUntilMs,
                PublishedUntilMs = Math.Max(joined.PublishedUntilMs, x.PublishedUntilMs),
                Conflicted = joined.Conflicted || x.Conflicted,
            };
        }
        int at = InsertionPoint(intervals, joined.FromMs, joined.Mac);
        intervals.Insert(at, joined);
        return at;
    }

    /// <summary>
    /// Ends every interval of <paramref name="mac"/> running at <paramref name="atMs"/> there. A statement made after
    /// the release but read before it (another partition) holds again from then, for as long as it runs. Returns the
    /// interval that was cut (published as stated at the release, so other instances take it over the one before), or
    /// the release's own marker when nothing was running.
    /// </summary>
    public static IpBindings.Interval Release(List<IpBindings.Interval> intervals, MacAddress mac, long atMs)
    {
        var ended = new IpBindings.Interval(mac, atMs, atMs, BindingSource.DhcpRelease, atMs);
        if (!HasRelease(intervals, mac, atMs)) intervals.Insert(InsertionPoint(intervals, atMs, mac), ended);
        for (int i = 0; i < intervals.Count; i++)
        {
            var held = intervals[i];
            if (held.Mac != mac || IsRelease(held) || held.FromMs > atMs || atMs >= held.UntilMs) continue;
            intervals[i] = held with { UntilMs = atMs, LastUntilMs = Math.Min(held.LastUntilMs, atMs) };
            ended = intervals[i] with { LastStatedMs = Math.Max(held.LastStatedMs, atMs) };
            long resumedUntil = Math.Min(held.UntilMs, held.LastUntilMs);
            if (held.LastStatedMs > atMs && resumedUntil > held.LastStatedMs)
            {
                var resumed = held with { FromMs = held.LastStatedMs, UntilMs = resumedUntil };
                intervals.Insert(InsertionPoint(intervals, resumed.FromMs, mac), resumed);
            }
        }
        return ended;
    }

    /// <summary>
    /// Forgets intervals that ended before <paramref name="forgetBeforeMs"/> and the oldest beyond <paramref
    /// name="max"/>.
    /// </summary>
    public static void Trim(List<IpBindings.Interval> intervals, long forgetBeforeMs, int max)
    {
        for (int i = intervals.Count - 1; i >= 0; i--)
        {
            if (intervals[i].UntilMs < forgetBeforeMs) intervals.RemoveAt(i);
        }
        if (intervals.Count > max) intervals.RemoveRange(0, intervals.Count - max);
    }

    /// <summary>The newest statement about the address (what eviction compares).</summary>
    public static long LastStated(List<IpBindings.Interval> intervals)
    {
        long newest = long.MinValue;
        foreach (var x in intervals) newest = Math.Max(newest, x.LastStatedMs);
        return newest;
    }
}
