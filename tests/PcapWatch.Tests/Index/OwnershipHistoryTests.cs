using CsCheck;
using NUnit.Framework;
using PcapWatch.Index;
using PcapWatch.Packets;
using PcapWatch.Persistence;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Index;

public class OwnershipHistoryTests
{
    private static readonly MacAddress M1 = new(0x025057000201), M2 = new(0x025057000202);

    private static byte[] Employee(string key, bool watched) => RowCodec.EncodeEmployee(new EmployeeRow(key, "Name " + key, watched ? "YES" : "NO"));

    private static byte[] Computer(string key, string empKey, MacAddress mac) =>
        RowCodec.EncodeComputer(new ComputerRow(key, key, empKey, mac.ToString()));

    private static string[] OwnersAt(OwnershipHistory history, MacAddress mac, long ms) =>
        history.OwnersAt(mac, ms).Select(o => o.EmpId).Order(StringComparer.Ordinal).ToArray();

    private static void Rebuild(OwnershipHistory history, HashSet<long> affected) => history.RebuildAll(affected);

    [Test]
    public void A_computer_handed_to_another_employee_belongs_to_each_for_their_own_time()
    {
        var history = new OwnershipHistory();
        var affected = new HashSet<long>();
        history.RecordEmployee("E1", Employee("E1", true), 0, affected);
        history.RecordEmployee("E2", Employee("E2", true), 0, affected);
        history.RecordComputer("C1", Computer("C1", "E1", M1), 1_000, affected);
        history.RecordComputer("C1", Computer("C1", "E2", M1), 5_000, affected);
        Rebuild(history, affected);

        Assert.That(OwnersAt(history, M1, 999), Is.Empty, "before the computer was in the table");
        Assert.That(OwnersAt(history, M1, 1_000), Is.EqualTo(new[] { "E1" }));
        Assert.That(OwnersAt(history, M1, 4_999), Is.EqualTo(new[] { "E1" }));
        Assert.That(OwnersAt(history, M1, 5_000), Is.EqualTo(new[] { "E2" }));
    }

    [Test]
    public void A_change_arriving_late_is_inserted_in_the_past_and_does_not_become_the_current_row()
    {
        var history = new OwnershipHistory();
        var affected = new HashSet<long>();
        history.RecordEmployee("E1", Employee("E1", true), 0, affected);
        history.RecordEmployee("E2", Employee("E2", true), 0, affected);
        Assert.That(history.RecordComputer("C1", Computer("C1", "E1", M1), 1_000, affected), Is.True);
        Assert.That(history.RecordComputer("C1", Computer("C1", "E1", M1), 9_000, affected), Is.True);
        // Valid from 5 s, read after the change valid from 9 s: the past changes, the present does not.
        Assert.That(history.RecordComputer("C1", Computer("C1", "E2", M1), 5_000, affected), Is.False, "not the newest version");
        Rebuild(history, affected);

        Assert.That(OwnersAt(history, M1, 4_999), Is.EqualTo(new[] { "E1" }));
        Assert.That(OwnersAt(history, M1, 5_000), Is.EqualTo(new[] { "E2" }));
        Assert.That(OwnersAt(history, M1, 9_000), Is.EqualTo(new[] { "E1" }));
    }

    [Test]
    public void Versions_older_than_the_retention_are_forgotten_and_packets_before_the_horizon_are_judged_at_it_and_counted()
    {
        var history = new OwnershipHistory { Retention = TimeSpan.FromHours(1) };
        var affected = new HashSet<long>();
        long hour = 3_600_000;
        history.RecordEmployee("E1", Employee("E1", true), 0, affected);
        history.RecordEmployee("E2", Employee("E2", true), 0, affected);
        history.RecordComputer("C1", Computer("C1", "E1", M1), 0, affected);
        history.RecordComputer("C1", Computer("C1", "E2", M1), 2 * hour, affected);
        history.RecordComputer("C1", Computer("C1", "E1", M1), 4 * hour, affected);
        Rebuild(history, affected);

        Assert.That(history.HorizonMs, Is.EqualTo(3 * hour));
        Assert.That(history.VersionCount, Is.EqualTo(2 + 2), "two employees, and the computer's version in force at the horizon and the newest");
        Assert.That(history.TryGetOwners(M1, 3 * hour + 1, out _), Is.True);
        Assert.That(history.JudgedAtHorizon, Is.Zero);
        Assert.That(history.TryGetOwners(M1, hour, out var owners), Is.True, "an hour in, before the horizon: judged as at the horizon");
        foreach (var owner in owners) Assert.That(System.Text.Encoding.UTF8.GetString(owner.EmpId), Is.EqualTo("E2"));
        Assert.That(history.JudgedAtHorizon, Is.EqualTo(1));
    }

    /// <summary>
    /// An HR system schedules a hand-over years ahead (or a row is stamped in the year 10000): the row takes effect at
    /// its own time, and nothing else moves — before the ceiling, the horizon jumped to that date and every packet
    /// was judged as of the future, the kept history forgotten.
    /// </summary>
    [Test]
    public void A_valid_from_years_ahead_takes_effect_for_its_own_row_and_moves_no_horizon()
    {
        var now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        long nowMs = now.ToUnixTimeMilliseconds(), hour = 3_600_000;
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now);
        var history = new OwnershipHistory { Retention = TimeSpan.FromDays(7), Ceiling = new TimeCeiling(clock, TimeSpan.FromMinutes(5)) };
        var affected = new HashSet<long>();
        history.RecordEmployee("E1", Employee("E1", true), nowMs - 48 * hour, affected);
        history.RecordEmployee("E2", Employee("E2", true), nowMs - 48 * hour, affected);
        history.RecordComputer("C1", Computer("C1", "E1", M1), nowMs - 24 * hour, affected);
        history.RecordComputer("C2", Computer("C2", "E1", M2), nowMs - 24 * hour, affected);
        history.RecordComputer("C2", Computer("C2", "E2", M2), nowMs + 365 * 24 * hour, affected); // a year ahead
        Rebuild(history, affected);

        Assert.That(history.Ceiling.Clamped, Is.EqualTo(1), "counted");
        Assert.That(history.HorizonMs, Is.LessThan(nowMs - 24 * hour), "nothing was forgotten");
        Assert.That(OwnersAt(history, M1, nowMs), Is.EqualTo(new[] { "E1" }), "another row, judged as of now");
        Assert.That(history.JudgedAtHorizon, Is.Zero);
        Assert.That(OwnersAt(history, M2, nowMs), Is.EqualTo(new[] { "E1" }), "the scheduled row's computer, before its hand-over");
        Assert.That(OwnersAt(history, M2, nowMs + 365 * 24 * hour), Is.EqualTo(new[] { "E2" }), "and after it, at its own time");
    }

    [Test]
    public void Memory_stays_bounded_when_a_row_changes_all_the_time()
    {
        var history = new OwnershipHistory { Retention = TimeSpan.FromMinutes(10) };
        var affected = new HashSet<long>();
        history.RecordEmployee("E1", Employee("E1", true), 0, affected);
        history.RecordEmployee("E2", Employee("E2", true), 0, affected);
        for (int i = 0; i < 10_000; i++)
        {
            history.RecordComputer("C1", Computer("C1", i % 2 == 0 ? "E1" : "E2", M1), i * 60_000L, affected);
        }
        Rebuild(history, affected);
        Assert.That(history.VersionCount, Is.LessThanOrEqualTo(2 + 11), "the employees, and ten minutes of one change a minute");
        Assert.That(history.TimelineOf(M1).Count(), Is.LessThanOrEqualTo(11));
    }

    [Test]
    public void The_saved_history_restores_the_same_answers()
    {
        var history = new OwnershipHistory();
        var affected = new HashSet<long>();
        history.RecordEmployee("E1", Employee("E1", true), 0, affected);
        history.RecordEmployee("E2", Employee("E2", false), 0, affected);
        history.RecordEmployee("E2", Employee("E2", true), 3_000, affected);
        history.RecordComputer("C1", Computer("C1", "E1", M1), 1_000, affected);
        history.RecordComputer("C2", Computer("C2", "E2", M2), 1_000, affected);
        history.RecordComputer("C1", null, 7_000, affected);
        Rebuild(history, affected);
        var path = Path.Combine(Path.GetTempPath(), $"pcapwatch-history-{Guid.NewGuid():N}", "versions.bin");
        try
        {
            var offsets = new Dictionary<string, Dictionary<int, long>> { ["employees"] = new() { [0] = 3 }, ["computers"] = new() { [0] = 3, [1] = 0 } };
            OwnershipHistoryFile.Write(path, history, offsets);
            var file = OwnershipHistoryFile.TryRead(path, out var problem);
            Assert.That(file, Is.Not.Null, problem);
            Assert.That(file!.Covers("computers", new Dictionary<int, long> { [0] = 3, [1] = 0 }), Is.True);
            Assert.That(file.Covers("computers", new Dictionary<int, long> { [0] = 4, [1] = 0 }), Is.False);
            var restored = new OwnershipHistory();
            file.RestoreInto(restored);
            foreach (var mac in new[] { M1, M2 })
            {
                for (long t = 0; t < 10_000; t += 500) Assert.That(OwnersAt(restored, mac, t), Is.EqualTo(OwnersAt(history, mac, t)), $"{mac} at {t}");
            }
            Assert.That(restored.VersionCount, Is.EqualTo(history.VersionCount));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Test]
    public void A_file_that_is_not_a_history_is_refused_with_a_reason()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [1, 2, 3]);
            Assert.That(OwnershipHistoryFile.TryRead(path, out var problem), Is.Null);
            Assert.That(problem, Does.Contain("history"));
            Assert.That(OwnershipHistoryFile.TryRead(path + ".absent", out problem), Is.Null);
            Assert.That(problem, Does.Contain("no table history"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Any mix of employee and computer changes (flag flips, computers moving between employees and MACs, deletes),
    /// each valid from its own time and read in any order, gives at every moment the owners a join over the versions
    /// valid then gives — computed here by brute force from the raw changes; and so does the history a restart takes
    /// back from the saved versions.
    /// </summary>
    [Test]
    public void In_any_arrival_order_the_owners_at_a_moment_are_the_join_of_the_versions_valid_then()
    {
        Changes.Sample(changes =>
        {
            var history = new OwnershipHistory { Retention = TimeSpan.MaxValue };
            var affected = new HashSet<long>();
            foreach (var c in changes)
            {
                if (c.IsEmployee) history.RecordEmployee(c.Key, c.Row, c.AtMs, affected);
                else history.RecordComputer(c.Key, c.Row, c.AtMs, affected);
                // Rebuilt now and then, as a loader's batches do: the answer must not depend on when.
                if (c.AtMs % 3 == 0) Rebuild(history, affected);
            }
            Rebuild(history, affected);
            // And as a restart takes it back from the saved versions.
            var restored = new OwnershipHistory { Retention = TimeSpan.MaxValue };
            restored.Restore(history.AllVersions().ToList(), history.HorizonMs);
            foreach (var mac in new[] { M1, M2 })
            {
                for (long t = -1; t <= 10; t++)
                {
                    var expected = Reference(changes, mac, t);
                    if (!OwnersAt(history, mac, t).SequenceEqual(expected) || !OwnersAt(restored, mac, t).SequenceEqual(expected)) return false;
                }
            }
            return true;
        }, iter: 5_000, print: l => string.Join("; ", l.Select(c => c.ToString())));
    }

    internal sealed record Change(bool IsEmployee, string Key, byte[]? Row, long AtMs, string Text)
    {
        public override string ToString() => $"{Key}@{AtMs}: {Text}";
    }

    private static readonly Gen<Change> OneChange =
        Gen.OneOf(
            Gen.Select(Gen.Int[1, 2], Gen.Bool, Gen.Int[0, 10], Gen.Int[0, 5]).Select((e, watched, at, delete) =>
                new Change(true, $"E{e}", delete == 0 ? null : Employee($"E{e}", watched), at, delete == 0 ? "deleted" : watched ? "watched" : "not watched")),
            Gen.Select(Gen.Int[1, 3], Gen.Int[1, 2], Gen.Bool, Gen.Int[0, 10], Gen.Int[0, 5]).Select((c, e, m1, at, delete) =>
                new Change(false, $"C{c}", delete == 0 ? null : Computer($"C{c}", $"E{e}", m1 ? M1 : M2), at,
                    delete == 0 ? "deleted" : $"E{e} at {(m1 ? "M1" : "M2")}")));

    private static readonly Gen<List<Change>> Changes = OneChange.List[1, 16];

    /// <summary>
    /// The versioned join by brute force: each row's version at t is its change with the latest time ≤ t (of two with
    /// the same time, the one read last); owners are the computers at <paramref name="mac"/> whose employee is watched.
    /// </summary>
    private static string[] Reference(List<Change> changes, MacAddress mac, long t)
    {
        Change? VersionAt(bool employee, string key)
        {
            Change? best = null;
            foreach (var c in changes)
            {
                if (c.IsEmployee == employee && c.Key == key && c.AtMs <= t && (best is null || c.AtMs >= best.AtMs)) best = c;
            }
            return best;
        }
        var owners = new List<string>();
        foreach (var key in changes.Where(c => !c.IsEmployee).Select(c => c.Key).Distinct())
        {
            if (VersionAt(false, key)?.Row is not { } computer) continue;
            if (!RowCodec.TryGetComputerMac(computer, out var at) || at != mac) continue;
            var empKey = RowCodec.Field(computer, RowCodec.ComputerEmpKey)!;
            if (VersionAt(true, empKey)?.Row is not { } employee) continue;
            if (RowCodec.Field(employee, RowCodec.EmployeeWatchFlag) != "YES") continue;
            owners.Add(empKey);
        }
        return owners.Order(StringComparer.Ordinal).ToArray();
    }
}
