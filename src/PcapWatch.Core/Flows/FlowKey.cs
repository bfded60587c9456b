using PcapWatch.Packets;

namespace PcapWatch.Flows;

/// <summary>
/// What one flow of a watched host is: the host, the protocol and both endpoints from the host's side (a MAC shared by
/// two watched employees has a flow for each owner under one key). A one-way ICMP message (no counterpart) is its own
/// flow in each direction: <see cref="OneWay"/> says which.
/// </summary>
public readonly record struct FlowKey(MacAddress Host, byte Protocol, IpAddressKey LocalIp, ushort LocalPort, IpAddressKey RemoteIp,
    ushort RemotePort, FlowKey.Way OneWay)
{
    public enum Way : byte { Both, Out, In }

    public static FlowKey Of(FlowPacket packet)
    {
        var way = packet.Protocol is Transport.Icmp or Transport.Icmpv6
            && IcmpPorts.Counterpart(packet.Protocol, (byte)(packet.Outgoing ? packet.LocalPort : packet.RemotePort)) is null
            ? packet.Outgoing ? Way.Out : Way.In
            : Way.Both;
        return new FlowKey(packet.Host, packet.Protocol, packet.LocalIp, packet.LocalPort, packet.RemoteIp, packet.RemotePort, way);
    }

    /// <summary>
    /// The flow's Community ID: for a one-way ICMP message from its sender's side (type, then code), as tshark, Zeek
    /// and Suricata compute it per packet.
    /// </summary>
    public string CommunityIdOf() => OneWay == Way.In
        ? CommunityId.Of(Protocol, RemoteIp, RemotePort, LocalIp, LocalPort)
        : CommunityId.Of(Protocol, LocalIp, LocalPort, RemoteIp, RemotePort);
}
