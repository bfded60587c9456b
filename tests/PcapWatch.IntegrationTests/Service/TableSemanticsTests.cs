using NUnit.Framework;
using PcapWatch.IntegrationTests.Infrastructure;
using PcapWatch.Join;
using PcapWatch.Kafka;

namespace PcapWatch.IntegrationTests.Service;

/// <summary>
/// Each retraction case end to end through the broker: a table update, then later packets no longer (or now) match,
/// and the changelog topic shows the tombstone (or upsert).
/// </summary>
public class TableSemanticsTests
{
    private const string MacA = "e0:a1:d7:18:c2:72";
    private const string MacB = "e0:a1:d7:18:c2:73";
    private const string MacC = "e0:a1:d7:18:c2:74";

    [Test]
    public void Flag_no_and_back_yes()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", MacA);
        h.Start();
        h.Packets(ServiceHarness.Burst(MacA, "watched", 5));
        h.Employee("100", "Tom", "NO");
        h.Packets(ServiceHarness.Burst(MacA, "unwatched", 5));
        h.Employee("100", "Tom", " Yes ");
        h.Packets(ServiceHarness.Burst(MacA, "watched-again", 5));
        h.Stop();
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["watched"] = 5, ["watched-again"] = 5 }));
        Assert.That(h.Changelog(), Is.EqualTo(new[] { $"{MacA}=Tom", $"{MacA}=tombstone", $"{MacA}=Tom" }));
    }

    [Test]
    public void Employee_deleted()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", MacA);
        h.Start();
        h.Packets(ServiceHarness.Burst(MacA, "watched", 5));
        h.Tables(h.Topics.Employees, ("100", null));
        h.Packets(ServiceHarness.Burst(MacA, "deleted", 5));
        h.Stop();
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["watched"] = 5 }));
        Assert.That(h.Changelog(), Is.EqualTo(new[] { $"{MacA}=Tom", $"{MacA}=tombstone" }));
    }

    [Test]
    public void Computer_moves_to_another_employee_then_changes_mac_then_is_deleted()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Employee("200", "Ann", "NO");
        h.Employee("300", "Eve", "YES");
        h.Computer("1", "100", MacA);
        h.Start();
        h.Computer("1", "200", MacA);                 // to an unwatched employee
        h.Packets(ServiceHarness.Burst(MacA, "ann", 5));
        h.Computer("1", "300", MacA);                 // to a watched one
        h.Packets(ServiceHarness.Burst(MacA, "eve", 5));
        h.Computer("1", "300", MacB);                 // new MAC
        h.Packets(ServiceHarness.Burst(MacA, "old-mac", 5).Concat(ServiceHarness.Burst(MacB, "new-mac", 5)).ToArray());
        h.Tables(h.Topics.Computers, ("1", null));    // deleted
        h.Packets(ServiceHarness.Burst(MacB, "deleted", 5));
        h.Stop();
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["eve"] = 5, ["new-mac"] = 5 }));
        Assert.That(h.Changelog().Where(c => c.StartsWith(MacA, StringComparison.Ordinal)),
            Is.EqualTo(new[] { $"{MacA}=Tom", $"{MacA}=tombstone", $"{MacA}=Eve", $"{MacA}=tombstone" }));
        Assert.That(h.Changelog().Where(c => c.StartsWith(MacB, StringComparison.Ordinal)),
            Is.EqualTo(new[] { $"{MacB}=Eve", $"{MacB}=tombstone" }));
    }

    [Test]
    public void Computer_before_its_employee_joins_when_the_employee_arrives()
    {
        using var h = new ServiceHarness();
        h.Start();
        h.Computer("1", "100", MacA);
        h.Packets(ServiceHarness.Burst(MacA, "no-employee", 5));
        h.Employee("100", "Tom", "YES");
        h.Packets(ServiceHarness.Burst(MacA, "employee", 5));
        h.Stop();
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["employee"] = 5 }));
        Assert.That(h.Changelog(), Is.EqualTo(new[] { $"{MacA}=Tom" }));
    }

    [Test]
    public void One_employee_many_computers_in_mixed_spellings()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", "E0:A1:D7:18:C2:72");
        h.Computer("2", "100", "e0-a1-d7-18-c2-73");
        h.Computer("3", "100", "e0a1.d718.c274");
        h.Start();
        h.Packets(ServiceHarness.Burst(MacA, "a", 2).Concat(ServiceHarness.Burst(MacB, "b", 2)).Concat(ServiceHarness.Burst(MacC, "c", 2)).ToArray());
        h.Employee("100", "Tom", "NO");
        h.Packets(ServiceHarness.Burst(MacA, "a-after", 2).Concat(ServiceHarness.Burst(MacC, "c-after", 2)).ToArray());
        h.Stop();
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["a"] = 2, ["b"] = 2, ["c"] = 2 }));
        Assert.That(h.Output().Select(r => r.GetProperty("C_MACADDR").GetString()).Distinct().Order(),
            Is.EqualTo(new[] { MacA, MacB, MacC }), "canonical MACs in the output");
        Assert.That(h.Changelog().Count(c => c.EndsWith("=tombstone", StringComparison.Ordinal)), Is.EqualTo(3));
    }

    [Test]
    public void Two_watched_owners_of_one_mac_give_one_record_each()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Employee("200", "Ann", "YES");
        h.Computer("1", "100", MacA);
        h.Computer("2", "200", "E0-A1-D7-18-C2-72");
        h.Start();
        h.Packets(ServiceHarness.Burst(MacA, "shared", 3));
        h.Stop();
        Assert.That(h.Output().Select(r => r.GetProperty("C_EMP_NAME").GetString()).Order(),
            Is.EqualTo(new[] { "Ann", "Ann", "Ann", "Tom", "Tom", "Tom" }));
    }

    [Test]
    public void Match_both_reports_direction_and_never_matches_a_broadcast_destination()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Employee("200", "Ann", "YES");
        h.Computer("1", "100", MacA);
        h.Computer("2", "200", MacB);
        h.Start(MatchMode.Both);
        h.Packets(
            ServiceHarness.Burst("02:00:00:00:00:99", "to-tom", 2, dst: MacA)     // unwatched → Tom: in
            .Concat(ServiceHarness.Burst(MacA, "tom-broadcast", 2))              // Tom → ff:ff…: out only
            .Concat(ServiceHarness.Burst(MacA, "tom-to-ann", 2, dst: MacB))      // both watched: out for Tom, in for Ann
            .Concat(ServiceHarness.Burst("02:00:00:00:00:99", "to-multicast", 2, dst: "01:00:5e:00:00:01"))
            .ToArray());
        h.Stop();
        var rows = h.Output().Select(r => (Label: r.GetProperty("P_FRAME_TIME").GetString()![..^2],
            Name: r.GetProperty("C_EMP_NAME").GetString(), Dir: r.GetProperty("DIRECTION").GetString())).ToList();
        Assert.That(rows.Distinct().OrderBy(r => r.Label).ThenBy(r => r.Dir), Is.EqualTo(new[]
        {
            ("to-tom", "Tom", "in"),
            ("tom-broadcast", "Tom", "out"),
            ("tom-to-ann", "Ann", "in"),
            ("tom-to-ann", "Tom", "out"),
        }));
        Assert.That(rows, Has.Count.EqualTo(8));
    }

    /// <summary>
    /// A restart derives the index from the rows its recovery scan shows; a table whose checkpoint is not trusted is read
    /// from its topic instead, and nothing seen of it may survive into the index. Changes made while the service was
    /// down (a flag turned on, a computer deleted) must show either way.
    /// </summary>
    [TestCase("employees")]
    [TestCase("computers")]
    public void One_table_distrusted_at_restart_the_other_recovered_and_the_index_whole(string spoiled)
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Employee("200", "Ann", "NO");
        h.Employee("300", "Eve", "YES");
        h.Computer("1", "100", MacA);
        h.Computer("2", "200", MacB);
        h.Computer("3", "300", MacC);
        h.Start();
        h.Stop();

        h.SpoilCheckpoint(spoiled);
        h.Employee("200", "Ann", "YES");               // while down
        h.Tables(h.Topics.Computers, ("3", null));     // while down
        h.Start();
        h.Packets(ServiceHarness.Burst(MacA, "tom", 3).Concat(ServiceHarness.Burst(MacB, "ann", 3))
            .Concat(ServiceHarness.Burst(MacC, "deleted", 3)).ToArray());
        var summary = h.Stop();
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["tom"] = 3, ["ann"] = 3 }));
        Assert.That((summary.EmployeeRows, summary.ComputerRows, summary.WatchedMacs), Is.EqualTo((3L, 2L, 2L)));
    }

    /// <summary>
    /// A start that gives up waiting for Kafka must leave the checkpoints as they were: the next start serves from them
    /// without reading a table row again.
    /// </summary>
    [Test]
    public void A_start_that_gives_up_on_Kafka_leaves_the_checkpoints_to_the_next()
    {
        using var h = new ServiceHarness();
        h.Employee("100", "Tom", "YES");
        h.Computer("1", "100", MacA);
        h.Start();
        h.Stop();

        h.Broker.SetDown();
        Assert.That(h.RunUntilItGivesUp(TimeSpan.FromSeconds(1)), Is.InstanceOf<KafkaUnavailableException>());
        h.Broker.SetUp();

        h.Start();
        Assert.That(h.Service.Progress.TableRecords, Is.Zero, "both tables served from their checkpoints");
        h.Packets(ServiceHarness.Burst(MacA, "tom", 2));
        h.Stop();
        Assert.That(h.OutputByLabel(), Is.EquivalentTo(new Dictionary<string, int> { ["tom"] = 2 }));
    }

    [Test]
    public void Changelog_gets_a_tombstone_for_a_mac_retracted_while_the_service_was_down()
    {
        using var h = new ServiceHarness();
        RunOnceWithTomAndAnnWatched(h);
        Assert.That(h.Changelog().Order(), Is.EqualTo(new[] { $"{MacA}=Tom", $"{MacB}=Ann" }));

        h.Tables(h.Topics.Computers, ("1", null)); // while down
        h.Start();
        h.Stop();
        Assert.That(h.Changelog().Order(), Is.EqualTo(new[] { $"{MacA}=Tom", $"{MacA}=tombstone", $"{MacB}=Ann" }),
            "only the difference is written on restart");
    }

    [Test]
    public void A_changelog_written_by_others_is_corrected_where_it_differs_and_left_alone_where_it_agrees()
    {
        using var h = new ServiceHarness();
        RunOnceWithTomAndAnnWatched(h);
        // Between runs something else writes: a wrong owner for a watched MAC, an owner for a MAC nobody watches, and a
        // watched MAC spelled in capitals (not a key the service writes).
        const string Eve = """{"EMP_ID":"300","EMP_NAME":"Eve","EMP_KEY":"300","MACADDR":"x","COMP_ID":"3"}""";
        const string Capitals = "E0:A1:D7:18:C2:72";
        h.Tables(h.Topics.Changelog, (MacB, Eve), (MacC, Eve), (Capitals, Eve));
        h.Start();
        h.Stop();

        var changelog = h.Changelog();
        List<string> Of(string key) => changelog.Where(c => c.StartsWith(key + "=", StringComparison.Ordinal)).ToList();
        Assert.That(Of(MacA), Is.EqualTo(new[] { $"{MacA}=Tom" }), "an agreeing value is not written again");
        Assert.That(Of(MacB), Is.EqualTo(new[] { $"{MacB}=Ann", $"{MacB}=Eve", $"{MacB}=Ann" }));
        Assert.That(Of(MacC), Is.EqualTo(new[] { $"{MacC}=Eve", $"{MacC}=tombstone" }));
        Assert.That(Of(Capitals), Is.EqualTo(new[] { $"{Capitals}=Eve", $"{Capitals}=tombstone" }));
    }

    /// <summary>Tom (MAC A) and Ann (MAC B) watched; one run of the service, which writes both to the changelog.</summary>
    private static void RunOnceWithTomAndAnnWatched(ServiceHarness h)
    {
        h.Employee("100", "Tom", "YES");
        h.Employee("200", "Ann", "YES");
        h.Computer("1", "100", MacA);
        h.Computer("2", "200", MacB);
        h.Start();
        h.Stop();
    }
}
