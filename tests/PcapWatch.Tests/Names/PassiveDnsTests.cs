using System.Text;
using CsCheck;
using NUnit.Framework;
using PcapWatch.Names;
using PcapWatch.Packets;
using PcapWatch.Tests.Shared;

namespace PcapWatch.Tests.Names;

/// <summary>
/// Issue "What did they visit?": DNS answers read in each shape (paired by type in ek, only along the chain from the
/// question), and what they name, to whom, for how long, in bounded memory.
/// </summary>
public class PassiveDnsTests
{
    private static readonly MacAddress Alice = MacAddress.Parse("02:50:57:00:00:02"), Bob = MacAddress.Parse("02:50:57:00:00:03");
    private static IpAddressKey Ip(string text) => IpAddressKey.TryParse(text, out var a) ? a : throw new ArgumentException(text);

    [Test]
    public void The_projects_capture_gives_the_same_answers_in_json_and_in_ek()
    {
        var json = TestData.Lines(TestData.Fixture("netns-lan.json.ndjson")).Select(r => DnsAnswerReader.Read(r)).ToList();
        var ek = TestData.Lines(TestData.Fixture("netns-lan.ek.ndjson")).Select(r => DnsAnswerReader.Read(r)).ToList();
        Assert.That(json.Count(r => r is not null), Is.GreaterThan(0));
        Assert.That(ek.Select(Describe), Is.EqualTo(json.Select(Describe)));
        Assert.That(json.Where(r => r is not null).Select(r => r!.Question), Is.All.EqualTo("intranet.corp.example").Or.EqualTo("printer.corp.example"));
    }

    private static string Describe(DnsResponse? r) => r is null ? "-" : r.Question + "=" + string.Join(",", r.Answers);

    [Test]
    public void A_cname_chain_names_the_address_by_the_question_and_records_off_the_chain_name_nothing()
    {
        const string json = """
            {"_source":{"layers":{"dns":{"dns.flags_tree":{"dns.flags.response":"1"},
            "Queries":{"www.Example.com: type A":{"dns.qry.name":"www.Example.com"}},
            "Answers":{
              "a":{"dns.resp.name":"www.example.com","dns.resp.type":"5","dns.resp.ttl":"60","dns.cname":"edge.cdn.example"},
              "b":{"dns.resp.name":"edge.cdn.example","dns.resp.type":"1","dns.resp.ttl":"30","dns.a":"192.0.2.10"},
              "c":{"dns.resp.name":"other.example","dns.resp.type":"1","dns.resp.ttl":"30","dns.a":"192.0.2.66"},
              "d":{"dns.resp.name":"www.example.com","dns.resp.type":"28","dns.resp.ttl":"999999","dns.aaaa":"2001:db8::10"}},
            "Additional records":{"e":{"dns.resp.name":"www.example.com","dns.resp.type":"1","dns.resp.ttl":"30","dns.a":"192.0.2.99"}}}}}}
            """;
        var response = DnsAnswerReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.That(response!.Question, Is.EqualTo("www.example.com"));
        Assert.That(response.Answers, Is.EqualTo(new[]
        {
            new DnsAnswer(Ip("192.0.2.10"), 30), new DnsAnswer(Ip("2001:db8::10"), DnsAnswerReader.MaxTtlSeconds),
        }), "the CNAME's target, the question's own AAAA with its TTL capped; not other.example's, not the additional record");
    }

    [Test]
    public void Ek_answers_are_paired_by_type_and_only_the_answer_section_counts()
    {
        const string ek = """
            {"timestamp":"1","layers":{"dns":{"dns_dns_flags_response":true,"dns_dns_count_answers":"3","dns_dns_qry_name":"a.example",
            "dns_dns_resp_name":["a.example","b.example","a.example","a.example"],"dns_dns_resp_type":["5","1","28","1"],
            "dns_dns_resp_ttl":["10","20","30","40"],"dns_dns_cname":"b.example","dns_dns_a":["192.0.2.1","192.0.2.200"],
            "dns_dns_aaaa":"2001:db8::1"}}}
            """;
        var response = DnsAnswerReader.Read(Encoding.UTF8.GetBytes(ek));
        Assert.That(response!.Answers, Is.EqualTo(new[] { new DnsAnswer(Ip("192.0.2.1"), 20), new DnsAnswer(Ip("2001:db8::1"), 30) }),
            "the fourth record is past count_answers: an additional record");
    }

    [TestCase("""{"layers":{"dns":{"dns_dns_flags_response":false,"dns_dns_count_answers":"1","dns_dns_qry_name":"a.example","dns_dns_resp_name":"a.example","dns_dns_resp_type":"1","dns_dns_a":"192.0.2.1"}}}""")]
    [TestCase("""{"layers":{"dns":{"dns_dns_flags_response":true,"dns_dns_count_answers":"1","dns_dns_qry_name":"a.example","dns_dns_resp_name":"a.example","dns_dns_resp_type":"1","dns_dns_a":"not an address"}}}""")]
    [TestCase("""{"layers":{"dns":{"dns_dns_flags_response":true,"dns_dns_count_answers":"1","dns_dns_qry_name":"a\r\nb","dns_dns_resp_name":"a\r\nb","dns_dns_resp_type":"1","dns_dns_a":"192.0.2.1"}}}""")]
    [TestCase("""{"layers":{"dns":{"dns_dns_flags_response":true,"dns_dns_count_answers":{"x":1}}}}""")]
    [TestCase("""{"layers":{"dns":"cut""")]
    public void A_query_an_unreadable_answer_or_a_broken_record_teaches_nothing(string record) =>
        Assert.That(DnsAnswerReader.Read(Encoding.UTF8.GetBytes(record)), Is.Null);

    [Test]
    public void An_answer_names_its_address_for_its_own_client_then_for_others_until_its_ttl_and_grace_end()
    {
        var dns = new PassiveDns(TimeSpan.FromSeconds(60));
        var address = Ip("192.0.2.10");
        dns.Learn(new DnsResponse("shop.example", [new DnsAnswer(address, 30)]), Alice, seenMs: 1_000_000);
        Assert.That(dns.NameOf(address, Alice, 999_999), Is.EqualTo(PacketName.Unnamed), "not before it was given");
        Assert.That(dns.NameOf(address, Alice, 1_000_000 + 90_000), Is.EqualTo(new PacketName(NameSource.DnsAnswer, "shop.example")));
        Assert.That(dns.NameOf(address, Bob, 1_000_000 + 5_000), Is.EqualTo(new PacketName(NameSource.DnsAnswerSeen, "shop.example")));
        Assert.That(dns.NameOf(address, Alice, 1_000_000 + 90_001), Is.EqualTo(PacketName.Unnamed), "TTL 30 s + grace 60 s over");
        dns.Learn(new DnsResponse("cdn.example", [new DnsAnswer(address, 30)]), Bob, seenMs: 1_010_000);
        Assert.That(dns.NameOf(address, Alice, 1_020_000), Is.EqualTo(new PacketName(NameSource.DnsAnswer, "shop.example")),
            "what she was told outranks what Bob was told later");
        Assert.That(dns.NameOf(address, Bob, 1_020_000), Is.EqualTo(new PacketName(NameSource.DnsAnswer, "cdn.example")));
    }

    /// <summary>A flood of answers (random addresses, TTLs and times) never holds more than its bound, and counts what it forgot.</summary>
    [Test]
    public void Memory_is_bounded_however_many_answers_arrive()
    {
        const int bound = 16;
        Gen.Select(Gen.UInt, Gen.UInt[0, 3600], Gen.Long[0, 1L << 40]).Array[1, 200].Sample(answers =>
        {
            var dns = new PassiveDns(TimeSpan.FromSeconds(60), maxAddresses: bound);
            foreach (var (address, ttl, at) in answers)
            {
                dns.Learn(new DnsResponse("x.example", [new DnsAnswer(IpAddressKey.FromIPv4(address), ttl)]), Alice, at);
                Assert.That(dns.Addresses, Is.LessThanOrEqualTo(bound));
            }
            int distinct = answers.Select(a => a.Item1).Distinct().Count();
            Assert.That(dns.Evicted, distinct > bound ? Is.GreaterThan(0) : Is.GreaterThanOrEqualTo(0), "what was forgotten is counted");
            Assert.That(dns.Learned - dns.Evicted, Is.GreaterThanOrEqualTo(dns.Addresses));
        });
    }

    /// <summary>
    /// Answers arrive out of capture order (partitions lag one another; another instance's answers come early): once
    /// all are known, each packet is named as if they had come in order — an answer renewed does not hide the one a
    /// packet between the two needs. Up to 8 answers an address, so nothing is evicted.
    /// </summary>
    [Test]
    public void The_order_answers_arrive_in_does_not_change_a_name()
    {
        var addresses = new[] { Ip("192.0.2.1"), Ip("2001:db8::1") };
        var answer = Gen.Select(Gen.Int[0, 1], Gen.OneOf(Gen.Const("a.example"), Gen.Const("b.example")), Gen.Bool, Gen.Long[0, 100_000], Gen.Long[0, 60_000])
            .Select((a, name, alice, seen, life) => new NameStatement(addresses[a], name, alice ? Alice : Bob, seen, seen + life));
        Gen.Select(answer.Array[1, 8], Gen.Long[0, 200_000].Array[1, 20], Gen.Int).Sample((told, times, seed) =>
        {
            var inOrder = new PassiveDns(TimeSpan.Zero);
            var shuffled = new PassiveDns(TimeSpan.Zero);
            foreach (var t in told.OrderBy(t => t.SeenMs)) inOrder.Adopt(t);
            foreach (var t in told.OrderBy(_ => new Random(seed).Next())) shuffled.Adopt(t);
            foreach (var (address, at, client) in addresses.SelectMany(a => times.SelectMany(t => new[] { (a, t, Alice), (a, t, Bob) })))
            {
                Assert.That(shuffled.NameOf(address, client, at), Is.EqualTo(inOrder.NameOf(address, client, at)).And.EqualTo(Expected(told, address, client, at)));
            }
        });
    }

    /// <summary>docs/names.md's rule, written out: valid at the time, the host's own newest, else anyone's newest.</summary>
    private static PacketName Expected(NameStatement[] told, IpAddressKey address, MacAddress client, long at)
    {
        var valid = told.Where(t => t.Address == address && t.SeenMs <= at && at <= t.UntilMs)
            .OrderBy(t => t.SeenMs).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        if (valid.LastOrDefault(t => t.Client == client) is { Name: not null } own) return new PacketName(NameSource.DnsAnswer, own.Name);
        return valid.Count == 0 ? PacketName.Unnamed : new PacketName(NameSource.DnsAnswerSeen, valid[^1].Name);
    }

    [Test]
    public void A_statement_read_from_another_instance_lasts_no_longer_than_one_learned_here()
    {
        var dns = new PassiveDns(TimeSpan.FromSeconds(60));
        var address = Ip("192.0.2.7");
        dns.Adopt(new NameStatement(address, "forever.example", Alice, 1_000, long.MaxValue));
        long longest = 1_000 + DnsAnswerReader.MaxTtlSeconds * 1000L + 60_000;
        Assert.That(dns.NameOf(address, Alice, longest), Is.EqualTo(new PacketName(NameSource.DnsAnswer, "forever.example")));
        Assert.That(dns.NameOf(address, Alice, longest + 1), Is.EqualTo(PacketName.Unnamed), "a day's TTL plus the grace at most");
        Assert.That(dns.Adopted, Is.EqualTo(1));
    }

    [Test]
    public void A_name_record_reads_back_what_was_written_and_refuses_what_no_answer_could_say()
    {
        var told = new NameStatement(Ip("2001:db8::5"), "shop.example", Alice, 1_000, 91_000);
        Assert.That(NameRecord.TryDecode(NameRecord.Encode(told), out var read, out var problem), Is.True, problem);
        Assert.That(read, Is.EqualTo(told));
        Assert.That(Encoding.ASCII.GetString(NameRecord.Key(told)), Is.EqualTo("2001:db8::5|shop.example|02:50:57:00:00:02"));
        string[] refused =
        [
            """{"ADDRESS":"2001:db8::5","NAME":"<script>alert(1)</script> x","CLIENT":"02:50:57:00:00:02","SEEN":1,"UNTIL":2}""",
            """{"ADDRESS":"2001:db8::5","NAME":"shop.example","CLIENT":"02:50:57:00:00:02","SEEN":5,"UNTIL":2}""",
            """{"ADDRESS":"not-an-address","NAME":"shop.example","CLIENT":"02:50:57:00:00:02","SEEN":1,"UNTIL":2}""",
            """{"ADDRESS":"2001:db8::5","NAME":"shop.example","CLIENT":"nobody","SEEN":1,"UNTIL":2}""",
            """{"ADDRESS":"2001:db8::5","NAME":7,"CLIENT":"02:50:57:00:00:02","SEEN":1,"UNTIL":2}""",
            """[1,2]""",
            """{"ADDRESS":""",
        ];
        foreach (var record in refused)
        {
            Assert.That(NameRecord.TryDecode(Encoding.UTF8.GetBytes(record), out _, out problem), Is.False, record);
            Assert.That(problem, Is.Not.Empty);
        }
    }
}
