using System.Globalization;
using System.Text.Json;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// Issue "What did they visit?": with <c>--names</c> each match ends with P_NAME and P_NAME_SOURCE, equal to what
/// tshark's own fields say for its packet — or, for a packet that carries no name, what the last DNS answer to the
/// watched host before it said of its remote address (the demo reads one partition: the order is the capture's);
/// without it the records keep the recipe's shape. The demo as a process, in JSON and as the text lines <c>tail</c>
/// prints.
/// </summary>
public class NamesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public void Each_match_carries_the_name_its_packet_asks_for_as_tsharks_fields_give_it()
    {
        var rows = Demo("--names", "--format", "json", "--match", "both");
        var capture = Capture(TestData.Fixture("netns-lan.json.ndjson"));
        Assert.That(rows, Is.Not.Empty);
        foreach (var row in rows)
        {
            var packet = capture.Single(p => p.Time == row.GetProperty("P_FRAME_TIME").GetString() && p.EthSrc == row.GetProperty("P_ETH_SRC").GetString());
            var expected = packet.Own.Name is not null ? packet.Own : Answered(capture, packet, row.GetProperty("DIRECTION").GetString() == "in");
            Assert.That((row.GetProperty("P_NAME").GetString(), row.GetProperty("P_NAME_SOURCE").GetString()), Is.EqualTo(expected),
                row.GetRawText());
        }
        var last = rows[^1].EnumerateObject().Select(p => p.Name).ToArray();
        Assert.That(last[^2..], Is.EqualTo(new[] { "P_NAME", "P_NAME_SOURCE" }), "after every other column");
        Assert.That(rows.Count(r => r.GetProperty("P_NAME_SOURCE").GetString() == "http"), Is.GreaterThan(0), "her requests, by Host");
        Assert.That(rows.Count(r => r.GetProperty("P_NAME_SOURCE").GetString() == "dns"), Is.GreaterThan(0), "her questions and their answers");
        Assert.That(rows.Count(r => r.GetProperty("P_NAME_SOURCE").GetString() == "dns-answer"), Is.GreaterThan(0),
            "her TCP packets, by the answer she was given");
    }

    [Test]
    public void Without_names_the_records_keep_the_recipes_shape_and_tail_lines_show_the_name_beside_the_address()
    {
        Assert.That(Demo("--format", "json").SelectMany(r => r.EnumerateObject()).Select(p => p.Name), Has.None.StartsWith("P_NAME"));

        using var demo = CliProcess.Start("demo", "--names");
        Assert.That(demo.WaitForExit(Patience), Is.Zero, () => string.Join("\n", demo.Logs));
        Assert.That(demo.Stdout, Has.Some.Match(@"^Alice Example \| eth:ethertype:ip:udp:dns \| 192\.168\.77\.1 \(intranet\.corp\.example\)$"));
        Assert.That(demo.Stdout, Has.Some.Match(@"^Alice Example \| eth:ethertype:ip:tcp:http \| 192\.168\.77\.1 \(intranet\.corp\.example\)$"));
    }

    private static JsonElement[] Demo(params string[] flags)
    {
        using var demo = CliProcess.Start(["demo", .. flags]);
        Assert.That(demo.WaitForExit(Patience), Is.Zero, () => string.Join("\n", demo.Logs));
        return demo.Stdout.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
    }

    private const string Alice = "02:50:57:00:00:02";
    private const double GraceSeconds = 300;

    private sealed record Packet(string Time, double Epoch, string EthSrc, string EthDst, string? IpSrc, string? IpDst,
        (string? Name, string? Source) Own, string? Question, (string Address, double Ttl)[] Answers);

    /// <summary>
    /// What a DNS answer to Alice (the one watched host) said of the packet's remote address, by the rule of
    /// docs/names.md: given before the packet, its TTL plus the grace not yet over; the newest wins.
    /// </summary>
    private static (string?, string?) Answered(List<Packet> capture, Packet packet, bool incoming)
    {
        var remote = incoming ? packet.IpSrc : packet.IpDst;
        var told = capture.Where(p => p.EthDst == Alice && p.Epoch <= packet.Epoch)
            .SelectMany(p => p.Answers.Where(a => a.Address == remote && p.Epoch + a.Ttl + GraceSeconds >= packet.Epoch).Select(_ => p))
            .OrderBy(p => p.Epoch).LastOrDefault();
        return told is null ? (null, null) : (told.Question, "dns-answer");
    }

    /// <summary>Each packet of the capture with tshark's own fields: http.host on a request, else its first dns.qry.name.</summary>
    private static List<Packet> Capture(string path)
    {
        var packets = new List<Packet>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            var layers = JsonDocument.Parse(line).RootElement.GetProperty("_source").GetProperty("layers");
            (string?, string?) own = (null, null);
            string? question = null;
            var answers = new List<(string, double)>();
            if (layers.TryGetProperty("http", out var http) && http.TryGetProperty("http.host", out var host))
            {
                var text = host.GetString()!.ToLowerInvariant();
                own = (text.StartsWith('[') ? text[1..text.IndexOf(']')] : text, "http"); // an address literal, as people write it
            }
            else if (layers.TryGetProperty("dns", out var dns) && dns.TryGetProperty("Queries", out var queries))
            {
                question = queries.EnumerateObject().First().Value.GetProperty("dns.qry.name").GetString();
                own = (question, "dns");
                if (dns.TryGetProperty("Answers", out var listed))
                {
                    foreach (var a in listed.EnumerateObject().Select(a => a.Value))
                    {
                        if (!a.TryGetProperty("dns.a", out var address) && !a.TryGetProperty("dns.aaaa", out address)) continue;
                        answers.Add((address.GetString()!, double.Parse(a.GetProperty("dns.resp.ttl").GetString()!, CultureInfo.InvariantCulture)));
                    }
                }
            }
            var frame = layers.GetProperty("frame");
            var eth = layers.GetProperty("eth");
            var ip = layers.TryGetProperty("ip", out var v4) ? v4 : layers.TryGetProperty("ipv6", out var v6) ? v6 : default;
            string? Ip(string field) => ip.ValueKind == JsonValueKind.Object && ip.TryGetProperty(field, out var a) ? a.GetString() : null;
            packets.Add(new Packet(frame.GetProperty("frame.time").GetString()!,
                double.Parse(frame.GetProperty("frame.time_epoch").GetString()!, CultureInfo.InvariantCulture),
                eth.GetProperty("eth.src").GetString()!, eth.GetProperty("eth.dst").GetString()!,
                Ip(layers.TryGetProperty("ip", out _) ? "ip.src" : "ipv6.src"), Ip(layers.TryGetProperty("ip", out _) ? "ip.dst" : "ipv6.dst"),
                own, question, answers.ToArray()));
        }
        return packets;
    }
}
