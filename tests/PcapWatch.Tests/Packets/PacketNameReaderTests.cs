using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Packets;

/// <summary>
/// Issue "What did they visit?": the name a packet asks for, in every shape tshark writes, equal to the reference
/// reader on real captures and on records an attacker shaped; never an exception.
/// </summary>
public class PacketNameReaderTests
{
    private static PacketName Find(string json) => PacketNameReader.Find(Encoding.UTF8.GetBytes(json));

    private static string DnsQuestion(string name) => """{"layers":{"dns":{"dns.qry.name":""" + "\"" + name + "\"}}}";

    [Test]
    public void A_json_client_hello_gives_its_server_name_not_the_length_or_type_fields_beside_it()
    {
        const string hello = """
            {"_source":{"layers":{"frame":{},"eth":{},"ip":{},"tcp":{},"tls":{"tls.record":{"tls.record.content_type":"22",
            "tls.handshake":{"tls.handshake.type":"1","Extension: server_name (len=16) name=Example.COM.":{
            "tls.handshake.extension.type":"0","tls.handshake.extension.len":"16","Server Name Indication extension":{
            "tls.handshake.extensions_server_name_list_len":"14","tls.handshake.extensions_server_name_type":"0",
            "tls.handshake.extensions_server_name_len":"11","tls.handshake.extensions_server_name":"Example.COM."}}}}}}}}
            """;
        Assert.That(Find(hello), Is.EqualTo(new PacketName(NameSource.Sni, "example.com")));
    }

    [Test]
    public void An_ek_record_gives_the_first_of_an_array_and_a_bare_string_alike()
    {
        Assert.That(Find("""{"timestamp":"1","layers":{"dns":{"dns_dns_qry_name":["a.example","b.example"]}}}"""),
            Is.EqualTo(new PacketName(NameSource.Dns, "a.example")));
        Assert.That(Find("""{"timestamp":"1","layers":{"http":{"http_http_host":"WWW.Example.org:8080"}}}"""),
            Is.EqualTo(new PacketName(NameSource.Http, "www.example.org")));
        Assert.That(Find("""{"layers":{"quic":[{"tls_tls_handshake_extensions_server_name":"q.example"}]}}"""),
            Is.EqualTo(new PacketName(NameSource.Sni, "q.example")));
    }

    [TestCase("""{"layers":{"dns":{"dns.qry.name":"d.example"},"http":{"http.host":"h.example"}}}""", NameSource.Http, "h.example")]
    [TestCase("""{"layers":{"http2":{"http2.headers.authority":"h2.example:443"},"tls":{"x":{"tls.handshake.extensions_server_name":"s.example"}}}}""",
        NameSource.Sni, "s.example")]
    [TestCase("""{"layers":{"mdns":{"Queries":{"x":{"dns.qry.name":"printer.local"}}}}}""", NameSource.Dns, "printer.local")]
    [TestCase("""{"layers":{"http":{"http.host":"[2001:DB8::1]:8443"}}}""", NameSource.Http, "2001:db8::1")]
    [TestCase("""{"layers":{"http":{"http.host":"2001:db8::1"}}}""", NameSource.Http, "2001:db8::1")]
    [TestCase("""{"layers":{"http":{"http\u002ehost":"escaped.example"}}}""", NameSource.Http, "escaped.example")]
    [TestCase("""{"layers":{"dns":{"dns.qry.name":"xn--bcher-kva.example"}}}""", NameSource.Dns, "xn--bcher-kva.example")]
    public void The_best_name_wins_written_as_people_write_it(string record, NameSource source, string name) =>
        Assert.That(Find(record), Is.EqualTo(new PacketName(source, name)));

    [TestCase("""{"layers":{"http":{"http.host":"evil\r\nX-Forged: 1"}}}""")]
    [TestCase("""{"layers":{"http":{"http.host":"two words"}}}""")]
    [TestCase("""{"layers":{"http":{"http.host":""}}}""")]
    [TestCase("""{"layers":{"dns":{"dns.qry.name":"."}}}""")]
    [TestCase("""{"layers":{"dns":{"dns.qry.name.len":"21","dns.qry.name_x":"no.example"}}}""")]
    [TestCase("""{"layers":{"eth":{"dns.qry.name":"not.in.its.layer"}}}""")]
    [TestCase("""{"layers":{"dns":{"dns.qry.name":7}}}""")]
    [TestCase("""not json""")]
    [TestCase("""{"layers":{"dns":{"dns.qry.name":"cut""")]
    public void What_cannot_be_a_name_is_no_name(string record) => Assert.That(Find(record), Is.EqualTo(PacketName.Unnamed));

    [Test]
    public void A_name_longer_than_dns_allows_is_no_name()
    {
        Assert.That(Find(DnsQuestion(new string('a', 254))), Is.EqualTo(PacketName.Unnamed));
        Assert.That(Find(DnsQuestion(new string('a', 253))).Name, Has.Length.EqualTo(253));
    }

    [TestCaseSource(typeof(TestData), nameof(TestData.OwnPacketFixtures))]
    public void Every_packet_of_the_projects_captures_is_named_as_the_reference_names_it(string fixture)
    {
        var named = 0;
        foreach (var record in TestData.Lines(TestData.Fixture(fixture)))
        {
            var expected = ReferenceNameReader.Find(record);
            Assert.That(PacketNameReader.Find(record), Is.EqualTo(expected), Encoding.UTF8.GetString(record)[..Math.Min(300, record.Length)]);
            if (expected!.Value.Name is not null) named++;
        }
        if (fixture.StartsWith("netns-lan", StringComparison.Ordinal)) Assert.That(named, Is.GreaterThanOrEqualTo(22), "18 DNS and 4 HTTP packets");
    }

    /// <summary>The project's captures in both shapes, packet by packet, against tshark's own fields for the same frame.</summary>
    [TestCase("netns-lan.json.ndjson", "netns-lan")]
    [TestCase("netns-lan.ek.ndjson", "netns-lan")]
    [TestCase("names-lan.json.ndjson", "names-lan")]
    [TestCase("names-lan.ek.ndjson", "names-lan")]
    public void Every_packet_is_named_as_tsharks_own_fields_name_it(string fixture, string capture)
    {
        var records = TestData.Lines(TestData.Fixture(fixture));
        var frames = TsharkNameFields.Read(TestData.Fixture(capture + ".fields.tsv"));
        Assert.That(records, Has.Count.EqualTo(frames.Count), "one record per frame, in order");
        for (int i = 0; i < records.Count; i++)
        {
            var expected = frames[i].OwnName is null ? PacketName.Unnamed : new PacketName(Source(frames[i].OwnSource!), frames[i].OwnName);
            Assert.That(PacketNameReader.Find(records[i]), Is.EqualTo(expected), $"frame {frames[i].Number}");
        }
    }

    private static NameSource Source(string written) => written switch
    {
        "sni" => NameSource.Sni,
        "http" => NameSource.Http,
        _ => NameSource.Dns,
    };

    [TestCaseSource(typeof(TestData), nameof(TestData.SharedPacketSamples))]
    public void Every_packet_of_the_shared_samples_is_named_as_the_reference_names_it(string relative)
    {
        foreach (var record in TestData.Lines(TestData.Shared(relative)))
        {
            Assert.That(PacketNameReader.Find(record), Is.EqualTo(ReferenceNameReader.Find(record) ?? PacketNameReader.Find(record)));
        }
    }

    /// <summary>Real records an attacker reshaped: decoy fields and layers, escapes, case, ports, nesting, arrays.</summary>
    [Test]
    public void Reshaped_records_are_named_as_the_reference_names_them()
    {
        var records = TestData.Lines(TestData.Fixture("netns-lan.json.ndjson")).Concat(TestData.Lines(TestData.Fixture("netns-lan.ek.ndjson")))
            .Select(r => JsonNode.Parse(r)!).ToArray();
        var edits = Gen.Int[0, 7].Array[1, 4];
        var texts = Gen.OneOf(Gen.Const("Decoy.Example."), Gen.Const("h:1"), Gen.Const("[::1]:2"), Gen.Const(" "), Gen.Const(""),
            Gen.String[Gen.Char['!', '~'], 0, 12]);
        Gen.Select(Gen.Int[0, records.Length - 1], edits, texts.Array[4]).Sample((index, kinds, values) =>
        {
            var record = records[index].DeepClone();
            var layers = (record["_source"]?["layers"] ?? record["layers"]) as JsonObject;
            if (layers is null) return;
            for (int i = 0; i < kinds.Length; i++) Reshape(layers, kinds[i], values[i % values.Length]);
            var bytes = Encoding.UTF8.GetBytes(record.ToJsonString());
            Assert.That(PacketNameReader.Find(bytes), Is.EqualTo(ReferenceNameReader.Find(bytes)), record.ToJsonString());
        }, iter: 2_000);
    }

    /// <summary>Any bytes at all: cut, flipped, spliced. The reader answers, and never throws.</summary>
    [Test]
    public void Mangled_bytes_never_throw()
    {
        var records = TestData.Lines(TestData.Fixture("netns-lan.ek.ndjson")).Concat(TestData.Lines(TestData.Fixture("netns-lan.json.ndjson"))).ToArray();
        Gen.Select(Gen.Int[0, records.Length - 1], Gen.Int[0, 4000], Gen.Byte, Gen.Int[0, 4000]).Sample((index, at, value, cut) =>
        {
            var bytes = (byte[])records[index].Clone();
            if (bytes.Length == 0) return;
            bytes[at % bytes.Length] = value;
            var mangled = bytes.AsSpan(0, Math.Max(1, Math.Min(bytes.Length, cut))).ToArray();
            Assert.DoesNotThrow(() => PacketNameReader.Find(mangled));
        }, iter: 5_000);
    }

    private static void Reshape(JsonObject layers, int kind, string text)
    {
        switch (kind)
        {
            case 0: layers["http"] = new JsonObject { ["http.host"] = text }; break;
            case 1: layers["dns"] = new JsonObject { ["Queries"] = new JsonObject { [text + ": type A"] = new JsonObject { ["dns.qry.name.len"] = "3", ["dns.qry.name"] = text } } }; break;
            case 2: layers["tls"] = new JsonArray(new JsonObject { ["x"] = new JsonObject { ["tls.handshake.extensions_server_name_len"] = "9", ["tls.handshake.extensions_server_name"] = text } }); break;
            case 3: layers["eth"] = new JsonObject { ["http.host"] = "decoy.in.eth", ["dns.qry.name"] = "decoy.in.eth" }; break;
            case 4: layers["http"] = new JsonObject { ["http.host"] = new JsonArray("", text, "second.example") }; break;
            case 5: layers["dns_dns_qry_name"] = text; break;
            case 6: layers["http2"] = new JsonObject { ["http2.headers.authority"] = new JsonObject { ["http2.headers.authority"] = text } }; break;
            default: layers.Remove("dns"); break;
        }
    }
}
