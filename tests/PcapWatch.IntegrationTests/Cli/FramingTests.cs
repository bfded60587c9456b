using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Tests.Shared;
using static PcapWatch.IntegrationTests.Infrastructure.CraftedEk;

namespace PcapWatch.IntegrationTests.Cli;

/// <summary>
/// Attacks on attribution, as a user runs it (`demo --match src,ip` as a process, on the routed tables): what an
/// attacker writes into a packet must not make its traffic a watched employee's.
/// </summary>
public class FramingTests
{
    private const string Attacker = CraftedEk.Attacker;
    private string _scratch = null!;

    [SetUp]
    public void CreateScratch() => Directory.CreateDirectory(_scratch = Path.Combine(Path.GetTempPath(), "pcapwatch-framing-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void RemoveScratch() => Directory.Delete(_scratch, recursive: true);

    [Test]
    public void A_dhcp_ack_from_a_port_no_server_answers_from_gives_nobody_a_watched_employees_address()
    {
        const double t = 1796090700;
        var lines = new List<string>
        {
            Ack(t, 5555, RoutedFixture.AliceMac, "192.168.77.9"), // the forgery: Alice's MAC, from a client's port
            Ack(t + 0.5, 67, RoutedFixture.CarolMac, "192.168.77.10"), // the control: as a server sends it
        };
        for (int i = 1; i <= 5; i++)
        {
            lines.Add(Routed(t + i, "192.168.77.9"));
            lines.Add(Routed(t + i + 0.5, "192.168.77.10"));
        }
        var byEmployee = Demo(lines);
        Assert.That(byEmployee.GetValueOrDefault("Alice Routed"), Is.Zero, "none of the five packets from the forged lease is Alice's");
        Assert.That(byEmployee.GetValueOrDefault("Carol Routed"), Is.EqualTo(5), "Carol's five packets from her lease");
    }

    [Test]
    public void An_infinite_lease_binds_its_address_for_a_day_not_for_ever()
    {
        const double t = 1796090700, hour = 3600;
        var byEmployee = Demo(
        [
            Ack(t, 67, RoutedFixture.AliceMac, "192.168.77.11", lease: uint.MaxValue), // from the server's port, granting for ever
            Routed(t + hour, "192.168.77.11"), // inside the day
            Routed(t + 25 * hour, "192.168.77.11"), // a day and an hour later: bound to nobody any more
        ]);
        Assert.That(byEmployee.GetValueOrDefault("Alice Routed"), Is.EqualTo(1), "only the packet inside the capped lease is Alice's");
    }

    /// <summary>Runs `demo --match src,ip` on these ek lines and the routed tables; the rows per employee.</summary>
    private Dictionary<string, int> Demo(List<string> lines) =>
        DemoOutput(lines).Where(l => l.Contains(" | ", StringComparison.Ordinal))
            .GroupBy(l => l[..l.IndexOf(" | ", StringComparison.Ordinal)]).ToDictionary(g => g.Key, g => g.Count());

    private List<string> DemoOutput(List<string> lines, params string[] more)
    {
        var pcap = Path.Combine(_scratch, "forged.ek.ndjson");
        File.WriteAllLines(pcap, lines);
        using var demo = CliProcess.Start(["demo", "--match", "src,ip", "--pcap", pcap,
            "--employees", Path.Combine(TestData.RepositoryRoot, "samples", "routed-employees.txt"),
            "--computers", Path.Combine(TestData.RepositoryRoot, "samples", "routed-computers.txt"), .. more]);
        Assert.That(demo.WaitForExit(TimeSpan.FromSeconds(120)), Is.Zero, () => string.Join("\n", demo.Stderr));
        return demo.Stdout.ToList();
    }

    [Test]
    public void A_dhcp_ack_naming_another_server_than_the_one_that_answered_first_gives_nobody_a_watched_employees_address()
    {
        const double t = 1796090700;
        var lines = new List<string>
        {
            Ack(t, 67, RoutedFixture.CarolMac, "192.168.77.10"), // the network's server answers Carol
            Ack(t + 0.5, 67, RoutedFixture.AliceMac, "192.168.77.9", server: "192.168.77.66"), // a rogue server, from port 67
        };
        for (int i = 1; i <= 5; i++)
        {
            lines.Add(Routed(t + i, "192.168.77.9"));
            lines.Add(Routed(t + i + 0.5, "192.168.77.10"));
        }
        var byEmployee = Demo(lines);
        Assert.That(byEmployee.GetValueOrDefault("Alice Routed"), Is.Zero, "none of the five packets from the rogue's lease is Alice's");
        Assert.That(byEmployee.GetValueOrDefault("Carol Routed"), Is.EqualTo(5), "Carol's five packets from the real server's lease");
    }

    [Test]
    public void An_address_another_host_claims_while_a_watched_computer_holds_it_gives_records_that_say_they_are_contested()
    {
        const double t = 1796090700;
        var output = DemoOutput(
        [
            Ack(t, 67, RoutedFixture.AliceMac, "192.168.77.20"),
            Routed(t + 1, "192.168.77.20"),
            Arp(t + 2, Attacker, Attacker, "192.168.77.20"), // the attacker claims Alice's address, from its own MAC
            Routed(t + 3, "192.168.77.20"),
            Routed(t + 4, "192.168.77.20"),
        ], "--format", "json");
        var contested = output.Where(l => l.StartsWith('{')).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(r => (r.GetProperty("C_EMP_NAME").GetString(), r.GetProperty("ATTRIBUTION_CONTESTED").GetBoolean())).ToList();
        Assert.That(contested, Is.EqualTo(new[] { ("Alice Routed", false), ("Alice Routed", true), ("Alice Routed", true) }),
            "before the attacker's claim her record is plain; after it, said to be contested — not given to either silently");
    }

    [Test]
    public void An_arp_payload_naming_a_watched_computer_does_not_give_the_attackers_traffic_to_its_employee()
    {
        const double t = 1796090700;
        var lines = new List<string>
        {
            // The forgery: sent from the attacker's own MAC, the payload claiming Alice's (watched) for the attacker's IP.
            Arp(t, Attacker, RoutedFixture.AliceMac, "192.168.77.7"),
            // The control: Carol (watched) announcing her own address, from her own MAC.
            Arp(t + 0.5, RoutedFixture.CarolMac, RoutedFixture.CarolMac, "192.168.77.8"),
        };
        for (int i = 1; i <= 5; i++)
        {
            lines.Add(Routed(t + i, "192.168.77.7"));
            lines.Add(Routed(t + i + 0.5, "192.168.77.8"));
        }
        var byEmployee = Demo(lines);

        Assert.That(byEmployee.GetValueOrDefault("Alice Routed"), Is.Zero, "none of the attacker's five packets is Alice's");
        Assert.That(byEmployee.GetValueOrDefault("Carol Routed"), Is.EqualTo(1 + 5), "Carol's own ARP (her MAC) and her five packets (her IP)");
    }
}
