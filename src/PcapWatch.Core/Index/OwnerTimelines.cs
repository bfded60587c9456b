using PcapWatch.Packets;

namespace PcapWatch.Index;

/// <summary>
/// Per MAC that had a watched owner at some time kept, the timeline of its watched owners: segments, each valid from a
/// time until the next. Made by <see cref="OwnershipHistory"/>; read per packet, in place, when attributing at capture
/// time. A time before the history's horizon is judged as at the horizon (the oldest state kept), and counted.
/// </summary>
internal sealed class OwnerTimelines
{
    /// <summary>
    /// From <see cref="FromMs"/> on, these owners (an encoded <see cref="OwnerRecord"/>; empty: none).
    /// </summary>
    internal readonly record struct Segment(long FromMs, byte[] Owners);

    private readonly Dictionary<long, Segment[]> _byMac = new();

    public int Count => _byMac.Count;

    /// <summary>Packets captured before the horizon, judged as at the horizon.</summary>
    public long JudgedAtHorizon { get; private set; }

    public void Set(long mac, Segment[] segments) => _byMac[mac] = segments;

    public void Remove(long mac) => _byMac.Remove(mac);

    public bool Contains(MacAddress mac) => _byMac.ContainsKey(mac.Value);

    /// <summary>The watched owners of <paramref name="mac"/> at <paramref name="atMs"/>, read in place.</summary>
    public bool TryGetOwners(MacAddress mac, long atMs, long horizonMs, out OwnerList owners)
    {
        owners = default;
        if (!_byMac.TryGetValue(mac.Value, out var segments)) return false;
        if (atMs < horizonMs)
        {
            JudgedAtHorizon++;
            atMs = horizonMs;
        }
        for (int i = segments.Length - 1; i >= 0; i--)
        {
            if (segments[i].FromMs > atMs) continue;
            if (segments[i].Owners.Length == 0) return false;
            owners = new OwnerList(segments[i].Owners);
            return true;
        }
        return false;
    }

    /// <summary>
    /// The owners of <paramref name="mac"/> at <paramref name="atMs"/> as objects: for tools and tests.
    /// </summary>
    public WatchedComputer[] OwnersAt(MacAddress mac, long atMs, long horizonMs)
    {
        if (!_byMac.TryGetValue(mac.Value, out var segments)) return [];
        long t = Math.Max(atMs, horizonMs);
        for (int i = segments.Length - 1; i >= 0; i--)
        {
            if (segments[i].FromMs <= t) return OwnerRecord.Decode(mac, segments[i].Owners);
        }
        return [];
    }

    /// <summary>Each change of a MAC's watched owners: when, and who from then on (empty: nobody watched).</summary>
    public IEnumerable<(long FromMs, WatchedComputer[] Owners)> Of(MacAddress mac) =>
        _byMac.TryGetValue(mac.Value, out var segments)
            ? segments.Select(s => (s.FromMs, OwnerRecord.Decode(mac, s.Owners)))
            : [];
}
