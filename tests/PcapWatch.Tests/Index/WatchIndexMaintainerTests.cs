using NUnit.Framework;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Index;

public class WatchIndexMaintainerTests
{
    private const string MacA = "e0:a1:d7:18:c2:72";
    private const string MacB = "e0:a1:d7:18:c2:73";

    [Test]
    public void Recipe_tables_watch_only_toms_mac()
    {
        using var t = new TableHarness();
        t.Employee("100", "Tom Jones", "YES");
        t.Employee("101", "Bob Davis", "NO");
        t.Computer("100", "100", "e0:a1:d7:18:c2:72");
        t.Computer("101", "101", "e1:a3:d7:18:c2:72");
        Assert.That(t.Index.Count, Is.EqualTo(1));
        Assert.That(t.Owners(MacA), Is.EqualTo(new[] { "Tom Jones/100" }));
        var owners = t.Index.OwnersOf(MacAddress.Parse(MacA));
        Assert.That((owners[0].EmpId, owners[0].EmpKey, owners[0].MacText, owners[0].CompId),
            Is.EqualTo(("100", "100", MacA, "100")));
    }

    [Test]
    public void Flag_yes_to_no_and_back_removes_and_restores_every_mac_of_the_employee()
    {
        using var t = new TableHarness();
        t.Employee("100", "Tom", "YES");
        t.Computer("c1", "100", MacA);
        t.Computer("c2", "100", MacB);
        Assert.That(t.Index.Count, Is.EqualTo(2));
        t.Employee("100", "Tom", "NO");
        Assert.That(t.Index.Count, Is.Zero);
        t.Employee("100", "Tom", "yes");
        Assert.That(t.Index.Count, Is.EqualTo(2));
    }

    [Test]
    public void Deleting_the_employee_retracts_their_macs()
    {
        using var t = new TableHarness();
        t.Employee("100", "Tom", "YES");
        t.Computer("c1", "100", MacA);
        t.DeleteEmployee("100");
        Assert.That(t.Owners(MacA), Is.Empty);
    }

    [Test]
    public void Computer_arriving_before_its_employee_joins_when_the_employee_arrives()
    {
        using var t = new TableHarness();
        t.Computer("c1", "100", MacA);
        Assert.That(t.Owners(MacA), Is.Empty);
        t.Employee("100", "Tom", "YES");
        Assert.That(t.Owners(MacA), Is.EqualTo(new[] { "Tom/c1" }));
    }

    [Test]
    public void Computer_moving_to_another_employee_or_mac_retracts_the_old_entry()
    {
        using var t = new TableHarness();
        t.Employee("100", "Tom", "YES");
        t.Employee("200", "Ann", "NO");
        t.Computer("c1", "100", MacA);
        t.Computer("c1", "200", MacA);
        Assert.That(t.Owners(MacA), Is.Empty, "moved to an unwatched employee");
        t.Computer("c1", "100", MacB);
        Assert.That(t.Owners(MacA), Is.Empty);
        Assert.That(t.Owners(MacB), Is.EqualTo(new[] { "Tom/c1" }), "changed MAC");
        t.DeleteComputer("c1");
        Assert.That(t.Index.Count, Is.Zero);
    }

    [Test]
    public void A_mac_stays_while_another_watched_row_still_claims_it()
    {
        using var t = new TableHarness();
        t.Employee("100", "Tom", "YES");
        t.Employee("200", "Ann", "YES");
        t.Computer("c1", "100", MacA);
        t.Computer("c2", "200", "E0-A1-D7-18-C2-72");
        Assert.That(t.Owners(MacA), Is.EqualTo(new[] { "Tom/c1", "Ann/c2" }), "one output per watched owner");
        Assert.That(t.Maintainer.MacConflicts, Is.EqualTo(1));
        t.DeleteComputer("c1");
        Assert.That(t.Owners(MacA), Is.EqualTo(new[] { "Ann/c2" }));
    }

    [Test]
    public void Invalid_mac_is_counted_and_kept_out_of_the_index()
    {
        using var t = new TableHarness();
        t.Employee("100", "Tom", "YES");
        t.Computer("c1", "100", "not-a-mac");
        Assert.That(t.Index.Count, Is.Zero);
        Assert.That(t.Maintainer.InvalidMacRows, Is.EqualTo(1));
        Assert.That(t.Maintainer.ComputerRows, Is.EqualTo(1), "the row is still in the table");
        t.Computer("c1", "100", "e0a1.d718.c272");
        Assert.That(t.Owners(MacA), Is.EqualTo(new[] { "Tom/c1" }), "fixing the row brings it in");
    }

    [Test]
    public void Observer_sees_upserts_and_retractions()
    {
        var seen = new List<string>();
        using var t = new TableHarness(new Recorder(seen));
        t.Employee("100", "Tom", "YES");
        t.Computer("c1", "100", MacA);
        t.Employee("100", "Tom", "NO");
        Assert.That(seen, Is.EqualTo(new[] { $"{MacA}=Tom", $"{MacA}=" }));
    }

    [Test]
    public void Rows_sharing_one_mac_load_in_linear_work_with_the_same_result()
    {
        const int rows = 3000;
        const string placeholder = "00:00:00:00:00:00";
        using var immediate = new TableHarness();
        using var deferred = new TableHarness();
        deferred.Maintainer.Defer();
        foreach (var t in new[] { immediate, deferred })
        {
            t.Employee("100", "Tom", "YES");
            t.Employee("200", "Ann", "NO");
            for (int i = 0; i < rows; i++) t.Computer($"c{i:D5}", i % 100 == 0 ? "100" : "200", placeholder);
        }
        Assert.That(deferred.Index.Count, Is.Zero, "nothing is recomputed before the flush");
        deferred.Maintainer.Flush();

        Assert.That(deferred.Owners(placeholder), Is.EqualTo(immediate.Owners(placeholder)));
        Assert.That(deferred.Owners(placeholder), Has.Length.EqualTo(rows / 100));
        Assert.That(deferred.Maintainer.RecomputedRows, Is.LessThanOrEqualTo(rows), "each row read once");
        Assert.That(immediate.Maintainer.RecomputedRows, Is.GreaterThan((long)rows * rows / 3), "what deferring saves");
    }

    private sealed class Recorder(List<string> seen) : IWatchIndexObserver
    {
        public void OnOwnersChanged(MacAddress mac, IReadOnlyList<WatchedComputer> owners) =>
            seen.Add($"{mac}={string.Join(",", owners.Select(o => o.EmpName))}");
    }
}
