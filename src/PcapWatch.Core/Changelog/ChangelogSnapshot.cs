using System.Text;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Changelog;

/// <summary>
/// What a changelog topic says now: the latest value per key (null for a tombstone). Keys spelled as a MAC's canonical
/// text (all the service writes) are held by the MAC's number, so the index is compared with them without a string per
/// entry; any other key (written by something else) is kept as it came, and is never the index's.
/// </summary>
internal sealed class ChangelogSnapshot
{
    public Dictionary<long, byte[]?> ByMac { get; } = new();

    public Dictionary<string, byte[]?> OtherKeys { get; } = new(StringComparer.Ordinal);

    public void Add(ReadOnlySpan<byte> key, byte[]? value)
    {
        if (IsCanonicalMac(key, out var mac)) ByMac[mac.Value] = value;
        else OtherKeys[Encoding.UTF8.GetString(key)] = value;
    }

    private static bool IsCanonicalMac(ReadOnlySpan<byte> key, out MacAddress mac)
    {
        if (key.Length != MacAddress.TextLength || !MacAddress.TryParse(key, out mac))
        {
            mac = default;
            return false;
        }
        Span<byte> canonical = stackalloc byte[MacAddress.TextLength];
        mac.Format(canonical);
        return key.SequenceEqual(canonical);
    }
}
