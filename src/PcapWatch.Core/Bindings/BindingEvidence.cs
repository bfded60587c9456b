using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>What kind of packet said which MAC holds an address.</summary>
public enum BindingSource : byte
{
    /// <summary>A DHCP ACK (relayed or not): <c>chaddr</c> holds <c>yiaddr</c> for the lease time.</summary>
    DhcpAck = 1,
    /// <summary>A DHCP RELEASE: <c>chaddr</c> gives <c>ciaddr</c> back.</summary>
    DhcpRelease = 2,
    /// <summary>An ARP request or reply: the sender's MAC holds the sender's IPv4 address.</summary>
    Arp = 3,
    /// <summary>
    /// An IPv6 neighbour advertisement: the target link-layer address (or eth.src) holds the target address.
    /// </summary>
    NeighborAdvertisement = 4,
}

/// <summary>A rule of who may state a binding that a statement breaks: it is counted, never believed.</summary>
public enum EvidenceFlaw : byte
{
    None = 0,
    /// <summary>An ARP payload naming a sender MAC other than the frame's own (eth.src).</summary>
    SenderMismatch = 1,
    /// <summary>A DHCP ACK sent from a port no server answers from (not 67).</summary>
    NotFromServerPort = 2,
    /// <summary>A DHCP RELEASE not sent to a server's port (67).</summary>
    NotToServerPort = 3,
}

/// <summary>One IP ↔ MAC statement read from a packet.</summary>
/// <param name="LeaseSeconds">For a DHCP ACK: option 51 (null when absent; uint.MaxValue means infinite).</param>
public readonly record struct BindingEvidence(BindingSource Source, MacAddress Mac, IpAddressKey Address, uint? LeaseSeconds)
{
    /// <summary>The rule the statement breaks, if any (<see cref="EvidenceFlaw.None"/>: it may be believed).</summary>
    public EvidenceFlaw Flaw { get; init; }

    /// <summary>For DHCP: the server identifier (option 54) the message names.</summary>
    public IpAddressKey? ServerId { get; init; }

    /// <summary>The frame's sender (eth.src), as the switch forwarded it.</summary>
    public MacAddress? FrameSender { get; init; }

    public static string Describe(EvidenceFlaw flaw) => flaw switch
    {
        EvidenceFlaw.SenderMismatch => "arp_sender_not_frame_sender",
        EvidenceFlaw.NotFromServerPort => "dhcp_ack_not_from_port_67",
        EvidenceFlaw.NotToServerPort => "dhcp_release_not_to_port_67",
        _ => "none",
    };

    public static string Describe(BindingSource source) => source switch
    {
        BindingSource.DhcpAck => "dhcp",
        BindingSource.DhcpRelease => "dhcp-release",
        BindingSource.Arp => "arp",
        BindingSource.NeighborAdvertisement => "ndp",
        _ => "unknown",
    };

    /// <summary>
    /// The source a <see cref="Describe"/> name stands for; an unknown name reads as ARP (a neighbour's lifetime).
    /// </summary>
    public static BindingSource SourceNamed(string? name) => name switch
    {
        "dhcp" => BindingSource.DhcpAck,
        "dhcp-release" => BindingSource.DhcpRelease,
        "ndp" => BindingSource.NeighborAdvertisement,
        _ => BindingSource.Arp,
    };
}
