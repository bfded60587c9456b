using System.Text;
using System.Text.Json;

namespace PcapWatch.Packets;

/// <summary>An address a DNS response gave for its question, and for how long (seconds, capped).</summary>
public readonly record struct DnsAnswer(IpAddressKey Address, uint TtlSeconds);

/// <summary>What a DNS response told its client: the name it asked for, and the addresses given for it.</summary>
public sealed record DnsResponse(string Question, IReadOnlyList<DnsAnswer> Answers);

/// <summary>
/// Reads a DNS (or mDNS, LLMNR) response's answers from its dissection, for passive DNS: <c>-T json</c> keeps each
/// answer in an object of its own under <c>Answers</c>; <c>-T ek</c> gives parallel arrays (<c>dns_dns_resp_type</c>,
/// <c>dns_dns_a</c>, <c>dns_dns_cname</c>, <c>dns_dns_resp_ttl</c>; a bare string when there is one), paired here by
/// type, of which the first <c>dns_dns_count_answers</c> are answers. Only an answer on the chain from the question
/// counts (the question's own records, then those of the names it is a CNAME of, in order), and it names its address
/// by the question — the name the client asked for; additional and authority records never name anything. Read for
/// responses to watched hosts only, so a parsed document is affordable; nothing in a record makes it throw.
/// </summary>
public static class DnsAnswerReader
{
    public const int MaxAnswers = 32;

    /// <summary>A day: a longer TTL, attacker-written or not, is kept for a day.</summary>
    public const uint MaxTtlSeconds = 86_400;

    private const int TypeA = 1, TypeCname = 5, TypeAaaa = 28;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = PacketExtractor.MaxDepth };

    public static DnsResponse? Read(ReadOnlySpan<byte> record)
    {
        // No address field, no answer to learn (a query, an NXDOMAIN): not worth a document. "dns.a" is also in
        // "dns.aaaa", "dns_dns_a" in "dns_dns_aaaa".
        if (record.IndexOf("\"dns.a"u8) < 0 && record.IndexOf("\"dns_dns_a"u8) < 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(record.ToArray(), DocumentOptions);
            if (DnsLayer(doc.RootElement) is not { } dns || !IsResponse(dns)) return null;
            if (Question(dns) is not { } question) return null;
            var answers = Chain(question, dns.TryGetProperty("Answers", out var listed) ? FromObjects(listed) : FromArrays(dns));
            return answers.Count == 0 ? null : new DnsResponse(question, answers);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null; // not JSON, or values of the wrong kind: nothing learned
        }
    }

    private sealed record Record(string? Name, int Type, uint Ttl, string? Data);

    private static JsonElement? DnsLayer(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return null;
        var layers = root.TryGetProperty("layers", out var l) ? l : root.TryGetProperty("_source", out var s) && s.ValueKind == JsonValueKind.Object
            && s.TryGetProperty("layers", out var sl) ? sl : default;
        if (layers.ValueKind != JsonValueKind.Object) return null;
        foreach (var layer in layers.EnumerateObject())
        {
            if (layer.Name is not ("dns" or "mdns" or "llmnr")) continue;
            var value = layer.Value.ValueKind == JsonValueKind.Array ? layer.Value.EnumerateArray().FirstOrDefault() : layer.Value;
            return value.ValueKind == JsonValueKind.Object ? value : null;
        }
        return null;
    }

    private static bool IsResponse(JsonElement dns)
    {
        if (dns.TryGetProperty("dns_dns_flags_response", out var ek)) return ek.ValueKind == JsonValueKind.True || Text(ek) == "1";
        if (!dns.TryGetProperty("dns.flags_tree", out var tree) || tree.ValueKind != JsonValueKind.Object) return false;
        return (tree.TryGetProperty("dns.flags.response", out var r) || tree.TryGetProperty("dns.response", out r)) && Text(r) == "1";
    }

    private static string? Question(JsonElement dns)
    {
        if (dns.TryGetProperty("dns_dns_qry_name", out var ek)) return Name(Strings(ek).FirstOrDefault());
        if (!dns.TryGetProperty("Queries", out var queries) || queries.ValueKind != JsonValueKind.Object) return null;
        foreach (var query in queries.EnumerateObject())
        {
            if (query.Value.ValueKind == JsonValueKind.Object && query.Value.TryGetProperty("dns.qry.name", out var name)) return Name(Text(name));
        }
        return null;
    }

    /// <summary>-T json: one object per answer.</summary>
    private static List<Record> FromObjects(JsonElement answers)
    {
        var records = new List<Record>();
        if (answers.ValueKind != JsonValueKind.Object) return records;
        foreach (var answer in answers.EnumerateObject().Take(MaxAnswers))
        {
            var a = answer.Value;
            if (a.ValueKind != JsonValueKind.Object) continue;
            int type = int.TryParse(Field(a, "dns.resp.type"), out int t) ? t : 0;
            string? data = type switch
            {
                TypeA => Field(a, "dns.a"),
                TypeAaaa => Field(a, "dns.aaaa"),
                TypeCname => Field(a, "dns.cname"),
                _ => null,
            };
            records.Add(new Record(Field(a, "dns.resp.name"), type, Ttl(Field(a, "dns.resp.ttl")), data));
        }
        return records;
    }

    /// <summary>-T ek: parallel arrays over every section; the first count_answers are the answers.</summary>
    private static List<Record> FromArrays(JsonElement dns)
    {
        var records = new List<Record>();
        int count = dns.TryGetProperty("dns_dns_count_answers", out var c) && int.TryParse(Text(c), out int n) ? Math.Min(n, MaxAnswers) : 0;
        var names = Array(dns, "dns_dns_resp_name");
        var types = Array(dns, "dns_dns_resp_type");
        var ttls = Array(dns, "dns_dns_resp_ttl");
        var data = new Dictionary<int, (List<string?> Values, int Next)>
        {
            [TypeA] = (Array(dns, "dns_dns_a"), 0), [TypeAaaa] = (Array(dns, "dns_dns_aaaa"), 0), [TypeCname] = (Array(dns, "dns_dns_cname"), 0),
        };
        for (int i = 0; i < count && i < types.Count; i++)
        {
            int type = int.TryParse(types[i], out int t) ? t : 0;
            string? value = null;
            if (data.TryGetValue(type, out var column))
            {
                value = column.Next < column.Values.Count ? column.Values[column.Next] : null;
                data[type] = (column.Values, column.Next + 1);
            }
            records.Add(new Record(i < names.Count ? names[i] : null, type, Ttl(i < ttls.Count ? ttls[i] : null), value));
        }
        return records;
    }

    /// <summary>The answers reachable from the question, in order, each named by the question.</summary>
    private static List<DnsAnswer> Chain(string question, List<Record> records)
    {
        var reachable = new HashSet<string>(StringComparer.Ordinal) { question };
        var answers = new List<DnsAnswer>();
        foreach (var r in records)
        {
            if (Name(r.Name) is not { } owner || !reachable.Contains(owner)) continue;
            if (r.Type == TypeCname && Name(r.Data) is { } target) reachable.Add(target);
            else if (r.Type is TypeA or TypeAaaa && IpAddressKey.TryParse(r.Data, out var address)) answers.Add(new DnsAnswer(address, r.Ttl));
        }
        return answers;
    }

    private static string? Field(JsonElement obj, string name) => obj.TryGetProperty(name, out var v) ? Text(v) : null;

    private static List<string?> Array(JsonElement obj, string name) => obj.TryGetProperty(name, out var v) ? Strings(v).ToList() : [];

    private static IEnumerable<string?> Strings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(Text) : [Text(value)];

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static uint Ttl(string? text) => uint.TryParse(text, out uint ttl) ? Math.Min(ttl, MaxTtlSeconds) : 0;

    private static string? Name(string? text) => text is null ? null : NameText.Normalize(Encoding.UTF8.GetBytes(text), isHost: false);
}
