using System.Text;
using Confluent.Kafka;
using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Join;
using PcapWatch.Kafka;
using PcapWatch.Service;
using PcapWatch.Tests.Shared;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>
/// <c>--attribution capture-time</c> through the broker on the routed fixture's LAN capture: alice's computer is handed
/// to Dave at the fixture's owner_change mark (samples/routed-computers-history.txt). Counts are tshark's
/// (routed-expected.tsv), not this code's.
/// </summary>
public class CaptureTimeServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly long DayMs = 86_400_000;

    /// <summary>Records stamped as given (a replay's times, not the capture's).</summary>
    private static void ProduceAt(string bootstrap, string topic, IEnumerable<(string? Key, string Value, long TimestampMs)> records)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(ClientSettings.Producer(bootstrap)).Build();
        foreach (var (key, value, ms) in records)
        {
            producer.Produce(topic, new Message<byte[]?, byte[]?>
            {
                Key = key is null ? null : Encoding.UTF8.GetBytes(key),
                Value = Encoding.UTF8.GetBytes(value),
                Timestamp = new Timestamp(ms, TimestampType.CreateTime),
            });
        }
        Assert.That(producer.Flush(TimeSpan.FromSeconds(60)), Is.Zero, "records not delivered");
    }

    /// <summary>The routed employees and computers as they were before the hand-over; returns every computers row.</summary>
    private static List<(string? Key, string? Value)> ProduceTablesBeforeTheChange(ServiceHarness h)
    {
        var computers = RoutedFixture.SampleTable("routed-computers-history.txt");
        Infrastructure.Kafka.Produce(h.Broker.BootstrapServers, h.Topics.Employees, RoutedFixture.SampleTable("routed-employees.txt"));
        Infrastructure.Kafka.Produce(h.Broker.BootstrapServers, h.Topics.Computers, computers.Take(3));
        return computers;
    }

    private static Func<PipelineOptions, PipelineOptions> CaptureTime => o => o with { Attribution = Attribution.CaptureTime };

    private static Dictionary<string, int> ByEmployee(ServiceHarness h) =>
        h.Output().GroupBy(r => r.GetProperty("C_EMP_NAME").GetString()!).ToDictionary(g => g.Key, g => g.Count());

    private static List<string> Lan => File.ReadAllLines(TestData.Fixture("routed-lan.json.ndjson")).Where(l => l.Length > 0).ToList();

    [Test]
    public void A_replay_a_day_later_with_the_owner_change_produced_after_the_packets_goes_to_each_owner_for_their_time_also_after_a_restart()
    {
        using var h = new ServiceHarness();
        var b = h.Broker.BootstrapServers;
        long replayMs = (long)(RoutedFixture.Epoch("routed-lan", "owner_change_epoch") * 1000) + DayMs;
        var computers = RoutedFixture.SampleTable("routed-computers-history.txt");
        // The tables as they were, then the packets, replayed a day after their capture, then - last - the owner change:
        // produced after the packets it concerns, valid from the moment it happened (its valid_from).
        ProduceAt(b, h.Topics.Employees, RoutedFixture.SampleTable("routed-employees.txt").Select(r => (r.Key, r.Value!, replayMs)));
        ProduceAt(b, h.Topics.Computers, computers.Take(3).Select(r => (r.Key, r.Value!, replayMs)));
        ProduceAt(b, h.Topics.Pcap, Lan.Select(p => ((string?)"lan", p, replayMs)));
        ProduceAt(b, h.Topics.Computers, computers.Skip(3).Select(r => (r.Key, r.Value!, replayMs + 1)));

        h.Start(configure: CaptureTime);
        Infrastructure.Kafka.WaitUntil(() => h.Service.Progress.Packets >= Lan.Count, Patience, "packets consumed");
        h.Stop();
        var expected = new Dictionary<string, int>
        {
            ["Alice Routed"] = (int)RoutedFixture.Count("routed-lan", "alice_eth_src_before_owner_change"),
            ["Dave Routed"] = (int)RoutedFixture.Count("routed-lan", "alice_eth_src_from_owner_change"),
            ["Carol Routed"] = (int)RoutedFixture.Count("routed-lan", "carol_eth_src"),
        };
        Assert.That(ByEmployee(h), Is.EquivalentTo(expected));

        // Restarted from its checkpoint (no table record read again), the history comes back with the tables: the same
        // capture replayed once more is attributed the same way.
        h.Start(configure: CaptureTime);
        ProduceAt(b, h.Topics.Pcap, Lan.Select(p => ((string?)"lan", p, replayMs + DayMs)));
        Infrastructure.Kafka.WaitUntil(() => h.Service.Progress.Packets >= Lan.Count, Patience, "replayed packets consumed");
        Assert.That(h.Service.Progress.TableRecords, Is.Zero, "served from the checkpoint");
        h.Stop();
        Assert.That(ByEmployee(h), Is.EquivalentTo(expected.ToDictionary(e => e.Key, e => 2 * e.Value)));
    }

    [Test]
    public void Latest_attribution_on_the_same_topics_gives_every_packet_of_the_computer_to_its_owner_now()
    {
        using var h = new ServiceHarness();
        RoutedTables.Produce(h.Broker.BootstrapServers, h.Topics);
        h.Start();
        h.Packets(Lan.Select(Encoding.UTF8.GetBytes).ToArray());
        h.Stop();
        Assert.That(ByEmployee(h), Is.EquivalentTo(new Dictionary<string, int>
        {
            ["Dave Routed"] = (int)RoutedFixture.Count("routed-lan", "alice_eth_src"),
            ["Carol Routed"] = (int)RoutedFixture.Count("routed-lan", "carol_eth_src"),
        }), "the recipe's join: the current owner, whatever the capture time");
    }

    [Test]
    public void A_change_valid_before_packets_already_attributed_is_counted_late_and_those_packets_keep_the_owner_known_then()
    {
        using var h = new ServiceHarness();
        var computers = ProduceTablesBeforeTheChange(h);
        h.Start(configure: CaptureTime);
        h.Packets(Lan.Select(Encoding.UTF8.GetBytes).ToArray());
        Assert.That(h.Service.Progress.LateTableChanges, Is.Zero);

        h.Tables(h.Topics.Computers, computers.Skip(3).ToArray());
        Infrastructure.Kafka.WaitUntil(() => h.Service.Progress.LateTableChanges == 1, Patience, "the late change counted");
        h.Stop();
        Assert.That(ByEmployee(h).GetValueOrDefault("Alice Routed"), Is.EqualTo(RoutedFixture.Count("routed-lan", "alice_eth_src")),
            "decided before the change arrived (no grace period): the owner known then");
    }

    [Test]
    public void A_valid_from_that_is_no_time_is_dead_lettered_with_the_reason_and_the_row_keeps_its_value()
    {
        using var h = new ServiceHarness();
        var b = h.Broker.BootstrapServers;
        ProduceTablesBeforeTheChange(h);
        Infrastructure.Kafka.Produce(b, h.Topics.Computers,
            [("200", """{"comp_id":200,"empkey":"E203","macaddr":"02:50:57:00:01:02","valid_from":"last tuesday"}""")]);
        h.Start(configure: CaptureTime);
        h.Packets(Lan.Select(Encoding.UTF8.GetBytes).ToArray());
        h.Stop();

        var dead = Infrastructure.Kafka.ReadRaw(b, h.Topics.ComputersDeadLetters);
        Assert.That(dead, Has.Count.EqualTo(1));
        Assert.That(Encoding.UTF8.GetString(dead[0].Value!), Does.Contain("last tuesday"), "the original value");
        Assert.That(dead[0].Headers.Values, Has.Some.Contains("valid_from \"last tuesday\" is neither an ISO-8601 time nor Unix epoch seconds"));
        Assert.That(ByEmployee(h).GetValueOrDefault("Alice Routed"), Is.EqualTo(RoutedFixture.Count("routed-lan", "alice_eth_src")));
    }
}
