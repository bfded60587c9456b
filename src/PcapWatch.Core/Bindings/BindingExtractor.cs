using System.Buffers.Text;
using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Bindings;

/// <summary>
/// Reads the IP ↔ MAC statement a DHCP, ARP or IPv6 neighbour-advertisement packet makes. A second pass of its own, run
/// only for records that hold one of those layers (a few per thousand in real traffic), so the packet scan stays as it
/// is. Field names are matched whatever the shape: <c>dhcp.hw.mac_addr</c> (-T json, nested in option trees),
/// <c>dhcp_dhcp_hw_mac_addr</c> (-T ek), <c>bootp.…</c> (tshark before 3.0). Nothing throws: a record it cannot read
/// gives no evidence. A statement that breaks a rule of who may make it (<see cref="EvidenceFlaw"/>) is read all the
/// same, flagged, so that it is counted, not believed.
/// </summary>
public static class BindingExtractor
{
    // Spellings searched for. The protocol list (frame.protocols, frame_frame_protocols, the 2018 plain protocols)
    // comes first in a dissection, so finding it reads a few hundred bytes, not the record. Of ICMPv6 only a neighbour
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

    /// <summary>
    /// The string after a name's closing quote (<c>: "…"</c>), when it is one without escapes (ek: or the first of an
    /// array).
    /// </summary>
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

    /// <param name="ethSrc">The packet's eth.src: a neighbour advertisement without a target link-layer option is its
    /// sender's.</param>
    public static bool TryRead(ReadOnlySpan<byte> record, MacAddress? ethSrc, out BindingEvidence evidence)
    {
        evidence = default;
        try
        {
            var reader = new Utf8JsonReader(record, new JsonReaderOptions { MaxDepth = PacketExtractor.MaxDepth });
            if (!FindLayers(ref reader)) return false;
            var udp = new LayerFields();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var layer = Classify(ref reader);
                reader.Read();
                if (layer == EvidenceLayer.None || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                if (layer == EvidenceLayer.Udp)
                {
                    LayerFields.ReadTree(ref reader, layer, ref udp); // before the DHCP layer, in every dissection
                    continue;
                }
                var found = new LayerFields();
                LayerFields.ReadTree(ref reader, layer, ref found);
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

    private static EvidenceLayer Classify(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped) return EvidenceLayer.None;
        var name = reader.ValueSpan;
        if (name.SequenceEqual("dhcp"u8) || name.SequenceEqual("bootp"u8)) return EvidenceLayer.Dhcp;
        if (name.SequenceEqual("arp"u8)) return EvidenceLayer.Arp;
        if (name.SequenceEqual("icmpv6"u8)) return EvidenceLayer.Icmpv6;
        if (name.SequenceEqual("udp"u8)) return EvidenceLayer.Udp;
        return EvidenceLayer.None;
    }
}
