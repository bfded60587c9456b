using System.Runtime.InteropServices;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>
/// IP address → which MACs claimed it when: the bindings learned from DHCP ACKs and RELEASEs, ARP and IPv6 neighbour
/// advertisements, kept as intervals in event time (capture time) so a packet is attributed by what was claimed when it
/// was captured, in whatever order the evidence arrives.
/// <para>
/// Rules. Each statement claims the address from its capture time: a DHCP ACK for the lease (option 51, a day when
/// absent, at most <see cref="MaxLease"/>), ARP and neighbour advertisements for <see cref="NeighborLifetime"/>. A
/// MAC's statements that meet join into one interval, so memory grows with changes of hands, not with packets. A
/// RELEASE ends its MAC's claim at its capture time, statements of its own millisecond included. At any moment every
/// MAC whose interval runs then claims the address (<see cref="ClaimsAt"/>); two or more is a conflict, said and not
/// settled: no claimant wins by speaking last or by its MAC's value, which is what an attacker would choose.
/// </para>
/// <para>
/// Bounds. Intervals that ended longer than <see cref="Retention"/> before the newest evidence are forgotten; an
/// address keeps at most <see cref="MaxIntervalsPerAddress"/>; at most <see cref="MaxAddresses"/> addresses are kept
/// (the least recently stated are evicted, counted); a MAC newly claiming more than <see cref="ClaimsPerMinute"/>
/// addresses a minute is flagged and not believed for a while. No time beyond <see cref="Ceiling"/> moves the horizon:
/// a statement stamped years ahead is learned at the ceiling.
/// </para>
/// Owned by the pipeline thread (learning and lookups happen while packets are decided).
/// </summary>
public sealed partial class IpBindings
{
    public const int MaxIntervalsPerAddress = 32;
    public const int DefaultMaxAddresses = 262_144;
    public const int DefaultClaimsPerMinute = 16;

    /// <summary>
    /// How long an ARP or NDP sighting binds an address (a LAN's neighbour caches forget in minutes).
    /// </summary>
    public static readonly TimeSpan NeighborLifetime = TimeSpan.FromMinutes(20);

    /// <summary>A DHCP ACK without a lease-time option binds for this long.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromDays(1);

    /// <summary>The default of <see cref="MaxLease"/>.</summary>
    public static readonly TimeSpan DefaultLeaseCap = TimeSpan.FromDays(1);

    private static readonly long SweepEveryMs = 60_000;

    /// <summary>
    /// One MAC claiming one address from <see cref="FromMs"/> (inclusive) to <see cref="UntilMs"/> (exclusive), stated
    /// last at <see cref="LastStatedMs"/>, that last statement running until <see cref="LastUntilMs"/> on its own
    /// (<see cref="long.MaxValue"/>: not known, as for intervals adopted from the topic; the interval's end then).
    /// </summary>
    public readonly record struct Interval(MacAddress Mac, long FromMs, long UntilMs, BindingSource Source, long LastStatedMs,
        long LastUntilMs = long.MaxValue)
    {
        /// <summary>
        /// The end other instances were last told of: a restatement is published only when it moves the end far.
        /// </summary>
        public long PublishedUntilMs { get; init; }

        /// <summary>Whether it met another MAC's claim (counted and said once).</summary>
        public bool Conflicted { get; init; }
    }

    private readonly Dictionary<UInt128, List<Interval>> _byAddress = new();
    private ClaimRate? _rate;
    private long _newestMs = long.MinValue;
    private long _lastSweepMs = long.MinValue;
    private long _learnsSinceSweep;

    /// <summary>
    /// How long an ended interval is kept for packets captured earlier (replays, lagging partitions).
    /// </summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The longest a DHCP lease binds its address, whatever the ACK grants (setting <c>DhcpLeaseCapHours</c>).
    /// </summary>
    public TimeSpan MaxLease { get; init; } = DefaultLeaseCap;

    /// <summary>The most addresses kept (setting <c>BindingsMaxAddresses</c>).</summary>
    public int MaxAddresses { get; init; } = DefaultMaxAddresses;

    /// <summary>
    /// New addresses one MAC may claim in a minute before it is flagged (setting <c>BindingClaimsPerMinute</c>).
    /// </summary>
    public int ClaimsPerMinute { get; init; } = DefaultClaimsPerMinute;

    /// <summary>The latest time that may move the retention horizon (setting <c>MaxClockSkewMinutes</c>).</summary>
    public TimeCeiling Ceiling { get; init; } = new();

    public int AddressCount => _byAddress.Count;

    /// <summary>Addresses evicted because <see cref="MaxAddresses"/> was reached.</summary>
    public long Evicted { get; private set; }

    /// <summary>Claims that met another MAC's running claim of the same address.</summary>
    public long Conflicts { get; private set; }

    /// <summary>Claims not believed because their MAC was flagged for claiming too many addresses.</summary>
    public long RefusedOverRate { get; private set; }

    /// <summary>MACs flagged for claiming too many addresses in a minute.</summary>
    public long FlaggedMacs => _rate?.Flagged ?? 0;

    private ClaimRate Rate => _rate ??= new ClaimRate(ClaimsPerMinute);

    /// <summary>
    /// Applies one statement made at <paramref name="atMs"/>: what it did, and the interval it made or changed.
    /// </summary>
    public LearnResult Learn(in BindingEvidence evidence, long atMs)
    {
        atMs = Advance(atMs);
        MaybeSweep();
        if (Rate.IsFlagged(evidence.Mac, atMs))
        {
            RefusedOverRate++;
            return new LearnResult(LearnOutcome.OverRate, default);
        }
        // Ended (or released) before what is kept: it would be trimmed at once, so no list is made for it.
        long ends = evidence.Source == BindingSource.DhcpRelease ? atMs : UnixTime.SaturatingAdd(atMs, UnixTime.Milliseconds(Lifetime(evidence)));
        if (ends < ForgetBefore) return new LearnResult(LearnOutcome.Known, new Interval(evidence.Mac, atMs, ends, evidence.Source, atMs));
        var intervals = IntervalsFor(evidence.Address, out bool known);
        var result = Apply(intervals, evidence, atMs);
        AddressIntervals.Trim(intervals, ForgetBefore, MaxIntervalsPerAddress);
        if (intervals.Count == 0) _byAddress.Remove(evidence.Address.Value);
        else if (!known) MakeRoom(evidence.Address);
        return result;
    }

    private LearnResult Apply(List<Interval> intervals, in BindingEvidence evidence, long atMs)
    {
        if (evidence.Source == BindingSource.DhcpRelease)
        {
            return new LearnResult(LearnOutcome.Released, AddressIntervals.Release(intervals, evidence.Mac, atMs));
        }
        long until = UnixTime.SaturatingAdd(atMs, UnixTime.Milliseconds(Lifetime(evidence)));
        until = AddressIntervals.CutByRelease(intervals, evidence.Mac, atMs, until);
        // Released in the millisecond it was made: it changes no answer.
        if (until <= atMs) return new LearnResult(LearnOutcome.Known, new Interval(evidence.Mac, atMs, until, evidence.Source, atMs));
        int mine = AddressIntervals.Meeting(intervals, evidence.Mac, atMs, until);
        var result = mine >= 0 ? Restate(intervals, mine, atMs, until) : Claim(intervals, evidence, atMs, until);
        return result.Outcome == LearnOutcome.OverRate ? result : WithConflict(intervals, result, atMs, until);
    }

    private LearnResult Restate(List<Interval> intervals, int mine, long atMs, long until)
    {
        var before = intervals[mine];
        if (before.FromMs <= atMs && until <= before.UntilMs && atMs <= before.LastStatedMs) return new LearnResult(LearnOutcome.Known, before);
        int at = AddressIntervals.Join(intervals, mine, atMs, until);
        var joined = intervals[at];
        // Other instances are told when the claim begins earlier or its end moves by half this statement's lifetime (a
        // DHCP renewal at half its lease is told): periodic ARP costs one record per half lifetime, not one per packet.
        bool tell = joined.FromMs < before.FromMs || joined.UntilMs - joined.PublishedUntilMs >= (until - atMs) / 2;
        if (!tell) return new LearnResult(LearnOutcome.Restated, joined);
        intervals[at] = joined = joined with { PublishedUntilMs = joined.UntilMs };
        return new LearnResult(LearnOutcome.Extended, joined);
    }

    private LearnResult Claim(List<Interval> intervals, in BindingEvidence evidence, long atMs, long until)
    {
        if (Rate.CountNewClaim(evidence.Mac, atMs))
        {
            RefusedOverRate++;
            return new LearnResult(LearnOutcome.OverRate, default);
        }
        var added = new Interval(evidence.Mac, atMs, until, evidence.Source, atMs, until) { PublishedUntilMs = until };
        intervals.Insert(AddressIntervals.InsertionPoint(intervals, atMs, evidence.Mac), added);
        return new LearnResult(LearnOutcome.Added, added);
    }

    /// <summary>
    /// Marks a statement [at, until) that overlaps another MAC's claim, once per interval, and counts it.
    /// </summary>
    private LearnResult WithConflict(List<Interval> intervals, LearnResult result, long atMs, long until)
    {
        if (result.Outcome is LearnOutcome.Known or LearnOutcome.Released) return result;
        int other = AddressIntervals.OtherClaimDuring(intervals, result.Interval.Mac, atMs, until);
        if (other < 0 || result.Interval.Conflicted) return result;
        Conflicts++;
        var rival = intervals[other];
        intervals[other] = rival with { Conflicted = true };
        int mine = intervals.IndexOf(result.Interval);
        var marked = result.Interval with { Conflicted = true };
        if (mine >= 0) intervals[mine] = marked;
        return result with { Interval = marked, ConflictWith = rival.Mac };
    }

    /// <summary>
    /// Adds an interval as another instance published it (already ruled; kept as it is). The same interval published
    /// again (extended, released) replaces the earlier version when it was stated later.
    /// </summary>
    public void Adopt(IpAddressKey address, Interval interval)
    {
        // A release or an extension is stated after the interval began: the newest evidence is its last statement.
        Advance(interval.LastStatedMs);
        var intervals = IntervalsFor(address, out bool known);
        for (int i = 0; i < intervals.Count; i++)
        {
            if (intervals[i].Mac != interval.Mac || intervals[i].FromMs != interval.FromMs) continue;
            if (interval.LastStatedMs >= intervals[i].LastStatedMs) intervals[i] = interval;
            return;
        }
        intervals.Insert(AddressIntervals.InsertionPoint(intervals, interval.FromMs, interval.Mac), interval);
        AddressIntervals.Trim(intervals, ForgetBefore, MaxIntervalsPerAddress);
        if (intervals.Count == 0) _byAddress.Remove(address.Value);
        else if (!known) MakeRoom(address);
    }

    /// <summary>
    /// The MACs claiming <paramref name="address"/> at <paramref name="atMs"/> (null: at the newest evidence).
    /// </summary>
    public Claims ClaimsAt(IpAddressKey address, long? atMs) =>
        _byAddress.TryGetValue(address.Value, out var intervals)
            ? new Claims(CollectionsMarshal.AsSpan(intervals), atMs ?? _newestMs)
            : new Claims([], 0);

    /// <summary>
    /// The MAC whose running claim began last, when exactly one MAC claims the address then (for tests and tools).
    /// </summary>
    public bool TryGetHolder(IpAddressKey address, long? atMs, out MacAddress mac)
    {
        mac = default;
        var claims = ClaimsAt(address, atMs);
        if (claims.Contested || !claims.MoveNext()) return false;
        mac = claims.Current.Mac;
        return true;
    }

    /// <summary>
    /// Whether any MAC that claimed <paramref name="address"/> (at any time kept) is in <paramref name="index"/>: the
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

    /// <summary>
    /// The capture time of the newest evidence, at most the ceiling (what a packet without a capture time is judged
    /// at).
    /// </summary>
    public long NewestMs => _newestMs == long.MinValue ? 0 : _newestMs;

    /// <summary>Every interval of an address, oldest first (for tools and tests).</summary>
    public IReadOnlyList<Interval> IntervalsOf(IpAddressKey address) =>
        _byAddress.TryGetValue(address.Value, out var intervals) ? intervals.ToArray() : [];

    /// <summary>Keeps the newest evidence's time (never beyond the ceiling) and returns the time to learn at.</summary>
    private long Advance(long atMs)
    {
        atMs = Ceiling.Clamp(atMs);
        _newestMs = Math.Max(_newestMs, atMs);
        return atMs;
    }

    private List<Interval> IntervalsFor(IpAddressKey address, out bool known)
    {
        ref var intervals = ref CollectionsMarshal.GetValueRefOrAddDefault(_byAddress, address.Value, out known);
        return intervals ??= new List<Interval>(2);
    }

    private long ForgetBefore => Retention == TimeSpan.MaxValue || _newestMs == long.MinValue
        ? long.MinValue
        : UnixTime.SaturatingSubtract(_newestMs, UnixTime.Milliseconds(Retention));

    /// <summary>
    /// How long a statement claims its address; a lease at most <see cref="MaxLease"/>, "infinite" included.
    /// </summary>
    private TimeSpan Lifetime(in BindingEvidence evidence)
    {
        if (evidence.Source != BindingSource.DhcpAck) return NeighborLifetime;
        var granted = evidence.LeaseSeconds switch
        {
            null => DefaultLease,
            uint.MaxValue => TimeSpan.MaxValue,
            var seconds => TimeSpan.FromSeconds(seconds.Value),
        };
        return granted < MaxLease ? granted : MaxLease;
    }
}
