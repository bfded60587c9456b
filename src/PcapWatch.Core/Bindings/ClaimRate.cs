using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>
/// How many addresses each MAC newly claimed in the current minute of capture time. A host has a handful of addresses
/// (IPv4, link-local, a few IPv6 and their temporary successors); a MAC claiming more than <c>perMinute</c> in a
/// minute is a flood or a proxy, not one computer's own: it is flagged for <see cref="FlagFor"/> and its claims in that
/// time are not believed. Memory is bounded: the counts are dropped at each new minute, and at most
/// <see cref="MaxTracked"/> MACs are counted in one (the address cap bounds what the others can add).
/// </summary>
internal sealed class ClaimRate(int perMinute)
{
    public const int MaxTracked = 65_536;
    public static readonly TimeSpan FlagFor = TimeSpan.FromMinutes(10);
    private const long MinuteMs = 60_000;

    private readonly Dictionary<MacAddress, int> _counts = new();
    private readonly Dictionary<MacAddress, long> _flaggedUntil = new();
    private long _minute = long.MinValue;

    /// <summary>MACs flagged so far (each time one went over the limit).</summary>
    public long Flagged { get; private set; }

    /// <summary>
    /// Whether <paramref name="mac"/> is flagged at <paramref name="atMs"/>: its claims are not believed.
    /// </summary>
    public bool IsFlagged(MacAddress mac, long atMs) => _flaggedUntil.TryGetValue(mac, out long until) && atMs < until;

    /// <summary>Counts a new claim; true when it takes the MAC over the limit (it is flagged from now).</summary>
    public bool CountNewClaim(MacAddress mac, long atMs)
    {
        long minute = atMs / MinuteMs;
        if (minute != _minute) NewMinute(minute, atMs);
        _counts.TryGetValue(mac, out int count);
        if (_counts.Count >= MaxTracked && count == 0) return false;
        _counts[mac] = ++count;
        if (count <= perMinute) return false;
        _flaggedUntil[mac] = UnixTime.SaturatingAdd(atMs, UnixTime.Milliseconds(FlagFor));
        _counts[mac] = 0;
        Flagged++;
        return true;
    }

    private void NewMinute(long minute, long atMs)
    {
        _minute = minute;
        _counts.Clear();
        foreach (var (mac, until) in _flaggedUntil)
        {
            if (until <= atMs) _flaggedUntil.Remove(mac);
        }
    }
}
