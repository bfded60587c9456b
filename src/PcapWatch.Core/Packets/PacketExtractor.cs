using System.Text.Json;

namespace PcapWatch.Packets;

/// <summary>
/// Pulls the recipe's fields out of one tshark packet dissection with a single forward <see cref="Utf8JsonReader"/>
/// pass. Nothing is allocated: values are recorded as slices of the input. The shape is detected per record:
/// <list type="bullet">
/// <item><c>-T json</c> (tshark 4.x): <c>{"_source":{"layers":{"eth":{"eth.src":…}}}}</c>, dotted names;</item>
/// <item>the recipe's 2018 variant: the same nesting with plain names (<c>"src"</c>, <c>"time"</c>);</item>
/// <item><c>-T ek</c>: <c>{"timestamp":…,"layers":{"eth":{"eth_eth_src":…}}}</c>, where a repeated layer is an
/// array and values may be arrays, booleans or null.</item>
/// </list>
/// The first occurrence of a layer or field wins: with two Ethernet layers (MPLS, VXLAN) the outer one counts, and
/// tshark's duplicate keys (<c>ip.addr</c> twice) do no harm. Nothing a record holds makes it throw: malformed JSON,
/// hostile nesting and names with lone-surrogate escapes come back as statuses (<see cref="ExtractStatus"/>).
/// </summary>
public static class PacketExtractor
{
    /// <summary>Deep enough for any real dissection; hostile nesting fails fast instead of recursing.</summary>
    public const int MaxDepth = 256;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    private enum Layer : byte { Other, Frame, Eth, Ip, Ipv6 }

    public static ExtractStatus Extract(ReadOnlySpan<byte> record, ref PacketFields fields)
    {
        var everything = new ReadEverything();
        return Extract(record, ref fields, ref everything);
    }

    public static ExtractStatus Extract<TGate>(ReadOnlySpan<byte> record, ref PacketFields fields, ref TGate gate)
        where TGate : struct, IEthernetGate
    {
        fields.Clear();
        var reader = new Utf8JsonReader(record, ReaderOptions);
        try
        {
            reader.Read(); // throws on empty input
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Valid JSON that is not an object is not a packet; a cut-off array is not JSON.
                reader.Skip();
                return ExtractStatus.NotAPacket;
            }
            return FindLayers(ref reader, record, ref fields, ref gate, allowSource: true);
        }
        catch (JsonException)
        {
            // The reader's only way to say "not JSON". Which kind is told by where it stopped, not by its message.
            // (The reader stops one level short of MaxDepth on arrays, at MaxDepth on objects.)
            return reader.CurrentDepth >= MaxDepth - 1 ? ExtractStatus.TooDeep : ExtractStatus.InvalidJson;
        }
    }

    /// <summary>Walks an object's properties until <c>layers</c> (or, at the root, <c>_source.layers</c>).</summary>
    private static ExtractStatus FindLayers<TGate>(ref Utf8JsonReader reader, ReadOnlySpan<byte> record,
        ref PacketFields fields, ref TGate gate, bool allowSource) where TGate : struct, IEthernetGate
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonEscapes.CheckName(ref reader) is var name and not ExtractStatus.Complete) return name;
            bool isLayers = reader.ValueTextEquals("layers"u8);
            bool isSource = !isLayers && allowSource && reader.ValueTextEquals("_source"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                if (isLayers) return ReadLayers(ref reader, record, ref fields, ref gate);
                if (isSource) return FindLayers(ref reader, record, ref fields, ref gate, allowSource: false);
            }
            reader.Skip();
        }
        return ExtractStatus.NotAPacket;
    }

    private static ExtractStatus ReadLayers<TGate>(ref Utf8JsonReader reader, ReadOnlySpan<byte> record,
        ref PacketFields fields, ref TGate gate) where TGate : struct, IEthernetGate
    {
        bool frameDone = false, ethDone = false, ipDone = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonEscapes.CheckName(ref reader) is var name and not ExtractStatus.Complete) return name;
            var layer = ClassifyLayer(ref reader);
            reader.Read();
            bool wanted = layer switch
            {
                Layer.Frame => !frameDone,
                Layer.Eth => !ethDone,
                Layer.Ip or Layer.Ipv6 => !ipDone,
                _ => false,
            };
            if (!wanted)
            {
                reader.Skip();
                continue;
            }

            var read = ReadFirstLayerObject(ref reader, record, ref fields, layer);
            if (read is not (ExtractStatus.Complete or ExtractStatus.NotAPacket)) return read;
            if (read == ExtractStatus.NotAPacket) continue;

            switch (layer)
            {
                case Layer.Frame: frameDone = true; break;
                case Layer.Ip or Layer.Ipv6: ipDone = true; break;
                case Layer.Eth:
                    ethDone = true;
                    if (!gate.ShouldContinue(in fields)) return ExtractStatus.Skipped;
                    break;
            }
            if (frameDone && ethDone && ipDone) break;
        }
        return ExtractStatus.Complete;
    }

    /// <summary>
    /// Reads a layer value: an object, or (ek, repeated layer) an array whose first object counts. Complete when one
    /// was read, NotAPacket when the value holds no object, or the status of a name that cannot be read.
    /// </summary>
    private static ExtractStatus ReadFirstLayerObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> record,
        ref PacketFields fields, Layer layer)
    {
        if (reader.TokenType == JsonTokenType.StartObject) return ReadLayerFields(ref reader, record, ref fields, layer);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return ExtractStatus.NotAPacket;
        }
        var read = ExtractStatus.NotAPacket;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (read == ExtractStatus.NotAPacket && reader.TokenType == JsonTokenType.StartObject)
            {
                read = ReadLayerFields(ref reader, record, ref fields, layer);
                if (read != ExtractStatus.Complete) return read;
            }
            else
            {
                reader.Skip();
            }
        }
        return read;
    }

    /// <summary>
    /// Reads the direct children of one layer object; nested trees (<c>eth.src_tree</c>) are skipped. Complete, or the
    /// status of a name that cannot be read.
    /// </summary>
    private static ExtractStatus ReadLayerFields(ref Utf8JsonReader reader, ReadOnlySpan<byte> record,
        ref PacketFields fields, Layer layer)
    {
        Span<byte> nameBuffer = stackalloc byte[64];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonEscapes.CheckName(ref reader) is var check and not ExtractStatus.Complete) return check;
            scoped ReadOnlySpan<byte> name;
            if (!reader.ValueIsEscaped)
            {
                name = reader.ValueSpan;
            }
            else if (reader.ValueSpan.Length <= nameBuffer.Length)
            {
                name = nameBuffer[..reader.CopyString(nameBuffer)];
            }
            else
            {
                name = default;
            }

            int field = ClassifyField(layer, name);
            reader.Read();
            if (field == TimeEpochField)
            {
                if (!fields.TimeEpoch.IsPresent) fields.TimeEpoch = ReadScalar(ref reader);
                else reader.Skip();
                continue;
            }
            if (field < 0 || fields[(PacketField)field].IsPresent)
            {
                reader.Skip();
                continue;
            }
            var slice = ReadScalar(ref reader);
            if (!slice.IsPresent) continue;
            fields.Set((PacketField)field, slice);
            if (field == (int)PacketField.EthSrc && MacAddress.TryParse(slice.Of(record), out var src)) fields.EthSrc = src;
            else if (field == (int)PacketField.EthDst && MacAddress.TryParse(slice.Of(record), out var dst)) fields.EthDst = dst;
        }
        return ExtractStatus.Complete;
    }

    /// <summary>
    /// A value as a slice: strings and literals directly, an array by its first scalar (ek), else missing.
    /// </summary>
    private static FieldSlice ReadScalar(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new FieldSlice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length,
                    reader.ValueIsEscaped ? FieldSliceKind.EscapedString : FieldSliceKind.String);
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
                return new FieldSlice((int)reader.TokenStartIndex, reader.ValueSpan.Length, FieldSliceKind.Literal);
            case JsonTokenType.StartArray:
                {
                    FieldSlice first = default;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (!first.IsPresent && reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.StartObject))
                        {
                            first = ReadScalar(ref reader);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    return first;
                }
            default:
                reader.Skip();
                return default;
        }
    }

    private static Layer ClassifyLayer(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("frame"u8)) return Layer.Frame;
        if (reader.ValueTextEquals("eth"u8)) return Layer.Eth;
        if (reader.ValueTextEquals("ip"u8)) return Layer.Ip;
        if (reader.ValueTextEquals("ipv6"u8)) return Layer.Ipv6;
        return Layer.Other;
    }

    // frame.time_epoch: not an output column, so not a PacketField.
    private const int TimeEpochField = 100;

    /// <summary>Maps a field name inside a layer to a <see cref="PacketField"/> (or -1, or <see
    /// cref="TimeEpochField"/>), whatever the shape.</summary>
    private static int ClassifyField(Layer layer, ReadOnlySpan<byte> name)
    {
        ReadOnlySpan<byte> prefix = layer switch
        {
            Layer.Frame => "frame"u8,
            Layer.Eth => "eth"u8,
            Layer.Ip => "ip"u8,
            Layer.Ipv6 => "ipv6"u8,
            _ => default,
        };
        var local = LocalName(name, prefix);
        switch (layer)
        {
            case Layer.Frame:
                if (local.SequenceEqual("time"u8)) return (int)PacketField.FrameTime;
                if (local.SequenceEqual("len"u8)) return (int)PacketField.FrameLen;
                if (local.SequenceEqual("protocols"u8)) return (int)PacketField.FrameProtocols;
                if (local.SequenceEqual("time_epoch"u8)) return TimeEpochField;
                return -1;
            case Layer.Eth:
                if (local.SequenceEqual("src"u8)) return (int)PacketField.EthSrc;
                if (local.SequenceEqual("dst"u8)) return (int)PacketField.EthDst;
                return -1;
            case Layer.Ip:
            case Layer.Ipv6:
                if (local.SequenceEqual("src"u8)) return (int)PacketField.IpSrc;
                if (local.SequenceEqual("dst"u8)) return (int)PacketField.IpDst;
                if (local.SequenceEqual("src_host"u8)) return (int)PacketField.IpSrcHost;
                if (local.SequenceEqual("dst_host"u8)) return (int)PacketField.IpDstHost;
                if (layer == Layer.Ip && local.SequenceEqual("proto"u8)) return (int)PacketField.IpProto;
                if (layer == Layer.Ipv6 && local.SequenceEqual("nxt"u8)) return (int)PacketField.IpProto;
                return -1;
            default:
                return -1;
        }
    }

    /// <summary>
    /// Strips the shape's prefix from a field name: <c>eth.src</c> (-T json) and <c>eth_eth_src</c> (-T ek) both
    /// become <c>src</c>; the 2018 variant's plain <c>src</c> stays as it is.
    /// </summary>
    internal static ReadOnlySpan<byte> LocalName(ReadOnlySpan<byte> name, ReadOnlySpan<byte> layer)
    {
        int n = layer.Length;
        if (name.Length > n && name.StartsWith(layer))
        {
            if (name[n] == (byte)'.') return name[(n + 1)..];
            if (name[n] == (byte)'_' && name.Length > 2 * n + 2 && name.Slice(n + 1, n).SequenceEqual(layer)
                && name[2 * n + 1] == (byte)'_')
            {
                return name[(2 * n + 2)..];
            }
        }
        return name;
    }
}
