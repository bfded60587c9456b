using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>
/// Which DHCP servers' ACKs are believed. Configured (setting <c>DhcpServers</c>): an ACK whose frame comes from a
/// listed MAC (the server's, or a relay's on the captured segment), or that names a listed address as its server
/// identifier (option 54). Not configured: the first server to answer is known by its identifier, and an ACK naming
/// another is a rogue server's. An ACK without an identifier is never believed (RFC 2131 requires it in every ACK, and
/// leaving it out must not be a way around this rule).
/// </summary>
public sealed class KnownDhcpServers
{
    private readonly HashSet<IpAddressKey> _addresses;
    private readonly HashSet<MacAddress> _macs;
    private IpAddressKey? _firstAnswered;

    public KnownDhcpServers(IEnumerable<IpAddressKey> addresses, IEnumerable<MacAddress> macs)
    {
        _addresses = [.. addresses];
        _macs = [.. macs];
    }

    /// <summary>No list: the first server to answer is the known one.</summary>
    public KnownDhcpServers() : this([], [])
    {
    }

    /// <summary>
    /// Reads the setting's entries, each an IP address or a MAC; false with the first that is neither.
    /// </summary>
    public static bool TryParse(IEnumerable<string> entries, out List<IpAddressKey> addresses, out List<MacAddress> macs, out string? bad)
    {
        addresses = [];
        macs = [];
        bad = null;
        foreach (var entry in entries)
        {
            var text = entry.Trim();
            if (MacAddress.TryParse(text, out var mac)) macs.Add(mac);
            else if (IpAddressKey.TryParse(text, out var address)) addresses.Add(address);
            else
            {
                bad = entry;
                return false;
            }
        }
        return true;
    }

    public bool IsConfigured => _addresses.Count > 0 || _macs.Count > 0;

    /// <summary>
    /// Whether an ACK comes from a known server (when not, <see cref="BindingEvidence.ServerId"/> names the rogue).
    /// </summary>
    public bool Believes(in BindingEvidence ack)
    {
        if (IsConfigured)
        {
            return (ack.FrameSender is { } sender && _macs.Contains(sender)) || (ack.ServerId is { } named && _addresses.Contains(named));
        }
        if (ack.ServerId is not { } id) return false;
        _firstAnswered ??= id;
        return id == _firstAnswered;
    }
}
