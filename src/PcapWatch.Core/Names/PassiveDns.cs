using PcapWatch.Packets;

namespace PcapWatch.Names;

/// <summary>
/// Passive DNS: what DNS responses told clients an address was, learned from the stream, to name packets that carry no
/// name of their own. An answer names its address from its capture time until its TTL (at most a day) plus
/// <paramref name="grace"/> — connections outlive the TTL that led to them. A packet is named <c>dns-answer</c> when the
/// answer went to its own watched host, <c>dns-answer-seen</c> when only another client was told (a CDN's address
/// serves many names, so that is a weaker statement). Bounded: at most <paramref name="maxAddresses"/> addresses and a
/// few names each; past that the expired, then the oldest, are evicted and counted. One packet thread uses it.
/// </summary>
public sealed class PassiveDns(TimeSpan grace, int maxAddresses = PassiveDns.DefaultMaxAddresses)
{
    public const int DefaultMaxAddresses = 262_144;

    /// <summary>Names kept per address (per client told); the oldest goes first.</summary>
    public const int MaxNamesPerAddress = 8;

    private sealed record Told(string Name, MacAddress Client, long SeenMs, long UntilMs);

    private readonly Dictionary<IpAddressKey, List<Told>> _byAddress = new();
    private long _newestMs;

    /// <summary>Answers learned (each address of each response).</summary>
    public long Learned { get; private set; }

    /// <summary>Names forgotten early because the store was full.</summary>
    public long Evicted { get; private set; }

    public int Addresses => _byAddress.Count;

    /// <summary>Learns what <paramref name="response"/> told <paramref name="client"/> at <paramref name="seenMs"/>.</summary>
    public void Learn(DnsResponse response, MacAddress client, long seenMs)
    {
        _newestMs = Math.Max(_newestMs, seenMs);
        foreach (var answer in response.Answers)
        {
            var told = new Told(response.Question, client, seenMs, seenMs + answer.TtlSeconds * 1000L + (long)grace.TotalMilliseconds);
            if (!_byAddress.TryGetValue(answer.Address, out var names)) _byAddress[answer.Address] = names = new List<Told>(1);
            names.RemoveAll(n => n.Name == told.Name && n.Client == client);
            names.Add(told);
            if (names.Count > MaxNamesPerAddress)
            {
                names.Remove(names.MinBy(n => n.SeenMs)!);
                Evicted++;
            }
            Learned++;
        }
        if (_byAddress.Count > maxAddresses) MakeRoom();
    }

    /// <summary>
    /// The name <paramref name="remote"/> had at <paramref name="atMs"/> for <paramref name="client"/>: told to it, else
    /// to another client; the newest answer of each kind wins.
    /// </summary>
    public PacketName NameOf(IpAddressKey remote, MacAddress client, long atMs)
    {
        if (!_byAddress.TryGetValue(remote, out var names)) return PacketName.Unnamed;
        Told? own = null, seen = null;
        foreach (var n in names)
        {
            if (n.SeenMs > atMs || n.UntilMs < atMs) continue;
            if (n.Client == client && (own is null || n.SeenMs > own.SeenMs)) own = n;
            if (seen is null || n.SeenMs > seen.SeenMs) seen = n;
        }
        if (own is not null) return new PacketName(NameSource.DnsAnswer, own.Name);
        return seen is null ? PacketName.Unnamed : new PacketName(NameSource.DnsAnswerSeen, seen.Name);
    }

    /// <summary>Drops what expired by the newest answer's time; if that is not enough, the sixteenth answered longest ago.</summary>
    private void MakeRoom()
    {
        foreach (var (address, names) in _byAddress.ToList())
        {
            Evicted += names.RemoveAll(n => n.UntilMs < _newestMs);
            if (names.Count == 0) _byAddress.Remove(address);
        }
        if (_byAddress.Count <= maxAddresses * 15L / 16) return;
        var oldest = _byAddress.OrderBy(e => e.Value.Max(n => n.SeenMs)).Take(_byAddress.Count - (int)(maxAddresses * 15L / 16)).ToList();
        foreach (var (address, names) in oldest)
        {
            Evicted += names.Count;
            _byAddress.Remove(address);
        }
    }
}
