using System.Globalization;
using NUnit.Framework;
using PcapWatch.Flows;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Shared;

/// <summary>
/// tshark's conversation statistics of a capture (<c>BASE.conv.tsv</c>, written by tests/Fixtures/flow-truth.sh), and
/// the check that final flows agree with them: every host's totals per 5-tuple, frames and bytes each way.
/// </summary>
public static class TsharkConversations
{
    public sealed record Conversation(byte Protocol, (IpAddressKey, ushort) A, (IpAddressKey, ushort) B, (long, long) AtoB, (long, long) BtoA)
    {
        public static Conversation Parse(string line)
        {
            var f = line.Split('\t');
            (IpAddressKey, ushort) End(int at) => (IpAddressKey.TryParse(f[at], out var ip) ? ip : throw new FormatException(f[at]),
                ushort.Parse(f[at + 1], CultureInfo.InvariantCulture));
            long N(int at) => long.Parse(f[at], CultureInfo.InvariantCulture);
            return new Conversation(byte.Parse(f[0], CultureInfo.InvariantCulture), End(1), End(3), (N(5), N(6)), (N(7), N(8)));
        }

        public override string ToString() => $"{Protocol} {A.Item1}:{A.Item2} <-> {B.Item1}:{B.Item2}";
    }

    public static List<Conversation> Read(string capture) =>
        File.ReadAllLines(TestData.Fixture($"{capture}.conv.tsv")).Skip(1).Select(Conversation.Parse).ToList();

    /// <summary>
    /// Asserts that <paramref name="flows"/> (final records) sum, per 5-tuple, to tshark's conversations: the hosts on
    /// side A saw A→B go out and B→A come in, those on side B the reverse (either side may have no host — a broadcast
    /// address is nobody's — never both), and that no TCP or UDP flow is missing from tshark's list.
    /// </summary>
    public static void AssertAgree(IEnumerable<FlowRecord> flows, string capture)
    {
        var totals = flows.Where(f => f.Final)
            .GroupBy(f => (f.Protocol, Local: (f.LocalIp, f.LocalPort), Remote: (f.RemoteIp, f.RemotePort)))
            .ToDictionary(g => g.Key, g => (Out: (g.Sum(f => f.PacketsOut), g.Sum(f => f.BytesOut)),
                In: (g.Sum(f => f.PacketsIn), g.Sum(f => f.BytesIn))));
        var conversations = Read(capture);
        Assert.That(conversations, Is.Not.Empty);
        foreach (var c in conversations)
        {
            bool fromA = totals.TryGetValue((c.Protocol, c.A, c.B), out var a);
            bool fromB = totals.TryGetValue((c.Protocol, c.B, c.A), out var b);
            Assert.That(fromA || fromB, Is.True, $"{c}: no flow");
            if (fromA) Assert.That((a.Out, a.In), Is.EqualTo((c.AtoB, c.BtoA)), $"{c}, seen from A");
            if (fromB) Assert.That((b.Out, b.In), Is.EqualTo((c.BtoA, c.AtoB)), $"{c}, seen from B");
        }
        var listed = conversations.SelectMany(c => new[] { (c.Protocol, c.A, c.B), (c.Protocol, c.B, c.A) }).ToHashSet();
        Assert.That(totals.Keys.Where(k => k.Protocol is Transport.Tcp or Transport.Udp && !listed.Contains(k)), Is.Empty);
    }
}
