using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Join;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;
using static PcapWatch.Tests.Join.ContestedAttributionTests;

namespace PcapWatch.Tests.Join;

/// <summary>
/// A MAC claiming more addresses a minute than a computer has, through the packet path in every input shape: its first
/// <see cref="IpBindings.DefaultClaimsPerMinute"/> are believed, the rest not (before the limit, every one of them was,
/// and each sent its traffic to the watched employee — a proxy-ARP router or a flood of claims made in the name of one).
/// </summary>
public class ClaimLimitAttributionTests
{
    private const double T = 1796090700;

    [TestCase(Shape.Ek)]
    [TestCase(Shape.Json)]
    [TestCase(Shape.Plain2018)]
    public void Claims_past_the_limit_a_minute_attribute_nothing(Shape shape)
    {
        var bindings = new IpBindings();
        var processor = new LearningPacketProcessor(IpAttributionTests.RoutedIndex(), MatchMode.Src | MatchMode.Ip, bindings);
        var sink = new JsonSink();
        const int claims = 20;
        for (int i = 0; i < claims; i++) processor.Process(Arp(shape, T + i / 100.0, RoutedFixture.AliceMac, $"192.168.77.{100 + i}"), ref sink, out _);
        int ownArp = sink.Records.Count; // Alice's own ARP frames, matched by MAC
        for (int i = 0; i < claims; i++) processor.Process(Routed(shape, T + 1 + i / 100.0, $"192.168.77.{100 + i}"), ref sink, out _);

        var byIp = sink.Records.Skip(ownArp).Select(r => r.GetProperty("P_IP_SRC").GetString()).ToList();
        Assert.That(byIp, Is.EqualTo(Enumerable.Range(100, IpBindings.DefaultClaimsPerMinute).Select(n => $"192.168.77.{n}")),
            "the first sixteen addresses only");
        Assert.That(bindings.FlaggedMacs, Is.EqualTo(1));
        Assert.That(bindings.RefusedOverRate, Is.EqualTo(claims - IpBindings.DefaultClaimsPerMinute));
    }
}
