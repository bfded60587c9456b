using System.Net;
using PcapWatch.Packets;
using PcapWatch.Tools;

namespace PcapWatch.Dashboard;

/// <summary>
/// What the page shows, kept from the two topics as they are read: who is watched (the index changelog), the
/// traffic per employee and protocol over event time, the newest matches, and the last sighting of each MAC and IP
/// (the <c>who</c> answer). One lock: one writer (the topic reader, a batch at a time) and short reads.
/// </summary>
internal sealed class DashboardState(int feedCapacity, TimeProvider? clock = null)
{
    /// <summary>
    /// How far past this machine's clock a match's timestamp may lie and still end the windows: a writer chooses the
    /// timestamp, and one record stamped in the year 9999 would otherwise leave every window empty for good.
    /// </summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromDays(1);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly WatchLookup _lookup = new();
    private readonly Dictionary<string, EmployeeTraffic> _traffic = new(StringComparer.Ordinal);
    private long _streamTimeMs = long.MinValue;

    public MatchFeed Feed { get; } = new(feedCapacity);

    /// <summary>Flows (run --flows), each by its newest record.</summary>
    public FlowBoard Flows { get; } = new();

    public long MatchesRead { get; private set; }

    public long UnreadableRecords { get; set; }

    /// <summary>Output records read again (a match produced again after a crash), not counted.</summary>
    public long RepeatsSkipped { get; set; }

    /// <summary>Output records without an origin (written before it existed, or by another producer): counted, unverified.</summary>
    public long Unverifiable { get; set; }

    /// <summary>Matches stamped more than <see cref="FutureTolerance"/> ahead of this machine's clock: counted and
    /// shown, but they do not move the windows' end.</summary>
    public long FutureStamped { get; private set; }

    /// <summary>
    /// Whether the reader has reached the end of both topics once (before that, the numbers are still growing).
    /// </summary>
    public bool CaughtUp { get; set; }

    public Lock Sync => _lock;

    /// <summary>A changelog row (call under <see cref="Sync"/>).</summary>
    public void OnIndexRow(byte[]? key, byte[]? value) => _lookup.AddIndexRow(key, value);

    /// <summary>An output row (call under <see cref="Sync"/>).</summary>
    public void OnMatch(long timestampMs, MatchRecord match)
    {
        MatchesRead++;
        _lookup.AddMatch(timestampMs, match);
        if (timestampMs > _streamTimeMs)
        {
            long latestPlausible = _clock.GetUtcNow().ToUnixTimeMilliseconds() + (long)FutureTolerance.TotalMilliseconds;
            if (timestampMs <= latestPlausible) _streamTimeMs = timestampMs;
            else FutureStamped++;
        }
        var empId = match.EmpId ?? "(none)";
        if (!_traffic.TryGetValue(empId, out var traffic)) _traffic[empId] = traffic = new EmployeeTraffic(empId);
        if (match.EmpName is not null) traffic.EmpName = match.EmpName;
        traffic.Add(timestampMs, TrafficReport.Protocol(match.Protocols), match.FrameLen);
        if (match.Name is not null) traffic.AddSite(timestampMs, match.Name, match.FrameLen);
        Feed.Add(seq => new FeedItem(seq, UnixTime.ToDateTimeOffset(timestampMs), match.FrameTime, match.EmpId, match.EmpName, match.Mac,
            match.Protocols, match.IpSrc, match.IpDst, match.FrameLen, match.Direction, match.AttributedBy, match.Name, match.NameSource));
    }

    public TrafficSummary Summary(TrafficWindowSpec window)
    {
        lock (_lock)
        {
            var (first, last) = Buckets(window);
            var employees = new Dictionary<string, EmployeeSummary>(StringComparer.Ordinal);
            var computers = _lookup.Owners.Where(o => o.EmpId is not null).GroupBy(o => o.EmpId!)
                .ToDictionary(g => g.Key, g => g.OrderBy(o => o.Mac, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
            foreach (var (empId, owned) in computers)
            {
                employees[empId] = new EmployeeSummary(empId, owned[0].EmpName, Watched: true,
                    owned.Select(o => new ComputerSummary(o.Mac, o.CompId)).ToList(), 0, 0, new Dictionary<string, long>());
            }
            foreach (var traffic in _traffic.Values)
            {
                long packets = 0, bytes = 0;
                var protocols = new SortedDictionary<string, long>(StringComparer.Ordinal);
                foreach (var (protocol, series) in traffic.Protocols)
                {
                    var ring = series.For(window);
                    long p = 0;
                    for (long b = first; b <= last; b++)
                    {
                        var (bp, bb) = ring.At(b);
                        p += bp;
                        bytes += bb;
                    }
                    if (p > 0) protocols[protocol] = p;
                    packets += p;
                }
                if (packets == 0 && !employees.ContainsKey(traffic.EmpId)) continue;
                employees[traffic.EmpId] = employees.TryGetValue(traffic.EmpId, out var known)
                    ? known with { Packets = packets, Bytes = bytes, Protocols = protocols, EmpName = known.EmpName ?? traffic.EmpName }
                    : new EmployeeSummary(traffic.EmpId, traffic.EmpName, Watched: false, [], packets, bytes, protocols);
            }
            var ordered = employees.Values.OrderByDescending(e => e.Packets).ThenBy(e => e.EmpName ?? e.EmpId, StringComparer.Ordinal).ToList();
            return new TrafficSummary(window.Name, From(window, first), To(window, last), MatchesRead, ordered);
        }
    }

    /// <summary>
    /// An employee's bars over the window, oldest first; null when the employee has no traffic at all.
    /// </summary>
    public IReadOnlyList<ChartBar>? Chart(string empId, TrafficWindowSpec window)
    {
        lock (_lock)
        {
            if (!_traffic.TryGetValue(empId, out var traffic)) return null;
            var (first, last) = Buckets(window);
            var bars = new List<ChartBar>(window.Bars);
            for (long b = first; b <= last; b++)
            {
                var byProtocol = new SortedDictionary<string, (long, long)>(StringComparer.Ordinal);
                foreach (var (protocol, series) in traffic.Protocols)
                {
                    var cell = series.For(window).At(b);
                    if (cell.Packets > 0) byProtocol[protocol] = cell;
                }
                bars.Add(new ChartBar(BucketStart(window, b), byProtocol));
            }
            return bars;
        }
    }

    /// <summary>
    /// The names an employee visited with matches in the window, most packets first (at most <paramref name="limit"/>);
    /// null when the employee has no traffic at all.
    /// </summary>
    public IReadOnlyList<SiteRow>? Sites(string empId, TrafficWindowSpec window, int limit)
    {
        lock (_lock)
        {
            if (!_traffic.TryGetValue(empId, out var traffic)) return null;
            var (first, last) = Buckets(window);
            var rows = new List<SiteRow>();
            foreach (var (name, series) in traffic.Sites)
            {
                var ring = series.Buckets.For(window);
                long packets = 0, bytes = 0;
                for (long b = first; b <= last; b++)
                {
                    var (bp, bb) = ring.At(b);
                    packets += bp;
                    bytes += bb;
                }
                if (packets > 0)
                {
                    rows.Add(new SiteRow(name, UnixTime.ToDateTimeOffset(series.FirstMs), UnixTime.ToDateTimeOffset(series.LastMs), packets, bytes));
                }
            }
            return rows.OrderByDescending(r => r.Packets).ThenBy(r => r.Name, StringComparer.Ordinal).Take(limit).ToList();
        }
    }

    public (WatchedOwner? Owner, Sighting? Last) ByMac(MacAddress mac)
    {
        lock (_lock) return _lookup.ByMac(mac);
    }

    public (WatchedOwner? Owner, Sighting? Last) ByIp(IPAddress ip)
    {
        lock (_lock) return _lookup.ByIp(ip);
    }

    public List<FeedItem> Newest(int limit, Func<FeedItem, bool> filter)
    {
        lock (_lock) return Feed.Newest(limit, filter);
    }

    public (List<FeedItem> Items, long Missed) After(long seq)
    {
        lock (_lock) return Feed.After(seq);
    }

    /// <summary>The buckets of the window that ends at stream time (none before the first match).</summary>
    private (long First, long Last) Buckets(TrafficWindowSpec window)
    {
        if (_streamTimeMs == long.MinValue) return (0, -1);
        long last = Math.DivRem(_streamTimeMs, window.BucketMs) is var (q, r) && r < 0 ? q - 1 : q;
        return (last - window.Bars + 1, last);
    }

    private DateTimeOffset? From(TrafficWindowSpec window, long first) =>
        _streamTimeMs == long.MinValue ? null : BucketStart(window, first);

    private DateTimeOffset? To(TrafficWindowSpec window, long last) =>
        _streamTimeMs == long.MinValue ? null : BucketStart(window, last + 1);

    // The bucket's first millisecond, for a person: buckets of any timestamp exist (a record may say any time), so the
    // product saturates and the date is clamped.
    private static DateTimeOffset BucketStart(TrafficWindowSpec window, long bucket)
    {
        var ms = Math.BigMul(bucket, window.BucketMs);
        return UnixTime.ToDateTimeOffset(ms > long.MaxValue ? long.MaxValue : ms < long.MinValue ? long.MinValue : (long)ms);
    }
}
