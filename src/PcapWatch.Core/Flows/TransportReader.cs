using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Flows;

/// <summary>
/// Reads a packet's transport (<see cref="Transport"/>) from its dissection in any shape (<c>-T json</c>, the recipe's
/// variant, <c>-T ek</c>): the first top-level <c>tcp</c>, <c>udp</c>, <c>sctp</c>, <c>icmp</c> or <c>icmpv6</c> layer
/// — an ICMP error's quoted datagram sits inside its icmp layer and is never taken for the packet's own. Without one,
/// the IP header's protocol (<paramref name="ipProtocol"/>) and no ports. Read for watched packets only; nothing in a
/// record makes it throw: what cannot be read is missing.
/// </summary>
public static class TransportReader
{
    private enum Layer : byte { None, Tcp, Udp, Sctp, Icmp, Icmpv6 }

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = PacketExtractor.MaxDepth };

    /// <summary>The transport, or null when the record is not read as JSON with layers.</summary>
    public static Transport? Read(ReadOnlySpan<byte> record, byte? ipProtocol)
    {
        var reader = new Utf8JsonReader(record, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !FirstProperty.FindLayers(ref reader)) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var layer = Classify(ref reader);
                reader.Read();
                if (layer == Layer.None || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                return ReadLayer(ref reader, layer);
            }
            return ipProtocol is { } p ? new Transport(p, 0, 0, 0) : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static Layer Classify(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("tcp"u8)) return Layer.Tcp;
        if (reader.ValueTextEquals("udp"u8)) return Layer.Udp;
        if (reader.ValueTextEquals("sctp"u8)) return Layer.Sctp;
        if (reader.ValueTextEquals("icmp"u8)) return Layer.Icmp;
        if (reader.ValueTextEquals("icmpv6"u8)) return Layer.Icmpv6;
        return Layer.None;
    }

    /// <summary>The layer object's direct fields: the ports (or type and code) and TCP's flags.</summary>
    private static Transport? ReadLayer(ref Utf8JsonReader reader, Layer layer)
    {
        ReadOnlySpan<byte> prefix = layer switch
        {
            Layer.Tcp => "tcp"u8,
            Layer.Udp => "udp"u8,
            Layer.Sctp => "sctp"u8,
            Layer.Icmp => "icmp"u8,
            _ => "icmpv6"u8,
        };
        bool icmp = layer is Layer.Icmp or Layer.Icmpv6;
        int? source = null, destination = null, flags = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Escaped names are not tshark's: they are skipped, as missing.
            var local = reader.ValueIsEscaped ? default : PacketExtractor.LocalName(reader.ValueSpan, prefix);
            int field = local.SequenceEqual(icmp ? "type"u8 : "srcport"u8) ? 1
                : local.SequenceEqual(icmp ? "code"u8 : "dstport"u8) ? 2
                : layer == Layer.Tcp && local.SequenceEqual("flags"u8) ? 3 : 0;
            reader.Read();
            if (field == 0)
            {
                reader.Skip();
                continue;
            }
            int? value = ReadNumber(ref reader);
            // The first occurrence wins, as everywhere in the dissection readers.
            if (field == 1) source ??= value;
            else if (field == 2) destination ??= value;
            else flags ??= value;
        }
        if (source is not { } s || destination is not { } d || s > ushort.MaxValue || d > ushort.MaxValue) return null;
        if (icmp && s > byte.MaxValue) return null;
        byte protocol = layer switch
        {
            Layer.Tcp => Transport.Tcp,
            Layer.Udp => Transport.Udp,
            Layer.Sctp => Transport.Sctp,
            Layer.Icmp => Transport.Icmp,
            _ => Transport.Icmpv6,
        };
        return new Transport(protocol, (ushort)s, (ushort)d, (ushort)Math.Clamp(flags ?? 0, 0, 0xFFF));
    }

    /// <summary>
    /// A string or number value (ek: an array's first), decimal or tshark's <c>0x…</c> hexadecimal; null when it is
    /// neither or does not fit.
    /// </summary>
    private static int? ReadNumber(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            int? first = null;
            bool seen = false;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (!seen && reader.TokenType is JsonTokenType.String or JsonTokenType.Number) first = Parse(reader.ValueSpan, reader.ValueIsEscaped);
                else reader.Skip();
                seen = true;
            }
            return first;
        }
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number) return Parse(reader.ValueSpan, reader.ValueIsEscaped);
        reader.Skip();
        return null;
    }

    private static int? Parse(ReadOnlySpan<byte> text, bool escaped)
    {
        if (escaped || text.IsEmpty || text.Length > 10) return null;
        bool hex = text.Length > 2 && text[0] == (byte)'0' && (text[1] | 0x20) == (byte)'x';
        if (hex) text = text[2..];
        long value = 0;
        foreach (byte b in text)
        {
            int lower = b | 0x20;
            int digit = b is >= (byte)'0' and <= (byte)'9' ? b - '0' : hex && lower is >= 'a' and <= 'f' ? lower - 'a' + 10 : -1;
            if (digit < 0) return null;
            value = value * (hex ? 16 : 10) + digit;
        }
        return value <= int.MaxValue ? (int)value : null;
    }
}
