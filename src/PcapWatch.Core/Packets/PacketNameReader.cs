using System.Text.Json;

namespace PcapWatch.Packets;

/// <summary>
/// The name a packet asks for, read from its dissection (<c>-T json</c>, the recipe's variant, <c>-T ek</c>): a TLS or
/// QUIC ClientHello's server name, else an HTTP request's <c>Host</c> or HTTP/2's <c>:authority</c>, else a DNS, mDNS
/// or LLMNR message's first question. Only fields named exactly so count, wherever they sit inside their layer
/// (<c>-T json</c> nests the server name five objects deep under display-text keys, beside <c>…server_name_len</c>;
/// <c>-T ek</c> gives arrays). Read for matched packets only; nothing in a record makes it throw: what cannot be read
/// is no name.
/// </summary>
public static class PacketNameReader
{
    /// <summary>The longest name kept: a DNS name has at most 253 characters.</summary>
    public const int MaxNameLength = 253;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = PacketExtractor.MaxDepth };

    public static PacketName Find(ReadOnlySpan<byte> record)
    {
        var found = new Found();
        var reader = new Utf8JsonReader(record, ReaderOptions);
        try
        {
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject && FirstProperty.FindLayers(ref reader))
            {
                ReadLayers(ref reader, ref found);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Malformed past the fields that matched it: the names read before the fault still count.
        }
        return found.Best;
    }

    private static void ReadLayers(ref Utf8JsonReader reader, ref Found found)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var kind = LayerKind(ref reader);
            reader.Read();
            if (kind == NameSource.None || found.Has(kind) || reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                reader.Skip();
                continue;
            }
            if (ScanLayer(ref reader, kind) is { } name) found.Set(kind, name);
            if (found.Has(NameSource.Sni)) return; // nothing outranks it
        }
    }

    /// <summary>
    /// Walks one layer's whole value for its kind's field; the first readable one is the name. Leaves the reader on
    /// the layer's last token.
    /// </summary>
    private static string? ScanLayer(ref Utf8JsonReader reader, NameSource kind)
    {
        int depth = reader.CurrentDepth;
        string? name = null;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (name is not null || reader.TokenType != JsonTokenType.PropertyName || !IsNameField(ref reader, kind)) continue;
            reader.Read();
            name = ReadName(ref reader, kind);
        }
        return name;
    }

    /// <summary>
    /// Whether a packet's <c>frame.protocols</c> names a layer <see cref="LayerKind"/> reads a name from (or says
    /// nothing, or is escaped): tshark lists there every layer it dissected, so a packet without one need not be walked.
    /// </summary>
    public static bool MayCarryName(ReadOnlySpan<byte> protocols) =>
        protocols.IsEmpty || protocols.IndexOf((byte)'\\') >= 0 || protocols.IndexOf("dns"u8) >= 0 || protocols.IndexOf("http"u8) >= 0
        || protocols.IndexOf("tls"u8) >= 0 || protocols.IndexOf("ssl"u8) >= 0 || protocols.IndexOf("quic"u8) >= 0
        || protocols.IndexOf("llmnr"u8) >= 0;

    private static NameSource LayerKind(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("tls"u8) || reader.ValueTextEquals("ssl"u8) || reader.ValueTextEquals("quic"u8)) return NameSource.Sni;
        if (reader.ValueTextEquals("http"u8) || reader.ValueTextEquals("http2"u8)) return NameSource.Http;
        if (reader.ValueTextEquals("dns"u8) || reader.ValueTextEquals("mdns"u8) || reader.ValueTextEquals("llmnr"u8)) return NameSource.Dns;
        return NameSource.None;
    }

    private static bool IsNameField(ref Utf8JsonReader reader, NameSource kind) => kind switch
    {
        NameSource.Sni => reader.ValueTextEquals("tls.handshake.extensions_server_name"u8)
            || reader.ValueTextEquals("tls_tls_handshake_extensions_server_name"u8)
            || reader.ValueTextEquals("ssl.handshake.extensions_server_name"u8)
            || reader.ValueTextEquals("ssl_ssl_handshake_extensions_server_name"u8),
        NameSource.Http => reader.ValueTextEquals("http.host"u8) || reader.ValueTextEquals("http_http_host"u8)
            || reader.ValueTextEquals("http2.headers.authority"u8) || reader.ValueTextEquals("http2_http2_headers_authority"u8),
        NameSource.Dns => reader.ValueTextEquals("dns.qry.name"u8) || reader.ValueTextEquals("dns_dns_qry_name"u8),
        _ => false,
    };

    /// <summary>A string, or (ek) an array's first string, as a name; null when there is none or it is not one.</summary>
    private static string? ReadName(ref Utf8JsonReader reader, NameSource kind)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            int depth = reader.CurrentDepth;
            string? first = null;
            while (reader.Read() && reader.CurrentDepth > depth)
            {
                // Only the array's own strings: a string inside an object in it belongs to another field.
                if (first is null && reader.TokenType == JsonTokenType.String && reader.CurrentDepth == depth + 1) first = ReadName(ref reader, kind);
            }
            return first;
        }
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > 4 * MaxNameLength + 16) return null;
        Span<byte> text = stackalloc byte[4 * MaxNameLength + 16];
        int length = reader.CopyString(text);
        return NameText.Normalize(text[..length], isHost: kind == NameSource.Http);
    }

    /// <summary>The first name found per kind, and the best of them: sni, then http, then dns.</summary>
    private struct Found
    {
        private string? _sni, _http, _dns;

        public readonly bool Has(NameSource kind) => kind switch
        {
            NameSource.Sni => _sni is not null,
            NameSource.Http => _http is not null,
            NameSource.Dns => _dns is not null,
            _ => false,
        };

        public void Set(NameSource kind, string name)
        {
            if (kind == NameSource.Sni) _sni = name;
            else if (kind == NameSource.Http) _http = name;
            else if (kind == NameSource.Dns) _dns = name;
        }

        public readonly PacketName Best =>
            _sni is not null ? new(NameSource.Sni, _sni)
            : _http is not null ? new(NameSource.Http, _http)
            : _dns is not null ? new(NameSource.Dns, _dns)
            : PacketName.Unnamed;
    }
}
