using PcapWatch.Packets;

namespace PcapWatch.Index;

/// <summary>
/// MAC address → the watched computers that claim it (normally one; several when rows conflict). Probed for every
/// packet, so the probe is a hash map on the 48-bit integer key: no string, no allocation. The owners' columns live
/// as compact UTF-8 records in an <see cref="OwnerArena"/>, read in place when a packet matches, so a million watched
/// MACs cost tens of megabytes, not hundreds. Owned by the pipeline thread; table changes and probes never race.
/// </summary>
public sealed class WatchIndex : IWatchedMacs
{
    // Rewrite the arena when replaced records are over half of it (and at least this much): amortised O(1) per change.
    private const long CompactAfterGarbageBytes = 1 << 20;

    private readonly Dictionary<long, int> _recordByMac = new();
    private OwnerArena _arena = new();
    private long _liveBytes;
    private long _garbageBytes;

    public int Count => _recordByMac.Count;

    /// <summary>Bytes held for owner records (live, replaced, and free space in the last chunk).</summary>
    public long ArenaBytes => _arena.CapacityBytes;

    public bool Contains(MacAddress mac) => _recordByMac.ContainsKey(mac.Value);

    /// <summary>The owners of <paramref name="mac"/>, read in place; valid until the index next changes.</summary>
    public bool TryGetOwners(MacAddress mac, out OwnerList owners)
    {
        if (_recordByMac.TryGetValue(mac.Value, out int handle))
        {
            owners = new OwnerList(_arena.Get(handle));
            return true;
        }
        owners = default;
        return false;
    }

    /// <summary>
    /// The owners of <paramref name="mac"/> as objects (empty when it is not watched): for tools and tests.
    /// </summary>
    public WatchedComputer[] OwnersOf(MacAddress mac) =>
        _recordByMac.TryGetValue(mac.Value, out int handle) ? OwnerRecord.Decode(mac, _arena.Get(handle)) : [];

    /// <summary>Every watched MAC, in no order; the index must not change while they are enumerated.</summary>
    public IEnumerable<MacAddress> Macs => _recordByMac.Keys.Select(k => new MacAddress(k));

    /// <summary>
    /// Every entry, decoded. Allocates: for a restart's few leftovers, tools and tests, never the packet path.
    /// </summary>
    public IEnumerable<KeyValuePair<MacAddress, WatchedComputer[]>> Entries =>
        _recordByMac.Keys.ToArray().Select(k => new KeyValuePair<MacAddress, WatchedComputer[]>(new MacAddress(k), OwnersOf(new MacAddress(k))));

    /// <summary>Sets or (with an empty list) removes the owners of a MAC; returns false when nothing changed.</summary>
    internal bool Set(MacAddress mac, IReadOnlyList<WatchedComputer> owners)
    {
        if (owners.Count > 0) return SetRecord(mac, OwnerRecord.Encode(owners));
        if (!_recordByMac.Remove(mac.Value, out int current)) return false;
        Discard(current);
        return true;
    }

    /// <summary>
    /// Sets the owners of a MAC from their encoded record (<see cref="OwnerRecord"/>); false when nothing changed.
    /// </summary>
    internal bool SetRecord(MacAddress mac, byte[] record)
    {
        bool exists = _recordByMac.TryGetValue(mac.Value, out int current);
        if (exists)
        {
            if (_arena.Get(current).SequenceEqual(record)) return false;
            Discard(current);
        }
        _recordByMac[mac.Value] = _arena.Append(record);
        _liveBytes += record.Length;
        if (_garbageBytes > CompactAfterGarbageBytes && _garbageBytes > _liveBytes) Compact();
        return true;
    }

    private void Discard(int handle)
    {
        int length = _arena.Get(handle).Length;
        _liveBytes -= length;
        _garbageBytes += length;
    }

    /// <summary>Times the arena was compacted (for tests that must reach it).</summary>
    internal int Compactions { get; private set; }

    private void Compact()
    {
        Compactions++;
        var fresh = new OwnerArena();
        foreach (var mac in _recordByMac.Keys.ToArray())
        {
            _recordByMac[mac] = fresh.Append(_arena.Get(_recordByMac[mac]));
        }
        _arena = fresh;
        _garbageBytes = 0;
    }
}
