using System.Diagnostics.CodeAnalysis;
using PcapWatch.Packets;

namespace PcapWatch.Index;

/// <summary>
/// MAC address → the watched computers that claim it (normally one; several when rows conflict). Probed for every
/// packet, so it is a plain hash map on a 48-bit integer key: no string, no allocation per probe. Owned by the
/// pipeline thread; table changes and probes never race.
/// </summary>
public sealed class WatchIndex
{
    private readonly Dictionary<long, WatchedComputer[]> _owners = new();

    public int Count => _owners.Count;

    public bool Contains(MacAddress mac) => _owners.ContainsKey(mac.Value);

    public bool TryGetOwners(MacAddress mac, [MaybeNullWhen(false)] out WatchedComputer[] owners) =>
        _owners.TryGetValue(mac.Value, out owners);

    public IEnumerable<KeyValuePair<MacAddress, WatchedComputer[]>> Entries =>
        _owners.Select(e => new KeyValuePair<MacAddress, WatchedComputer[]>(new MacAddress(e.Key), e.Value));

    /// <summary>Sets or (with an empty list) removes the owners of a MAC; returns false when nothing changed.</summary>
    internal bool Set(MacAddress mac, WatchedComputer[] owners)
    {
        if (owners.Length == 0) return _owners.Remove(mac.Value);
        if (_owners.TryGetValue(mac.Value, out var current) && current.AsSpan().SequenceEqual(owners)) return false;
        _owners[mac.Value] = owners;
        return true;
    }
}
