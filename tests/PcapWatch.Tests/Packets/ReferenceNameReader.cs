using System.Text;
using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Packets;

/// <summary>
/// The name rules read the slow, obvious way — a parsed document walked in order — to check the one-pass reader
/// against: the first name-bearing layer of each kind, in it the first field named exactly so (in document order)
/// whose value reads as a name; sni before http before dns.
/// </summary>
internal static class ReferenceNameReader
{
    private static readonly string[] Sni =
    [
        "tls.handshake.extensions_server_name", "tls_tls_handshake_extensions_server_name",
        "ssl.handshake.extensions_server_name", "ssl_ssl_handshake_extensions_server_name",
    ];
    private static readonly string[] Http = ["http.host", "http_http_host", "http2.headers.authority", "http2_http2_headers_authority"];
    private static readonly string[] Dns = ["dns.qry.name", "dns_dns_qry_name"];

    /// <summary>Null when the record is not JSON this reference can parse (the reader must then only not throw).</summary>
    public static PacketName? Find(byte[] record)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(record, new JsonDocumentOptions { MaxDepth = PacketExtractor.MaxDepth });
        }
        catch (JsonException)
        {
            return null;
        }
        using (doc)
        {
            var found = new Dictionary<NameSource, string>();
            if (doc.RootElement.ValueKind == JsonValueKind.Object && Layers(doc.RootElement, allowSource: true) is { } layers)
            {
                foreach (var layer in layers.EnumerateObject())
                {
                    var kind = Kind(layer.Name);
                    if (kind == NameSource.None || found.ContainsKey(kind) || layer.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) continue;
                    if (Scan(layer.Value, kind) is { } name) found[kind] = name;
                    if (found.ContainsKey(NameSource.Sni)) break;
                }
            }
            foreach (var kind in new[] { NameSource.Sni, NameSource.Http, NameSource.Dns })
            {
                if (found.TryGetValue(kind, out var name)) return new PacketName(kind, name);
            }
            return PacketName.Unnamed;
        }
    }

    private static JsonElement? Layers(JsonElement obj, bool allowSource)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Object) continue;
            if (p.NameEquals("layers")) return p.Value;
            if (allowSource && p.NameEquals("_source")) return Layers(p.Value, allowSource: false);
        }
        return null;
    }

    private static NameSource Kind(string layer) => layer switch
    {
        "tls" or "ssl" or "quic" => NameSource.Sni,
        "http" or "http2" => NameSource.Http,
        "dns" or "mdns" or "llmnr" => NameSource.Dns,
        _ => NameSource.None,
    };

    private static string? Scan(JsonElement value, NameSource kind)
    {
        var names = kind switch { NameSource.Sni => Sni, NameSource.Http => Http, _ => Dns };
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (Scan(item, kind) is { } inItem) return inItem;
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in value.EnumerateObject())
        {
            if (names.Contains(p.Name))
            {
                if (Read(p.Value, kind) is { } name) return name;
                if (p.Value.ValueKind != JsonValueKind.Object) continue; // a name field's array or string is read, not searched
            }
            if (Scan(p.Value, kind) is { } deeper) return deeper;
        }
        return null;
    }

    private static string? Read(JsonElement value, NameSource kind)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            return value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => Read(e, kind)).FirstOrDefault(n => n is not null);
        }
        if (value.ValueKind != JsonValueKind.String || Encoding.UTF8.GetByteCount(value.GetRawText()) - 2 > 4 * PacketNameReader.MaxNameLength + 16) return null;
        var text = value.GetString()!;
        if (kind == NameSource.Http) text = WithoutPort(text);
        if (text.EndsWith('.')) text = text[..^1];
        if (text.Length == 0 || Encoding.UTF8.GetByteCount(text) > PacketNameReader.MaxNameLength) return null;
        if (text.Any(c => c <= ' ' || c == '\u007f')) return null;
        return new string(text.Select(c => c is >= 'A' and <= 'Z' ? char.ToLowerInvariant(c) : c).ToArray());
    }

    private static string WithoutPort(string host)
    {
        if (host.StartsWith('[')) return host.IndexOf(']') is var close and > 0 ? host[1..close] : host;
        return host.Count(c => c == ':') == 1 ? host[..host.IndexOf(':')] : host;
    }
}
