using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Join;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>
/// Attribution by IP through the real path: the routed fixture's uplink capture (every eth.src the router's or the
/// server's) produced to the embedded broker, the service consuming it with Confluent.Kafka, the output topic read
/// back. Counts are tshark's (tests/Fixtures/routed-expected.tsv).
/// </summary>
public class IpAttributionServiceTests
{
    [TestCase("routed-uplink.json.ndjson")]
    [TestCase("routed-uplink.ek.ndjson")]
    public void Behind_the_router_each_watched_clients_packets_inside_its_lease_reach_the_output_attributed_by_ip(string fixture)
    {
        using var h = new ServiceHarness();
        h.Employee("E200", "Alice Routed", "YES");
        h.Employee("E201", "Bob Routed", "NO");
        h.Employee("E202", "Carol Routed", "YES");
        h.Computer("200", "E200", "02:50:57:00:01:02");
        h.Computer("201", "E201", "02:50:57:00:01:03");
        h.Computer("202", "E202", "02:50:57:00:01:04");
        h.Start(MatchMode.Src | MatchMode.Ip);

        // One capture point, one key: its packets stay in capture order in one partition, so each DHCP ACK is read
        // before the traffic it explains (docs/attribution.md says why this matters).
        var packets = File.ReadAllLines(TestData.Fixture(fixture)).Where(l => l.Length > 0).ToList();
        long before = h.Service.Progress.Packets;
        Infrastructure.Kafka.Produce(h.Broker.BootstrapServers, h.Topics.Pcap, packets.Select(p => ((string?)"uplink", (string?)p)));
        Infrastructure.Kafka.WaitUntil(() => h.Service.Progress.Packets >= before + packets.Count, TimeSpan.FromSeconds(30), "packets consumed");
        var summary = h.Stop();

        var output = h.Output();
        var byEmployee = output.GroupBy(r => (r.GetProperty("C_EMP_NAME").GetString(), r.GetProperty("DIRECTION").GetString(),
            r.GetProperty("ATTRIBUTED_BY").GetString())).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(byEmployee, Is.EquivalentTo(new Dictionary<(string?, string?, string?), int>
        {
            [("Alice Routed", "out", "ip")] = (int)RoutedFixture.Count("routed-uplink", "alice_ip_src_leased"),
            [("Carol Routed", "out", "ip")] = (int)RoutedFixture.Count("routed-uplink", "carol_ip_src_leased"),
        }));
        Assert.That(summary.Matches, Is.EqualTo(output.Count));

        // Each of alice's records: her address, her MAC (not the router's, which is the packet's eth.src).
        foreach (var alice in output.Where(r => r.GetProperty("C_EMP_NAME").GetString() == "Alice Routed"))
        {
            Assert.That(alice.GetProperty("P_IP_SRC").GetString(), Is.EqualTo("192.168.10.102"));
            Assert.That(alice.GetProperty("C_MACADDR").GetString(), Is.EqualTo("02:50:57:00:01:02"));
            Assert.That(alice.GetProperty("P_ETH_SRC").GetString(), Is.EqualTo("02:50:57:00:01:fe"));
        }
    }
}
