using System.Globalization;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Join;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Tools;

/// <summary>
/// <c>who ADDRESS --at TIME</c> as a process, after the service attributed the routed uplink capture by IP: which MAC
/// held alice's address inside her lease, before it and after her release (times from tshark's own filters), and to
/// whom her laptop's traffic was attributed then.
/// </summary>
public class WhoAtTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string AliceIp = RoutedFixture.AliceIp, AliceMac = RoutedFixture.AliceMac;

    private static long CaptureMs(string packet)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(packet);
        var fields = new PcapWatch.Packets.PacketFields();
        PcapWatch.Packets.PacketExtractor.Extract(bytes, ref fields);
        return fields.TryGetCaptureTimeMs(bytes, out long ms) ? ms : throw new InvalidDataException("no frame.time_epoch");
    }

    private static string Seconds(double epoch) => epoch.ToString("F3", CultureInfo.InvariantCulture);

    [Test]
    public void Who_at_a_time_names_the_mac_that_held_the_address_then_and_whom_its_traffic_went_to()
    {
        using var h = new ServiceHarness();
        h.Employee("E200", "Alice Routed", "YES");
        h.Computer("200", "E200", AliceMac);
        h.Start(MatchMode.Src | MatchMode.Ip);
        // As a live capture pipe writes them, through `produce`: one key per capture point, each record stamped when its
        // packet was captured (a match keeps its packet's record time, which is what `who --at` reads for a MAC).
        var fixture = TestData.Fixture("routed-uplink.json.ndjson");
        var packets = File.ReadAllLines(fixture).Where(l => l.Length > 0).ToList();
        long before = h.Service.Progress.Packets;
        using (var produce = CliProcess.Start("produce", "-b", h.Broker.BootstrapServers, "--topic", "pcap", "--file", fixture,
                   "--key", "uplink", "--timestamps", "capture"))
        {
            Assert.That(produce.WaitForExit(Patience), Is.Zero, () => string.Join("\n", produce.Stderr));
        }
        var written = Infrastructure.Kafka.ReadTimedRaw(h.Broker.BootstrapServers, h.Topics.Pcap);
        Assert.That(written.Select(w => w.Key), Is.All.EqualTo("uplink"));
        Assert.That(written.Select(w => w.Partition).Distinct().Count(), Is.EqualTo(1), "one key, one partition, capture order");
        Assert.That(written.Select(w => w.TimestampMs), Is.EqualTo(packets.Select(CaptureMs)), "each record stamped with its frame.time_epoch");
        Infrastructure.Kafka.WaitUntil(() => h.Service.Progress.Packets >= before + packets.Count, Patience, "packets consumed");
        h.Stop();

        double ack = RoutedFixture.Epoch("routed-uplink", "alice_ack_epoch"), release = RoutedFixture.Epoch("routed-uplink", "alice_release_epoch");
        var inside = DateTimeOffset.FromUnixTimeMilliseconds((long)((ack + (release - ack) / 2) * 1000)).UtcDateTime.ToString("O");
        using var who = CliProcess.Start("who", "-b", h.Broker.BootstrapServers, AliceIp, "--at", inside);
        Assert.That(who.WaitForExit(Patience), Is.Zero, () => string.Join("\n", who.Stdout.Concat(who.Stderr)));
        Assert.That(who.Stdout[0], Does.StartWith($"{AliceIp}  at ").And.Contain($"held by {AliceMac} (dhcp, ")
            // The rows were produced now, without valid_from: by the tables, nobody owned the laptop at capture time.
            .And.Contain("no watched owner then in the tables")
            .And.Contain("its matched traffic then was attributed to Alice Routed (E200)").And.EndWith("watched now: Alice Routed (E200)"));

        using var early = CliProcess.Start("who", "-b", h.Broker.BootstrapServers, AliceIp, "--at", Seconds(ack - 0.2));
        Assert.That(early.WaitForExit(Patience), Is.EqualTo(4), () => string.Join("\n", early.Stderr));
        Assert.That(early.Stdout[0], Does.EndWith("bound to no MAC (no DHCP lease, ARP or NDP binding known for it then)"));

        using var late = CliProcess.Start("who", "-b", h.Broker.BootstrapServers, AliceIp, AliceMac, "--at", Seconds(release + 0.2));
        Assert.That(late.WaitForExit(Patience), Is.EqualTo(4), "the IP was bound to nobody after the release");
        Assert.That(late.Stdout[0], Does.EndWith("bound to no MAC (no DHCP lease, ARP or NDP binding known for it then)"));
        Assert.That(late.Stdout[1], Does.StartWith($"{AliceMac}  at ").And.Contain("its last matched traffic before then was attributed to Alice Routed (E200)"));

        using var now = CliProcess.Start("who", "-b", h.Broker.BootstrapServers, AliceIp);
        Assert.That(now.WaitForExit(Patience), Is.Zero, () => string.Join("\n", now.Stderr));
        Assert.That(now.Stdout[0], Does.StartWith($"{AliceIp}  last seen on {AliceMac} at ").And.Contain("watched: Alice Routed (E200)")
            .And.Not.Contain("bound to"), "released: bound to nobody at the newest evidence");
    }

    /// <summary>
    /// Alice's leased address claimed by another host's ARP: at a time inside the overlap `who ADDRESS --at` names both
    /// claimants (no rule picks one), each with whom its traffic went to; before the claim, Alice alone.
    /// </summary>
    [Test]
    public void Who_at_a_time_an_address_was_contested_names_every_claimant()
    {
        using var h = new ServiceHarness();
        h.Employee("E200", "Alice Routed", "YES");
        h.Computer("200", "E200", AliceMac);
        h.Start(MatchMode.Src | MatchMode.Ip);
        const double t = 1796090700;
        const string address = "192.168.77.20";
        var lines = new[]
        {
            CraftedEk.Ack(t, 67, AliceMac, address),
            CraftedEk.Routed(t + 1, address),
            CraftedEk.Arp(t + 2, CraftedEk.Attacker, CraftedEk.Attacker, address),
            CraftedEk.Routed(t + 3, address),
        };
        long before = h.Service.Progress.Packets;
        var file = Path.Combine(Path.GetTempPath(), $"pcapwatch-contested-{Guid.NewGuid():N}.ek.ndjson");
        File.WriteAllLines(file, lines);
        try
        {
            // Stamped with capture time, as a live capture writes them: `who --at` reads a MAC's matches by record time.
            using var produce = CliProcess.Start("produce", "-b", h.Broker.BootstrapServers, "--topic", "pcap", "--file", file,
                "--key", "lan", "--timestamps", "capture");
            Assert.That(produce.WaitForExit(Patience), Is.Zero, () => string.Join("\n", produce.Stderr));
        }
        finally
        {
            File.Delete(file);
        }
        Infrastructure.Kafka.WaitUntil(() => h.Service.Progress.Packets >= before + lines.Length, Patience, "packets consumed");
        h.Stop();

        using var during = CliProcess.Start("who", "-b", h.Broker.BootstrapServers, address, "--at", Seconds(t + 3));
        Assert.That(during.WaitForExit(Patience), Is.Zero, () => string.Join("\n", during.Stdout.Concat(during.Stderr)));
        Assert.That(during.Stdout, Has.Length.EqualTo(2), () => string.Join("\n", during.Stdout));
        Assert.That(during.Stdout[0], Does.Contain("CONTESTED by 2 MACs, claimed by " + AliceMac + " (dhcp, ")
            .And.Contain("attributed to Alice Routed (E200)"));
        Assert.That(during.Stdout[1], Does.Contain("CONTESTED by 2 MACs, claimed by " + CraftedEk.Attacker + " (arp, ")
            .And.Contain("not watched now"));

        using var earlier = CliProcess.Start("who", "-b", h.Broker.BootstrapServers, address, "--at", Seconds(t + 1));
        Assert.That(earlier.WaitForExit(Patience), Is.Zero, () => string.Join("\n", earlier.Stderr));
        Assert.That(earlier.Stdout, Has.Length.EqualTo(1));
        Assert.That(earlier.Stdout[0], Does.Contain($"held by {AliceMac} (dhcp, "));
    }

    [Test]
    public void Who_a_mac_at_a_time_names_its_owner_then_from_the_tables_history()
    {
        using var h = new ServiceHarness();
        var b = h.Broker.BootstrapServers;
        // No service ran: the tables alone, the hand-over to Dave valid from the fixture's owner_change mark.
        RoutedTables.Produce(b, h.Topics);
        double change = RoutedFixture.Epoch("routed-lan", "owner_change_epoch");

        using var before = CliProcess.Start("who", "-b", b, AliceMac, "--at", Seconds(change - 1));
        Assert.That(before.WaitForExit(Patience), Is.Zero, () => string.Join("\n", before.Stdout.Concat(before.Stderr)));
        Assert.That(before.Stdout[0], Does.StartWith($"{AliceMac}  at ").And.Contain("owned then by Alice Routed (E200), computer 200 (tables)")
            .And.Contain("no matched traffic at or before then"));

        using var after = CliProcess.Start("who", "-b", b, AliceMac, "--at", Seconds(change + 1));
        Assert.That(after.WaitForExit(Patience), Is.Zero, () => string.Join("\n", after.Stderr));
        Assert.That(after.Stdout[0], Does.Contain("owned then by Dave Routed (E203), computer 200 (tables)"));

        using var longBefore = CliProcess.Start("who", "-b", b, AliceMac, "--at", "2026-11-30T00:00:00Z");
        Assert.That(longBefore.WaitForExit(Patience), Is.EqualTo(4), "before the computer was in the tables");
        Assert.That(longBefore.Stdout[0], Does.Contain("no watched owner then in the tables"));
    }

    [Test]
    public void A_time_that_is_not_one_is_refused_with_exit_code_2()
    {
        using var who = CliProcess.Start("who", "-b", "127.0.0.1:1", "10.0.0.1", "--at", "yesterday-ish");
        Assert.That(who.WaitForExit(Patience), Is.EqualTo(2));
        Assert.That(who.Logs, Has.Some.Contains("--at 'yesterday-ish' is neither an ISO-8601 time nor Unix epoch seconds"));
    }
}
