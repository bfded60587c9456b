using System.Net;
using System.Text;
using System.Xml.Linq;
using NUnit.Framework;
using PcapWatch.Dashboard;

namespace PcapWatch.Tests.Dashboard;

public class DashboardPiecesTests
{
    [Test]
    public void A_match_attributed_by_ip_says_so_in_the_feed()
    {
        var record = Encoding.UTF8.GetBytes("""
            {"P_FRAME_PROTOCOLS":"eth:ethertype:ip:tcp:http","P_ETH_SRC":"02:50:57:00:01:fe","P_IP_SRC":"192.168.10.102",
             "P_IP_DST":"10.99.0.1","P_FRAME_LEN":"154","C_EMP_ID":"E200","C_EMP_NAME":"Alice Routed","C_MACADDR":"02:50:57:00:01:02",
             "DIRECTION":"out","ATTRIBUTED_BY":"ip"}
            """);
        var state = new DashboardState(10);
        lock (state.Sync) state.OnMatch(1_000, PcapWatch.Tools.MatchRecord.TryParse(record)!);
        var item = state.Feed.Newest(1, _ => true).Single();
        Assert.That((item.EmpName, item.Mac, item.Direction, item.AttributedBy), Is.EqualTo(("Alice Routed", "02:50:57:00:01:02", "out", "ip")));
    }

    [Test]
    public void Prometheus_samples_are_summed_over_their_labels_and_the_rest_is_skipped()
    {
        const string text = """
            # HELP pcapwatch_consumer_lag Records behind
            # TYPE pcapwatch_consumer_lag gauge
            pcapwatch_consumer_lag{instance="a",partition="0"} 12 1700000000000
            pcapwatch_consumer_lag{instance="a",partition="1"} 30
            pcapwatch_dead_letters_total{reason="not_json"} 2
            pcapwatch_dead_letters_total{reason="too_large"} 1.5e1
            pcapwatch_tables_current 1
            pcapwatch_packets_consumed_total NaN
            garbage line
            other_metric 99
            """;
        var sums = PrometheusText.Sums(text, ["pcapwatch_consumer_lag", "pcapwatch_dead_letters_total", "pcapwatch_tables_current",
            "pcapwatch_packets_consumed_total"]);
        Assert.That(sums, Is.EquivalentTo(new Dictionary<string, double>
        {
            ["pcapwatch_consumer_lag"] = 42, ["pcapwatch_dead_letters_total"] = 17, ["pcapwatch_tables_current"] = 1,
        }));
    }

    [Test]
    public void A_chart_is_well_formed_SVG_whose_protocol_names_are_only_text()
    {
        const string hostile = "<script>alert(1)</script>\"&'";
        var bars = new List<ChartBar>
        {
            new(DateTimeOffset.UnixEpoch, new Dictionary<string, (long, long)> { [hostile] = (3, 300), ["dns"] = (1, 80) }),
            new(DateTimeOffset.UnixEpoch.AddMinutes(1), new Dictionary<string, (long, long)>()),
        };
        var svg = SvgChart.Render(bars, bytes: false, "title " + hostile);
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.That(doc.Root!.Name, Is.EqualTo(ns + "svg"));
        Assert.That(doc.Descendants().Where(e => e.Name.LocalName == "script"), Is.Empty, "no element from a protocol name");
        Assert.That(doc.Descendants(ns + "text").Select(t => t.Value), Does.Contain(hostile));
        Assert.That(doc.Descendants(ns + "rect").Count(r => r.Attribute("height") is not null && r.Attribute("width")!.Value != "10"), Is.EqualTo(2),
            "one bar segment per protocol with traffic");
    }

    [Test]
    public void Credentials_accept_only_a_configured_user_by_password_or_token_and_say_who()
    {
        var ann = new DashboardUser("ann", DashboardRole.Analyst, DashboardSecrets.HashPassword("pw:with:colons!"), DashboardSecrets.HashToken("tok"));
        var bob = new DashboardUser("bob", DashboardRole.Viewer, DashboardSecrets.HashPassword("bob's own password"), null);
        var users = new DashboardCredentials([ann, bob]);
        string Basic(string s) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
        Assert.That(users.Authenticate("Bearer tok"), Is.SameAs(ann));
        Assert.That(users.Authenticate("bearer tok"), Is.SameAs(ann), "the scheme is case-insensitive");
        Assert.That(users.Authenticate(Basic("ann:pw:with:colons!")), Is.SameAs(ann));
        Assert.That(users.Authenticate(Basic("ann:pw:with:colons!")), Is.SameAs(ann), "again, from what was verified");
        Assert.That(users.Authenticate(Basic("BOB:bob's own password")), Is.SameAs(bob), "names are case-blind, as settings keys are");
        foreach (var wrong in new[]
                 {
                     null, "", "tok", "Bearer tok2", "Bearer to", Basic("ann:pw"), Basic("ann:pw:with:colons!:"), "Basic ###",
                     Basic("bob:pw:with:colons!"), Basic("carol:bob's own password"), Basic("bob"),
                 })
        {
            Assert.That(users.Authenticate(wrong), Is.Null, wrong ?? "null");
        }
        Assert.That(DashboardCredentials.None.Any, Is.False);
        Assert.Throws<ArgumentException>(() => _ = new DashboardUser("a:b", DashboardRole.Viewer, null, DashboardSecrets.HashToken("t")));
        Assert.Throws<ArgumentException>(() => _ = new DashboardUser("ann", DashboardRole.Viewer, null, null), "nothing proves who it is");
        Assert.Throws<ArgumentException>(() => _ = new DashboardUser("ann", DashboardRole.Viewer, "a plain password", null));
        Assert.Throws<ArgumentException>(() => _ = new DashboardCredentials([ann, new DashboardUser("ANN", DashboardRole.Viewer, null, ann.TokenHash)]));
        Assert.That((DashboardCredentials.Required(IPAddress.Loopback), DashboardCredentials.Required(IPAddress.IPv6Loopback),
            DashboardCredentials.Required(IPAddress.Any), DashboardCredentials.Required(IPAddress.Parse("10.1.2.3"))), Is.EqualTo((false, false, true, true)));
    }

    [Test]
    public void A_password_is_kept_as_a_salted_slow_hash_and_a_short_one_is_refused()
    {
        var first = DashboardSecrets.HashPassword("correct horse battery");
        var second = DashboardSecrets.HashPassword("correct horse battery");
        Assert.That(first, Is.Not.EqualTo(second), "a salt of its own per hash");
        Assert.That(first, Does.Not.Contain("correct"));
        // Identity's v3 format: marker 1, PRF HMAC-SHA512 (2), then the iteration count, big-endian.
        var bytes = Convert.FromBase64String(first);
        Assert.That((bytes[0], System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5))), Is.EqualTo(((byte)1, 2u, 100_000u)));
        Assert.That(DashboardSecrets.VerifyPassword(first, "correct horse battery"), Is.True);
        Assert.That(DashboardSecrets.VerifyPassword(first, "correct horse batter"), Is.False);
        var refused = Assert.Throws<ArgumentException>(() => DashboardSecrets.HashPassword(new string('x', DashboardSecrets.MinimumPasswordLength - 1)));
        Assert.That(refused!.Message, Does.Contain($"at least {DashboardSecrets.MinimumPasswordLength} characters"));
        var tokens = Enumerable.Range(0, 2).Select(_ => DashboardSecrets.NewToken()).ToArray();
        Assert.That(tokens[0], Is.Not.EqualTo(tokens[1]));
        Assert.That(tokens[0].Length, Is.GreaterThanOrEqualTo(4 + 43), "32 random bytes");
    }
}
