using System.Buffers.Text;
using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>
/// A dissection layer that may say who holds an address (or, for UDP, through which ports it was said).
/// </summary>
internal enum EvidenceLayer : byte { None, Dhcp, Arp, Icmpv6, Udp }

/// <summary>
/// The first value of each wanted field anywhere in one layer's tree (tshark nests DHCP options), and what they state.
/// Field names are matched whatever the shape: <c>dhcp.hw.mac_addr</c> (-T json), <c>dhcp_dhcp_hw_mac_addr</c>
/// (-T ek), <c>bootp.…</c> (tshark before 3.0).
/// </summary>
internal ref struct LayerFields
{
    private const int DhcpAck = 5, DhcpRelease = 7, NeighborAdvertisement = 136;
    // A DHCP server answers from its port (to a client's 68, or to a relay's 67), and a client's RELEASE goes to it.
    private const int DhcpServerPort = 67;

    public int MessageType;
    public MacAddress? Mac;
    public IpAddressKey? Address;
    public IpAddressKey? ClientAddress;
    public IpAddressKey? ServerId;
    public uint? LeaseSeconds;
    public int SourcePort;
    public int DestinationPort;

    /// <param name="udp">The ports of the datagram the layer came in (a DHCP message's).</param>
    /// <param name="ethSrc">The frame's sender, as the switch forwarded it.</param>
    public readonly bool ToEvidence(EvidenceLayer layer, MacAddress? ethSrc, in LayerFields udp, out BindingEvidence evidence)
    {
        evidence = default;
        switch (layer)
        {
            case EvidenceLayer.Dhcp when MessageType == DhcpAck && Mac is { } mac && Address is { IsUnspecified: false } yiaddr:
                // Only a server's port may grant a lease: from any other the ACK is a forgery, read to be counted.
                evidence = new BindingEvidence(BindingSource.DhcpAck, mac, yiaddr, LeaseSeconds)
                {
                    ServerId = ServerId, FrameSender = ethSrc,
                    Flaw = udp.SourcePort == DhcpServerPort ? EvidenceFlaw.None : EvidenceFlaw.NotFromServerPort,
                };
                return true;
            case EvidenceLayer.Dhcp when MessageType == DhcpRelease && Mac is { } mac && ClientAddress is { IsUnspecified: false } ciaddr:
                evidence = new BindingEvidence(BindingSource.DhcpRelease, mac, ciaddr, null)
                {
                    ServerId = ServerId, FrameSender = ethSrc,
                    Flaw = udp.DestinationPort == DhcpServerPort ? EvidenceFlaw.None : EvidenceFlaw.NotToServerPort,
                };
                return true;
            // Only the frame's sender may state its own binding: a payload naming another MAC (a watched computer's, to
            // frame its employee) is a forgery. What the switch forwarded is what is trusted.
            case EvidenceLayer.Arp when Mac is { IsGroup: false } mac && Address is { IsUnspecified: false } sender:
                evidence = new BindingEvidence(BindingSource.Arp, mac, sender, null)
                {
                    FrameSender = ethSrc,
                    Flaw = ethSrc is { } frameSender && mac == frameSender ? EvidenceFlaw.None : EvidenceFlaw.SenderMismatch,
                };
                return true;
            case EvidenceLayer.Icmpv6 when MessageType == NeighborAdvertisement && (Mac ?? ethSrc) is { IsGroup: false } mac
                                           && Address is { IsUnspecified: false } target:
                evidence = new BindingEvidence(BindingSource.NeighborAdvertisement, mac, target, null) { FrameSender = ethSrc };
                return true;
            default:
                return false;
        }
    }

    public static void ReadTree(ref Utf8JsonReader reader, EvidenceLayer layer, ref LayerFields found)
    {
        Span<byte> buffer = stackalloc byte[64];
        int depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            // tshark never escapes its field names; an escaped one is not a field of ours.
            int field = reader.ValueIsEscaped || reader.ValueSpan.Length > buffer.Length
                ? -1
                : FieldOf(layer, Normalize(reader.ValueSpan, layer, buffer));
            reader.Read();
            if (field < 0 || reader.TokenType is JsonTokenType.StartObject) continue;
            var value = FirstScalar(ref reader);
            if (value.IsEmpty) continue;
            found.Take(field, value);
        }
    }

    // Field numbers: what each wanted name means in its layer.
    private const int Type = 0, MacField = 1, AddressField = 2, ClientAddressField = 3, Lease = 4, SourcePortField = 5,
        DestinationPortField = 6, ServerIdField = 7;

    private static int FieldOf(EvidenceLayer layer, ReadOnlySpan<byte> local) => layer switch
    {
        EvidenceLayer.Dhcp when local.SequenceEqual("option_dhcp"u8) => Type,
        EvidenceLayer.Dhcp when local.SequenceEqual("hw_mac_addr"u8) => MacField,
        EvidenceLayer.Dhcp when local.SequenceEqual("ip_your"u8) => AddressField,
        EvidenceLayer.Dhcp when local.SequenceEqual("ip_client"u8) => ClientAddressField,
        EvidenceLayer.Dhcp when local.SequenceEqual("option_ip_address_lease_time"u8) => Lease,
        EvidenceLayer.Dhcp when local.SequenceEqual("option_dhcp_server_id"u8) => ServerIdField,
        EvidenceLayer.Arp when local.SequenceEqual("src_hw_mac"u8) => MacField,
        EvidenceLayer.Arp when local.SequenceEqual("src_proto_ipv4"u8) => AddressField,
        EvidenceLayer.Icmpv6 when local.SequenceEqual("type"u8) => Type,
        EvidenceLayer.Icmpv6 when local.SequenceEqual("opt_linkaddr"u8) => MacField,
        EvidenceLayer.Icmpv6 when local.SequenceEqual("nd_na_target_address"u8) => AddressField,
        EvidenceLayer.Udp when local.SequenceEqual("srcport"u8) => SourcePortField,
        EvidenceLayer.Udp when local.SequenceEqual("dstport"u8) => DestinationPortField,
        _ => -1,
    };

    private void Take(int field, scoped ReadOnlySpan<byte> value)
    {
        switch (field)
        {
            case Type when MessageType == 0 && TryParseWhole(value, out int type):
                MessageType = type;
                break;
            case MacField when Mac is null && MacAddress.TryParse(value, out var mac):
                Mac = mac;
                break;
            case AddressField when Address is null && IpAddressKey.TryParse(value, out var address):
                Address = address;
                break;
            case ClientAddressField when ClientAddress is null && IpAddressKey.TryParse(value, out var client):
                ClientAddress = client;
                break;
            case ServerIdField when ServerId is null && IpAddressKey.TryParse(value, out var server):
                ServerId = server;
                break;
            case Lease when LeaseSeconds is null && Utf8Parser.TryParse(value, out uint seconds, out int length) && length == value.Length:
                LeaseSeconds = seconds;
                break;
            case SourcePortField when SourcePort == 0 && TryParseWhole(value, out int source):
                SourcePort = source;
                break;
            case DestinationPortField when DestinationPort == 0 && TryParseWhole(value, out int destination):
                DestinationPort = destination;
                break;
        }
    }

    private static bool TryParseWhole(ReadOnlySpan<byte> value, out int number) =>
        Utf8Parser.TryParse(value, out number, out int used) && used == value.Length;

    /// <summary>A string or number value, or an array's first one (ek); empty for anything else.</summary>
    private static ReadOnlySpan<byte> FirstScalar(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
        {
            return reader.ValueIsEscaped ? default : reader.ValueSpan;
        }
        if (reader.TokenType != JsonTokenType.StartArray) return default;
        ReadOnlySpan<byte> first = default;
        int depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            if (first.IsEmpty && reader.TokenType is JsonTokenType.String or JsonTokenType.Number && !reader.ValueIsEscaped)
            {
                first = reader.ValueSpan;
            }
        }
        return first;
    }

    /// <summary>
    /// <c>dhcp.hw.mac_addr</c>, <c>dhcp_dhcp_hw_mac_addr</c> and <c>bootp.hw.mac_addr</c> all become
    /// <c>hw_mac_addr</c>.
    /// </summary>
    private static ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> name, EvidenceLayer layer, Span<byte> buffer)
    {
        ReadOnlySpan<byte> prefix = layer switch
        {
            EvidenceLayer.Dhcp => name.StartsWith("bootp"u8) ? "bootp"u8 : "dhcp"u8,
            EvidenceLayer.Arp => "arp"u8,
            EvidenceLayer.Udp => "udp"u8,
            _ => "icmpv6"u8,
        };
        int n = prefix.Length;
        if (name.Length > n && name.StartsWith(prefix))
        {
            if (name[n] == (byte)'.') name = name[(n + 1)..];
            else if (name.Length > 2 * n + 2 && name[n] == (byte)'_' && name.Slice(n + 1, n).SequenceEqual(prefix) && name[2 * n + 1] == (byte)'_')
            {
                name = name[(2 * n + 2)..];
            }
        }
        name.CopyTo(buffer);
        var local = buffer[..name.Length];
        local.Replace((byte)'.', (byte)'_');
        return local;
    }
}
