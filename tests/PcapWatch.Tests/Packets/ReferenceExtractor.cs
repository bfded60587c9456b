using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Packets;

/// <summary>
/// The slow, obvious reading of a packet with <see cref="JsonDocument"/>, written independently of the extractor:
/// the fields it must agree with on every sample record.
/// </summary>
internal static class ReferenceExtractor
{
    private static readonly (PacketField Field, string Layer, string Name)[] Fields =
    [
        (PacketField.FrameTime, "frame", "time"),
        (PacketField.FrameLen, "frame", "len"),
        (PacketField.FrameProtocols, "frame", "protocols"),
        (PacketField.EthSrc, "eth", "src"),
        (PacketField.EthDst, "eth", "dst"),
        (PacketField.IpSrc, "ip", "src"),
        (PacketField.IpDst, "ip", "dst"),
        (PacketField.IpSrcHost, "ip", "src_host"),
        (PacketField.IpDstHost, "ip", "dst_host"),
        (PacketField.IpProto, "ip", "proto"),
    ];

    public static Dictionary<PacketField, string?>? Extract(byte[] record)
    {
        using var doc = JsonDocument.Parse(record, new JsonDocumentOptions { MaxDepth = 1024 });
        var root = doc.RootElement;
        var layers = Property(root, "layers") ?? (Property(root, "_source") is { } source ? Property(source, "layers") : null);
        if (layers is not { ValueKind: JsonValueKind.Object } l) return null;

        var frame = LayerObject(l, "frame");
        var eth = LayerObject(l, "eth");
        // The first network layer, IPv4 or IPv6, whichever tshark wrote first.
        var ipName = l.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n is "ip" or "ipv6");
        var ip = ipName is null ? null : LayerObject(l, ipName);

        var result = new Dictionary<PacketField, string?>();
        foreach (var (field, layer, name) in Fields)
        {
            var (obj, layerName, local) = layer switch
            {
                "frame" => (frame, "frame", name),
                "eth" => (eth, "eth", name),
                _ => (ip, ipName ?? "ip", ipName == "ipv6" && name == "proto" ? "nxt" : name),
            };
            result[field] = obj is { } o ? Value(o, layerName, local) : null;
        }
        return result;
    }

    private static JsonElement? Property(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in obj.EnumerateObject())
        {
            if (p.NameEquals(name)) return p.Value;
        }
        return null;
    }

    /// <summary>A layer's object: the first one with that name; in -T ek a repeated layer is an array of objects.</summary>
    private static JsonElement? LayerObject(JsonElement layers, string name)
    {
        foreach (var p in layers.EnumerateObject())
        {
            if (!p.NameEquals(name)) continue;
            if (p.Value.ValueKind == JsonValueKind.Object) return p.Value;
            if (p.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var e in p.Value.EnumerateArray())
                {
                    if (e.ValueKind == JsonValueKind.Object) return e;
                }
            }
        }
        return null;
    }

    private static string? Value(JsonElement layer, string layerName, string local)
    {
        string[] names = [local, $"{layerName}.{local}", $"{layerName}_{layerName}_{local}"];
        foreach (var p in layer.EnumerateObject())
        {
            if (!names.Contains(p.Name)) continue;
            var text = Scalar(p.Value);
            if (text is not null) return text;
        }
        return null;
    }

    private static string? Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        JsonValueKind.Array => v.EnumerateArray().Where(e => e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            .Select(Scalar).FirstOrDefault(),
        _ => null,
    };

    /// <summary>The extractor's answer as text, for comparison.</summary>
    public static string? Text(byte[] record, FieldSlice slice)
    {
        var raw = slice.Of(record);
        switch (slice.Kind)
        {
            case FieldSliceKind.Missing:
                return null;
            case FieldSliceKind.EscapedString:
                var reader = new Utf8JsonReader(record.AsSpan(slice.Start - 1, slice.Length + 2));
                reader.Read();
                return reader.GetString();
            default:
                return System.Text.Encoding.UTF8.GetString(raw);
        }
    }
}
