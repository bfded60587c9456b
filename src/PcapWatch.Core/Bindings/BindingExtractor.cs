using System.Buffers.Text;
using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>
/// Reads the IP ↔ MAC statement a DHCP, ARP or IPv6 neighbour-advertisement packet makes. A second pass of its own,
/// run only for records that hold one of those layers (a few per thousand in real traffic), so the packet scan stays
/// as it is. Field names are matched whatever the shape: <c>dhcp.hw.mac_addr</c> (-T json, nested in option trees),
/// <c>dhcp_dhcp_hw_mac_addr</c> (-T ek), <c>bootp.…</c> (tshark before 3.0). Nothing throws: a record it cannot read
/// gives no evidence.
/// </summary>
public static class BindingExtractor
{
    private const int DhcpAck = 5, DhcpRelease = 7, NeighborAdvertisement = 136;
    // A DHCP server answers from its port (to a client's 68, or to a relay's 67), and a client's RELEASE goes to it.
    private const int DhcpServerPort = 67;

    private enum Layer : byte { None, Dhcp, Arp, Icmpv6, Udp }

    // Spellings searched for. The protocol list (frame.protocols, frame_frame_protocols, the 2018 plain protocols) comes
    // first in a dissection, so finding it reads a few hundred bytes, not the record. Of ICMPv6 only a neighbour
    // advertisement teaches, and not without its target address field (icmpv6.nd.na.target_address in -T json,
    // icmpv6_icmpv6_nd_na_target_address in -T ek): router solicitations, MLD and echo are left to the prefilter.
    private static ReadOnlySpan<byte> ProtocolsName => "protocols\""u8;
    private static ReadOnlySpan<byte> ArpLayer => "\"arp\""u8;
    private static ReadOnlySpan<byte> DhcpLayer => "\"dhcp\""u8;
    private static ReadOnlySpan<byte> BootpLayer => "\"bootp\""u8;
    private static ReadOnlySpan<byte> NaTargetDotted => "nd.na.target_address\""u8;
    private static ReadOnlySpan<byte> NaTargetEk => "nd_na_target_address\""u8;

    /// <summary>
    /// True when the record may state a binding: its protocol list names ARP, DHCP (BOOTP) or ICMPv6 with a neighbour
    /// advertisement's target; a record without a readable protocol list is searched for the layers themselves. The
    /// pipeline learns from a record only when this says so, and the prefilter never skips one that it says so of: the
    /// two ask the same question. A false positive only costs a pass.
    /// </summary>
    public static bool MayHoldEvidence(ReadOnlySpan<byte> record)
    {
        int at = record.IndexOf(ProtocolsName);
        if (at < 0 || !TryReadPlainString(record, at + ProtocolsName.Length, out var protocols)) return SearchLayers(record);
        if (protocols.IndexOf("arp"u8) >= 0 || protocols.IndexOf("dhcp"u8) >= 0 || protocols.IndexOf("bootp"u8) >= 0) return true;
        return protocols.IndexOf("icmpv6"u8) >= 0 && (record.IndexOf(NaTargetDotted) >= 0 || record.IndexOf(NaTargetEk) >= 0);
    }

    private static bool SearchLayers(ReadOnlySpan<byte> record) =>
        record.IndexOf(ArpLayer) >= 0 || record.IndexOf(DhcpLayer) >= 0 || record.IndexOf(NaTargetDotted) >= 0
        || record.IndexOf(NaTargetEk) >= 0 || record.IndexOf(BootpLayer) >= 0;

    /// <summary>The string after a name's closing quote (<c>: "…"</c>), when it is one without escapes (ek: or the first of an array).</summary>
    private static bool TryReadPlainString(ReadOnlySpan<byte> record, int at, out ReadOnlySpan<byte> value)
    {
        value = default;
        at = Skip(record, at);
        if (at >= record.Length || record[at] != (byte)':') return false;
        at = Skip(record, at + 1);
        if (at < record.Length && record[at] == (byte)'[') at = Skip(record, at + 1);
        if (at >= record.Length || record[at] != (byte)'"') return false;
        int length = record[(at + 1)..].IndexOfAny((byte)'"', (byte)'\\');
        if (length < 0 || record[at + 1 + length] != (byte)'"') return false;
        value = record.Slice(at + 1, length);
        return true;
    }

    private static int Skip(ReadOnlySpan<byte> record, int at)
    {
        while (at < record.Length && record[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') at++;
        return at;
    }

    /// <param name="ethSrc">The packet's eth.src: a neighbour advertisement without a target link-layer option is its sender's.</param>
    public static bool TryRead(ReadOnlySpan<byte> record, MacAddress? ethSrc, out BindingEvidence evidence)
    {
        evidence = default;
        try
        {
            var reader = new Utf8JsonReader(record, new JsonReaderOptions { MaxDepth = PacketExtractor.MaxDepth });
            if (!FindLayers(ref reader)) return false;
            var udp = new Found();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var layer = Classify(ref reader);
                reader.Read();
                if (layer == Layer.None || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                if (layer == Layer.Udp)
                {
                    ReadTree(ref reader, layer, ref udp); // before the DHCP layer, in every dissection
                    continue;
                }
                var found = new Found();
                ReadTree(ref reader, layer, ref found);
                if (found.ToEvidence(layer, ethSrc, udp, out evidence)) return true;
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Moves the reader into the <c>layers</c> object (at the root or under <c>_source</c>).</summary>
    private static bool FindLayers(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Names are compared raw: unescaping one (a lone surrogate) can throw, and tshark never escapes its names.
            bool isLayers = !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual("layers"u8);
            bool isSource = !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual("_source"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject && isLayers) return true;
            if (reader.TokenType == JsonTokenType.StartObject && isSource) return FindLayersIn(ref reader);
            reader.Skip();
        }
        return false;
    }

    private static bool FindLayersIn(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isLayers = !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual("layers"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject && isLayers) return true;
            reader.Skip();
        }
        return false;
    }

    private static Layer Classify(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped) return Layer.None;
        var name = reader.ValueSpan;
        if (name.SequenceEqual("dhcp"u8) || name.SequenceEqual("bootp"u8)) return Layer.Dhcp;
        if (name.SequenceEqual("arp"u8)) return Layer.Arp;
        if (name.SequenceEqual("icmpv6"u8)) return Layer.Icmpv6;
        if (name.SequenceEqual("udp"u8)) return Layer.Udp;
        return Layer.None;
    }

    /// <summary>The first value of each wanted field anywhere in the layer's tree (tshark nests DHCP options).</summary>
    private ref struct Found
    {
        public int MessageType;
        public MacAddress? Mac;
        public IpAddressKey? Address;
        public IpAddressKey? ClientAddress;
        public uint? LeaseSeconds;
        public int SourcePort;
        public int DestinationPort;

        /// <param name="udp">The ports of the datagram the layer came in (a DHCP message's): only a server's port may
        /// grant a lease, and a RELEASE counts only when it goes to one.</param>
        public readonly bool ToEvidence(Layer layer, MacAddress? ethSrc, in Found udp, out BindingEvidence evidence)
        {
            evidence = default;
            switch (layer)
            {
                case Layer.Dhcp when MessageType == DhcpAck && udp.SourcePort == DhcpServerPort && Mac is { } mac
                                     && Address is { IsUnspecified: false } yiaddr:
                    evidence = new BindingEvidence(BindingSource.DhcpAck, mac, yiaddr, LeaseSeconds);
                    return true;
                case Layer.Dhcp when MessageType == DhcpRelease && udp.DestinationPort == DhcpServerPort && Mac is { } mac
                                     && ClientAddress is { IsUnspecified: false } ciaddr:
                    evidence = new BindingEvidence(BindingSource.DhcpRelease, mac, ciaddr, null);
                    return true;
                // Only the frame's sender may state its own binding: a payload naming another MAC (a watched
                // computer's, to frame its employee) states nothing. What the switch forwarded is what is trusted.
                case Layer.Arp when Mac is { IsGroup: false } mac && ethSrc is { } frameSender && mac == frameSender
                                    && Address is { IsUnspecified: false } sender:
                    evidence = new BindingEvidence(BindingSource.Arp, mac, sender, null);
                    return true;
                case Layer.Icmpv6 when MessageType == NeighborAdvertisement && (Mac ?? ethSrc) is { IsGroup: false } mac
                                       && Address is { IsUnspecified: false } target:
                    evidence = new BindingEvidence(BindingSource.NeighborAdvertisement, mac, target, null);
                    return true;
                default:
                    return false;
            }
        }
    }

    private static void ReadTree(ref Utf8JsonReader reader, Layer layer, ref Found found)
    {
        Span<byte> buffer = stackalloc byte[64];
        int depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            // tshark never escapes its field names; an escaped one is not a field of ours.
            int field = reader.ValueIsEscaped || reader.ValueSpan.Length > buffer.Length ? -1 : FieldOf(layer, Normalize(reader.ValueSpan, layer, buffer));
            reader.Read();
            if (field < 0 || reader.TokenType is JsonTokenType.StartObject) continue;
            var value = FirstScalar(ref reader);
            if (value.IsEmpty) continue;
            Take(field, value, ref found);
        }
    }

    // Field numbers: what each wanted name means in its layer.
    private const int Type = 0, Mac = 1, Address = 2, ClientAddress = 3, Lease = 4, SourcePort = 5, DestinationPort = 6;

    private static int FieldOf(Layer layer, ReadOnlySpan<byte> local) => layer switch
    {
        Layer.Dhcp when local.SequenceEqual("option_dhcp"u8) => Type,
        Layer.Dhcp when local.SequenceEqual("hw_mac_addr"u8) => Mac,
        Layer.Dhcp when local.SequenceEqual("ip_your"u8) => Address,
        Layer.Dhcp when local.SequenceEqual("ip_client"u8) => ClientAddress,
        Layer.Dhcp when local.SequenceEqual("option_ip_address_lease_time"u8) => Lease,
        Layer.Arp when local.SequenceEqual("src_hw_mac"u8) => Mac,
        Layer.Arp when local.SequenceEqual("src_proto_ipv4"u8) => Address,
        Layer.Icmpv6 when local.SequenceEqual("type"u8) => Type,
        Layer.Icmpv6 when local.SequenceEqual("opt_linkaddr"u8) => Mac,
        Layer.Icmpv6 when local.SequenceEqual("nd_na_target_address"u8) => Address,
        Layer.Udp when local.SequenceEqual("srcport"u8) => SourcePort,
        Layer.Udp when local.SequenceEqual("dstport"u8) => DestinationPort,
        _ => -1,
    };

    private static void Take(int field, scoped ReadOnlySpan<byte> value, ref Found found)
    {
        switch (field)
        {
            case Type when found.MessageType == 0 && Utf8Parser.TryParse(value, out int type, out int used) && used == value.Length:
                found.MessageType = type;
                break;
            case Mac when found.Mac is null && MacAddress.TryParse(value, out var mac):
                found.Mac = mac;
                break;
            case Address when found.Address is null && IpAddressKey.TryParse(value, out var address):
                found.Address = address;
                break;
            case ClientAddress when found.ClientAddress is null && IpAddressKey.TryParse(value, out var client):
                found.ClientAddress = client;
                break;
            case Lease when found.LeaseSeconds is null && Utf8Parser.TryParse(value, out uint seconds, out int length) && length == value.Length:
                found.LeaseSeconds = seconds;
                break;
            case SourcePort when found.SourcePort == 0 && Utf8Parser.TryParse(value, out int source, out int read) && read == value.Length:
                found.SourcePort = source;
                break;
            case DestinationPort when found.DestinationPort == 0 && Utf8Parser.TryParse(value, out int destination, out int taken) && taken == value.Length:
                found.DestinationPort = destination;
                break;
        }
    }

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

    /// <summary><c>dhcp.hw.mac_addr</c>, <c>dhcp_dhcp_hw_mac_addr</c> and <c>bootp.hw.mac_addr</c> all become <c>hw_mac_addr</c>.</summary>
    private static ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> name, Layer layer, Span<byte> buffer)
    {
        ReadOnlySpan<byte> prefix = layer switch
        {
            Layer.Dhcp => name.StartsWith("bootp"u8) ? "bootp"u8 : "dhcp"u8,
            Layer.Arp => "arp"u8,
            Layer.Udp => "udp"u8,
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
