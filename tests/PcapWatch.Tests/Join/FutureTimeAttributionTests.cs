using System.Text.Json;
using NUnit.Framework;
using PcapWatch.Bindings;
using PcapWatch.Join;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;
using static PcapWatch.Tests.Join.ContestedAttributionTests;

namespace PcapWatch.Tests.Join;

/// <summary>
/// Time with a ceiling, through the packet path in every input shape: one ARP packet whose capture time is years ahead
/// (a sensor's clock) must not switch attribution by IP off. Before the ceiling it moved the bindings' retention
/// horizon there: Alice's lease, learned just before, was forgotten when next touched and every binding after it was
/// never kept — her packets from then on went to nobody.
/// </summary>
public class FutureTimeAttributionTests
{
    private const double T = 1796090700; // 2026-12-01, before this machine's clock

    [TestCase(Shape.Ek)]
    [TestCase(Shape.Json)]
    [TestCase(Shape.Plain2018)]
    public void A_binding_packet_stamped_years_ahead_leaves_attribution_by_ip_working(Shape shape)
    {
        var bindings = new IpBindings();
        var processor = new LearningPacketProcessor(IpAttributionTests.RoutedIndex(), MatchMode.Src | MatchMode.Ip, bindings);
        var sink = new JsonSink();
        const double year3000 = 32503680000;
        foreach (var packet in new[]
                 {
                     Ack(shape, T, RoutedFixture.AliceMac, "192.168.77.20"),
                     Arp(shape, year3000, "02:50:57:00:00:77", "192.168.77.77"), // a sensor whose clock is a millennium off
                     Ack(shape, T + 1, RoutedFixture.CarolMac, "192.168.77.21"), // learned after it
                     Routed(shape, T + 2, "192.168.77.20"),
                     Routed(shape, T + 3, "192.168.77.21"),
                 })
        {
            processor.Process(packet, ref sink, out _);
        }
        Assert.That(sink.Records.Select(r => r.GetProperty("C_EMP_NAME").GetString()), Is.EqualTo(new[] { "Alice Routed", "Carol Routed" }),
            "both leases still attribute their packets");
        Assert.That(bindings.Ceiling.Clamped, Is.EqualTo(1), "the year-3000 time is counted");
    }
}
