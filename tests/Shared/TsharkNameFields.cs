using System.Globalization;

namespace PcapWatch.Tests.Shared;

/// <summary>
/// One packet as tshark's own fields give it (tests/Fixtures/name-fields.sh): its addresses, the names it asks for and
/// a DNS response's answers. The names tests' ground truth, independent of the JSON shapes PcapWatch reads.
/// </summary>
public sealed record TsharkNameFields(int Number, decimal Epoch, string EthSrc, string EthDst, string? Src, string? Dst,
    string? OwnName, string? OwnSource, bool IsResponse, string? Question, (string Address, int Ttl)[] Answers)
{
    private const int TypeA = 1, TypeAaaa = 28;

    /// <summary>The capture time as PcapWatch writes it in P_FRAME_TIME, to the nanosecond: "HH:mm:ss.fffffffff".</summary>
    public string TimeOfDay
    {
        get
        {
            var seconds = decimal.Truncate(Epoch);
            var fraction = (Epoch - seconds).ToString("0.000000000", CultureInfo.InvariantCulture)[1..];
            return DateTimeOffset.FromUnixTimeSeconds((long)seconds).ToString("HH:mm:ss", CultureInfo.InvariantCulture) + fraction;
        }
    }

    public static List<TsharkNameFields> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var column = lines[0].Split('\t').Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i);
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => Parse(l.Split('\t'), column)).ToList();
    }

    private static TsharkNameFields Parse(string[] cells, Dictionary<string, int> column)
    {
        string[] All(string field) => cells[column[field]].Split(',', StringSplitOptions.RemoveEmptyEntries);
        string? First(string field) => All(field).FirstOrDefault();
        var own = Own(First("tls.handshake.extensions_server_name"), "sni")
            ?? Own(First("http.host") ?? First("http2.headers.authority"), "http")
            ?? Own(First("dns.qry.name"), "dns");
        return new TsharkNameFields(int.Parse(cells[0], CultureInfo.InvariantCulture), decimal.Parse(cells[1], CultureInfo.InvariantCulture),
            cells[column["eth.src"]], cells[column["eth.dst"]], First("ip.src") ?? First("ipv6.src"), First("ip.dst") ?? First("ipv6.dst"),
            own?.Name, own?.Source, First("dns.flags.response") is "1" or "True", Written(First("dns.qry.name")),
            PairAnswers(All("dns.resp.type"), All("dns.resp.ttl"), All("dns.a"), All("dns.aaaa")));
    }

    /// <summary>A response's addresses with their TTLs: tshark lists types and TTLs per answer, A and AAAA apart, in order.</summary>
    private static (string, int)[] PairAnswers(string[] types, string[] ttls, string[] a, string[] aaaa)
    {
        var answers = new List<(string, int)>();
        int nextA = 0, nextAaaa = 0;
        for (int i = 0; i < types.Length && i < ttls.Length; i++)
        {
            var type = int.Parse(types[i], CultureInfo.InvariantCulture);
            var ttl = int.Parse(ttls[i], CultureInfo.InvariantCulture);
            if (type == TypeA && nextA < a.Length) answers.Add((a[nextA++], ttl));
            else if (type == TypeAaaa && nextAaaa < aaaa.Length) answers.Add((aaaa[nextAaaa++], ttl));
        }
        return answers.ToArray();
    }

    private static (string Name, string Source)? Own(string? text, string source) => Written(text) is { } name ? (name, source) : null;

    /// <summary>As people write a name (docs/names.md): lower case, no trailing dot, a Host without its port.</summary>
    private static string? Written(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        text = text.ToLowerInvariant();
        if (text.StartsWith('[')) return text[1..text.IndexOf(']')];
        if (text.Count(c => c == ':') == 1) text = text[..text.IndexOf(':')];
        return text.TrimEnd('.');
    }
}
