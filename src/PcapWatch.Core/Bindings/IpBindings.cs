using PcapWatch.Packets;
using PcapWatch.Index;

namespace PcapWatch.Bindings;

/// <summary>
/// IP address → which MAC held it when: the bindings learned from DHCP ACKs and RELEASEs, ARP and IPv6 neighbour
/// advertisements, kept as intervals in event time (capture time) so a packet is attributed to the MAC that held its
/// address when it was captured, in whatever order the evidence arrives.
/// <para>
/// Rules. Each statement binds from its capture time: a DHCP ACK binds <c>yiaddr</c> to <c>chaddr</c> for the lease
/// (option 51; a day when absent), ARP and neighbour advertisements for <see cref="NeighborLifetime"/>. At any time
/// the address is held by the statement that began last among those still running (a newer binding overrides an older
/// one). A statement that restates the newest holder's binding extends that interval instead of adding one (renewals,
/// periodic ARP), so memory grows with changes of hands, not with packets. A RELEASE ends its MAC's interval at its
/// capture time, statements of its own millisecond included (so the answer does not depend on which of the two is read
/// first). Intervals that ended longer than <see cref="Retention"/> before the newest evidence are forgotten, and
/// an address keeps at most <see cref="MaxIntervalsPerAddress"/> of them (the oldest go first).
/// </para>
/// <para>
/// Order. Evidence delivered in capture order gives exactly the rule above. Evidence arriving late (another partition,
/// another instance) is applied at its own capture time; when it lands inside another MAC's run of restatements, of
/// which only the first and the last are kept, the late MAC holds the address until that last restatement (not until
/// the first restatement after it, which was not kept). Two MACs stating the address in the same millisecond: the larger
/// MAC holds it, whichever is read first (exact when each makes one statement in it; with several each, approximated
/// as above). Conflicting statements that close together are what ARP spoofing looks like; they are rare in clean
/// networks.
/// </para>
/// Owned by the pipeline thread (learning and lookups happen while packets are decided).
/// </summary>
public sealed class IpBindings
{
    public const int MaxIntervalsPerAddress = 32;

    /// <summary>How long an ARP or NDP sighting binds an address (a LAN's neighbour caches forget in minutes).</summary>
    public static readonly TimeSpan NeighborLifetime = TimeSpan.FromMinutes(20);

    /// <summary>A DHCP ACK without a lease-time option binds for this long.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromDays(1);

    /// <summary>How long an ended interval is kept for packets captured earlier (replays, lagging partitions).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The default of <see cref="MaxLease"/>.</summary>
    public static readonly TimeSpan DefaultLeaseCap = TimeSpan.FromDays(1);

    /// <summary>The longest a DHCP lease binds its address, whatever the ACK grants (setting <c>DhcpLeaseCapHours</c>).</summary>
    public TimeSpan MaxLease { get; init; } = DefaultLeaseCap;

    /// <summary>
    /// One MAC holding one address from <see cref="FromMs"/> (inclusive) to <see cref="UntilMs"/> (exclusive), stated
    /// last at <see cref="LastStatedMs"/>, that last statement running until <see cref="LastUntilMs"/> on its own
    /// (<see cref="long.MaxValue"/>: not known, as for intervals adopted from the topic; the interval's end then).
    /// </summary>
    public readonly record struct Interval(MacAddress Mac, long FromMs, long UntilMs, BindingSource Source, long LastStatedMs,
        long LastUntilMs = long.MaxValue);

    private readonly Dictionary<UInt128, List<Interval>> _byAddress = new();
    private long _newestMs = long.MinValue;

    public int AddressCount => _byAddress.Count;

    /// <summary>Applies one statement made at <paramref name="atMs"/>; returns the interval it produced or changed.</summary>
    public Interval Learn(in BindingEvidence evidence, long atMs)
    {
        _newestMs = Math.Max(_newestMs, atMs);
        var intervals = IntervalsFor(evidence.Address);
        if (evidence.Source == BindingSource.DhcpRelease) return Release(intervals, evidence.Mac, evidence.Source, atMs);

        long until = SaturatingAdd(atMs, evidence.Source == BindingSource.DhcpAck ? LeaseOf(evidence) : NeighborLifetime);
        until = CutByRelease(intervals, evidence.Mac, atMs, until);
        // Released in the millisecond it was made: it never held the address.
        if (until <= atMs) return new Interval(evidence.Mac, atMs, atMs, evidence.Source, atMs);
        int holder = HolderIndex(intervals, atMs);
        if (AlreadyKnown(intervals, holder, evidence.Mac, atMs, until) is { } known) return known;
        // Only the newest interval is extended: extending an older one would hide this statement from a later interval
        // of another MAC that began before it.
        if (holder >= 0 && holder == intervals.Count - 1 && intervals[holder].Mac == evidence.Mac) return Extend(intervals, holder, atMs, until);
        return Add(intervals, holder, new Interval(evidence.Mac, atMs, until, evidence.Source, atMs, until));
    }

    /// <summary>
    /// A release, kept as a zero-length marker (it never holds the address): a statement of this MAC captured before
    /// the release but read after it (a replay, another partition) must end at the release too.
    /// </summary>
    private static Interval Release(List<Interval> intervals, MacAddress mac, BindingSource source, long atMs)
    {
        var ended = new Interval(mac, atMs, atMs, source, atMs);
        if (!HasRelease(intervals, mac, atMs)) intervals.Insert(InsertionPoint(intervals, atMs, mac), ended);
        for (int i = 0; i < intervals.Count; i++)
        {
            var held = intervals[i];
            if (held.Mac == mac && held.FromMs <= atMs && atMs < held.UntilMs)
            {
                // Kept with its own last statement (so a statement read again is recognised); published as stated
                // at the release, so other instances take this version over the one before.
                intervals[i] = held with { UntilMs = atMs, LastUntilMs = Math.Min(held.LastUntilMs, atMs) };
                ended = intervals[i] with { LastStatedMs = Math.Max(held.LastStatedMs, atMs) };
            }
        }
        return ended;
    }

    /// <summary>The statement learned before, if it was: learning it again changes no answer.</summary>
    private static Interval? AlreadyKnown(List<Interval> intervals, int holder, MacAddress mac, long atMs, long until)
    {
        // The holder then is this MAC, stated at or after this moment, for at least as long (the same capture read
        // twice, a replay, a partition read again after a rebalance).
        if (holder >= 0 && intervals[holder] is var known && known.Mac == mac && until <= known.UntilMs && atMs <= known.LastStatedMs)
        {
            return known;
        }
        // Behind another MAC's (a conflict read again), as the first or the last of its run: already where it belongs.
        foreach (var x in intervals)
        {
            if (x.Mac == mac && (x.FromMs == atMs || x.LastStatedMs == atMs) && x.UntilMs >= until
                && x.Source != BindingSource.DhcpRelease) return x;
        }
        return null;
    }

    private static Interval Extend(List<Interval> intervals, int holder, long atMs, long until)
    {
        var held = intervals[holder];
        var extended = held with
        {
            UntilMs = Math.Max(held.UntilMs, until),
            LastStatedMs = Math.Max(held.LastStatedMs, atMs),
            LastUntilMs = atMs > held.LastStatedMs ? until : atMs == held.LastStatedMs ? Math.Max(held.LastUntilMs, until) : held.LastUntilMs,
        };
        intervals[holder] = extended;
        return extended;
    }

    private Interval Add(List<Interval> intervals, int holder, Interval added)
    {
        // Ended before the retention's horizon: it would be trimmed at once (and the insertion only churns).
        if (added.UntilMs < ForgetBefore) return added;
        long atMs = added.FromMs;
        intervals.Insert(InsertionPoint(intervals, atMs, added.Mac), added);
        // Landing inside another MAC's run of restatements: that MAC holds again from its last restatement for as long
        // as that statement runs (also when it is of this very millisecond and wins the tie).
        if (holder >= 0 && intervals[holder] is var run && run.Mac != added.Mac
            && (run.LastStatedMs > atMs || (run.LastStatedMs == atMs && WinsTie(run.Mac, added.Mac))))
        {
            long resumedUntil = Math.Min(run.UntilMs, run.LastUntilMs);
            if (resumedUntil > run.LastStatedMs)
            {
                var resumed = run with { FromMs = run.LastStatedMs, UntilMs = resumedUntil };
                intervals.Insert(InsertionPoint(intervals, resumed.FromMs, resumed.Mac), resumed);
            }
        }
        Trim(intervals);
        return added;
    }

    /// <summary>
    /// Adds an interval as another instance published it (already ruled; kept as it is). The same interval published
    /// again (extended, released) replaces the earlier version when it was stated later.
    /// </summary>
    public void Adopt(IpAddressKey address, Interval interval)
    {
        // A release or an extension is stated after the interval began: the newest evidence is its last statement.
        _newestMs = Math.Max(_newestMs, interval.LastStatedMs);
        var intervals = IntervalsFor(address);
        int same = intervals.FindIndex(x => x.Mac == interval.Mac && x.FromMs == interval.FromMs);
        if (same >= 0)
        {
            if (interval.LastStatedMs >= intervals[same].LastStatedMs) intervals[same] = interval;
            return;
        }
        intervals.Insert(InsertionPoint(intervals, interval.FromMs, interval.Mac), interval);
        Trim(intervals);
    }

    /// <summary>The MAC that held <paramref name="address"/> at <paramref name="atMs"/> (null: at the newest evidence).</summary>
    public bool TryGetHolder(IpAddressKey address, long? atMs, out MacAddress mac)
    {
        bool held = TryGetHolding(address, atMs, out var interval);
        mac = interval.Mac;
        return held;
    }

    /// <summary>The interval holding <paramref name="address"/> at <paramref name="atMs"/> (null: at the newest evidence).</summary>
    public bool TryGetHolding(IpAddressKey address, long? atMs, out Interval interval)
    {
        interval = default;
        if (!_byAddress.TryGetValue(address.Value, out var intervals)) return false;
        int holder = HolderIndex(intervals, atMs ?? _newestMs);
        if (holder < 0) return false;
        interval = intervals[holder];
        return true;
    }

    /// <summary>
    /// Whether any MAC that held <paramref name="address"/> (at any time kept) is in <paramref name="index"/>: the
    /// prefilter's question, asked per address of every packet, so no delegate.
    /// </summary>
    public bool AnyHolderIn(IpAddressKey address, IWatchedMacs index)
    {
        if (!_byAddress.TryGetValue(address.Value, out var intervals)) return false;
        foreach (var interval in intervals)
        {
            if (index.Contains(interval.Mac)) return true;
        }
        return false;
    }

    /// <summary>The capture time of the newest evidence (what a packet without a capture time is judged at).</summary>
    public long NewestMs => _newestMs == long.MinValue ? 0 : _newestMs;

    /// <summary>Every interval of an address, oldest first (for tools and tests).</summary>
    public IReadOnlyList<Interval> IntervalsOf(IpAddressKey address) =>
        _byAddress.TryGetValue(address.Value, out var intervals) ? intervals.ToArray() : [];

    private List<Interval> IntervalsFor(IpAddressKey address)
    {
        if (!_byAddress.TryGetValue(address.Value, out var intervals))
        {
            intervals = new List<Interval>(2);
            _byAddress[address.Value] = intervals;
        }
        return intervals;
    }

    private static bool HasRelease(List<Interval> intervals, MacAddress mac, long atMs)
    {
        foreach (var x in intervals)
        {
            if (x.Source == BindingSource.DhcpRelease && x.Mac == mac && x.FromMs == atMs) return true;
        }
        return false;
    }

    /// <summary>A statement of <paramref name="mac"/> ends at its first release after it began.</summary>
    private static long CutByRelease(List<Interval> intervals, MacAddress mac, long fromMs, long untilMs)
    {
        foreach (var x in intervals)
        {
            if (x.Source == BindingSource.DhcpRelease && x.Mac == mac && x.FromMs >= fromMs && x.FromMs < untilMs) untilMs = x.FromMs;
        }
        return untilMs;
    }

    /// <summary>
    /// Where an interval of <paramref name="mac"/> beginning at <paramref name="fromMs"/> goes: after those that began
    /// earlier, and among those of the same millisecond after the ones it wins the tie against, so which of two MACs
    /// stated an address in one millisecond holds it does not depend on the order they are read in. A loop, not a
    /// lambda: a lambda capturing a parameter makes the compiler allocate its closure on every call of the method.
    /// </summary>
    private static int InsertionPoint(List<Interval> intervals, long fromMs, MacAddress mac)
    {
        int i = intervals.Count;
        while (i > 0 && (intervals[i - 1].FromMs > fromMs || (intervals[i - 1].FromMs == fromMs && WinsTie(intervals[i - 1].Mac, mac)))) i--;
        return i;
    }

    /// <summary>
    /// Two MACs stating one address in the same millisecond (a conflict: what ARP spoofing looks like): the larger MAC
    /// holds it. Arbitrary, but the same whichever statement is read first or again.
    /// </summary>
    private static bool WinsTie(MacAddress a, MacAddress b) => a.Value > b.Value;

    /// <summary>The interval that holds the address at a time: of those covering it, the one that began last.</summary>
    private static int HolderIndex(List<Interval> intervals, long atMs)
    {
        for (int i = intervals.Count - 1; i >= 0; i--)
        {
            var interval = intervals[i];
            if (interval.FromMs <= atMs && atMs < interval.UntilMs) return i;
        }
        return -1;
    }

    private long ForgetBefore => Retention == TimeSpan.MaxValue || _newestMs == long.MinValue
        ? long.MinValue
        : UnixTime.SaturatingSubtract(_newestMs, UnixTime.Milliseconds(Retention));

    private void Trim(List<Interval> intervals)
    {
        long forgetBefore = ForgetBefore;
        intervals.RemoveAll(x => x.UntilMs < forgetBefore);
        if (intervals.Count > MaxIntervalsPerAddress) intervals.RemoveRange(0, intervals.Count - MaxIntervalsPerAddress);
    }

    /// <summary>What a lease binds, at most <see cref="MaxLease"/>: one forged ACK granting "infinite" must not bind for ever.</summary>
    private TimeSpan LeaseOf(in BindingEvidence evidence)
    {
        var granted = evidence.LeaseSeconds switch
        {
            null => DefaultLease,
            uint.MaxValue => TimeSpan.MaxValue,
            var seconds => TimeSpan.FromSeconds(seconds.Value),
        };
        return granted < MaxLease ? granted : MaxLease;
    }

    private static long SaturatingAdd(long ms, TimeSpan span) => UnixTime.SaturatingAdd(ms, UnixTime.Milliseconds(span));
}
