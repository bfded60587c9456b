using PcapWatch.Packets;

namespace PcapWatch.Names;

/// <summary>
/// Passive DNS: what DNS responses told clients an address was, learned from the stream, to name packets that carry no
/// name of their own. An answer names its address from its capture time until its TTL (at most a day) plus
/// <paramref name="grace"/> — connections outlive the TTL that led to them. A packet is named <c>dns-answer</c> when the
/// answer went to its own watched host, <c>dns-answer-seen</c> when only another client was told (a CDN's address
/// serves many names, so that is a weaker statement). Bounded: at most <paramref name="maxAddresses"/> addresses and a
/// few names each; past that the expired, then the oldest, are evicted and counted. What other instances learned is
/// adopted from IP_NAMES (<see cref="Adopt"/>). One packet thread uses it.
/// </summary>
/// <param name="ceiling">How far past the wall clock an answer's capture time may move the horizon the full store
/// expires names by (one answer stamped years ahead would otherwise expire every other name); none by default.</param>
public sealed class PassiveDns(TimeSpan grace, int maxAddresses = PassiveDns.DefaultMaxAddresses, TimeCeiling? ceiling = null)
{
    public const int DefaultMaxAddresses = 262_144;

    /// <summary>Answers kept per address (any name, any client told); the oldest answer goes first.</summary>
    public const int MaxNamesPerAddress = 8;

    private readonly Dictionary<IpAddressKey, List<NameStatement>> _byAddress = new();
    private readonly long _longestMs = DnsAnswerReader.MaxTtlSeconds * 1000L + (long)grace.TotalMilliseconds;
    private long _newestMs;

    /// <summary>Answers learned (each address of each response).</summary>
    public long Learned { get; private set; }

    /// <summary>Answers other instances learned, read from IP_NAMES.</summary>
    public long Adopted { get; private set; }

    /// <summary>Names forgotten early because the store was full.</summary>
    public long Evicted { get; private set; }

    public int Addresses => _byAddress.Count;

    /// <summary>
    /// Learns what <paramref name="response"/> told <paramref name="client"/> at <paramref name="seenMs"/>; each statement
    /// is also added to <paramref name="learned"/> (for the other instances), when given.
    /// </summary>
    public void Learn(DnsResponse response, MacAddress client, long seenMs, List<NameStatement>? learned = null)
    {
        foreach (var answer in response.Answers)
        {
            var told = new NameStatement(answer.Address, response.Question, client, seenMs,
                seenMs + answer.TtlSeconds * 1000L + (long)grace.TotalMilliseconds);
            Remember(told);
            learned?.Add(told);
            Learned++;
        }
    }

    /// <summary>
    /// What another instance learned. Its validity is bounded as this instance's own would be (the longest TTL plus the
    /// grace): the topic's writers cannot make a name last for ever.
    /// </summary>
    public void Adopt(NameStatement told)
    {
        Remember(told with { UntilMs = Math.Min(told.UntilMs, told.SeenMs + _longestMs) });
        Adopted++;
    }

    private void Remember(NameStatement told)
    {
        _newestMs = Math.Max(_newestMs, ceiling?.Clamp(told.SeenMs) ?? told.SeenMs);
        if (!_byAddress.TryGetValue(told.Address, out var names)) _byAddress[told.Address] = names = new List<NameStatement>(1);
        // An answer renewed is kept beside the earlier one, not in its place: packets are decided out of capture order
        // (partitions lag one another; another instance's answers arrive early), and one captured between the two is
        // named by the earlier. The same answer again (a record read twice) is kept once.
        if (names.Exists(n => n.Name == told.Name && n.Client == told.Client && n.SeenMs == told.SeenMs)) return;
        names.Add(told);
        if (names.Count > MaxNamesPerAddress)
        {
            names.Remove(names.MinBy(n => n.SeenMs));
            Evicted++;
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
        NameStatement? own = null, seen = null;
        foreach (var n in names)
        {
            if (n.SeenMs > atMs || n.UntilMs < atMs) continue;
            if (n.Client == client && (own is null || IsNewer(n, own.Value))) own = n;
            if (seen is null || IsNewer(n, seen.Value)) seen = n;
        }
        if (own is { } o) return new PacketName(NameSource.DnsAnswer, o.Name);
        return seen is { } s ? new PacketName(NameSource.DnsAnswerSeen, s.Name) : PacketName.Unnamed;
    }

    /// <summary>The newer answer; at the same millisecond, one order for all (the name's), whatever came first.</summary>
    private static bool IsNewer(in NameStatement a, in NameStatement b) =>
        a.SeenMs > b.SeenMs || (a.SeenMs == b.SeenMs && string.CompareOrdinal(a.Name, b.Name) > 0);

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
