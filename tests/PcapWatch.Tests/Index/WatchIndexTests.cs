using CsCheck;
using NUnit.Framework;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Tests.Index;

/// <summary>The compact index gives back exactly what was stored, through any sequence of changes and compactions.</summary>
public class WatchIndexTests
{
    // Now and then a name of 40 kB: 200 changes then write past the 1 MiB of garbage that makes the arena compact.
    private static readonly Gen<string?> Text = Gen.Frequency(
        (12, Gen.OneOf<string?>(null, "", "Tom Jones", "Zoë \"Q\" Ünal 🙂", "a\\b\n", "x")),
        (1, Gen.Int[35_000, 45_000].Select(n => (string?)new string('n', n))));

    private static readonly Gen<WatchedComputer[]> Owners = Gen.Select(Gen.Int[1, 99], Text, Gen.String[0, 8], Text, Text,
            (row, compId, empId, name, empKey) => (row, compId, empId, name, empKey))
        .Array[0, 3]
        .Select(rows => rows.Select(r => new WatchedComputer(default, $"r{r.row}", r.compId, r.empId, r.name, r.empKey)).ToArray());

    [Test]
    public void Owners_read_back_equal_the_last_set_through_any_changes_and_compactions()
    {
        int compacted = 0;
        Gen.Select(Gen.Long[0, 7], Owners).Array[1, 200].Sample(ops =>
        {
            var index = new WatchIndex();
            var model = new Dictionary<long, WatchedComputer[]>();
            foreach (var (mac, owners) in ops)
            {
                var stamped = owners.Select(o => Stamp(o, new MacAddress(mac))).ToArray();
                bool changed = index.Set(new MacAddress(mac), stamped);
                bool expectedChange = stamped.Length == 0
                    ? model.Remove(mac)
                    : !model.TryGetValue(mac, out var old) || !old.SequenceEqual(stamped);
                if (stamped.Length > 0) model[mac] = stamped;
                if (changed != expectedChange) return false;
            }
            if (index.Count != model.Count) return false;
            if (index.Compactions > 0) compacted++;
            return Enumerable.Range(0, 8).All(m =>
                index.OwnersOf(new MacAddress(m)).SequenceEqual(model.GetValueOrDefault(m, [])));
        }, iter: 300);
        Assert.That(compacted, Is.GreaterThan(20), "the changes reach the arena's compaction, or the property says little");
    }

    [Test]
    public void Replaced_records_are_reclaimed()
    {
        var index = new WatchIndex();
        for (int round = 0; round < 2_000; round++)
        {
            for (int m = 0; m < 100; m++)
            {
                var mac = new MacAddress(m);
                index.Set(mac, [new WatchedComputer(mac, $"row{m}", $"{round}", $"e{m}", $"Employee {m} round {round}", $"e{m}")]);
            }
        }
        // 200,000 records of ~50 bytes were written (10 MB); only the last 100 are live.
        Assert.That(index.ArenaBytes, Is.LessThanOrEqualTo(4 << 20));
        var last = index.OwnersOf(new MacAddress(42)).Single();
        Assert.That((last.CompId, last.EmpName), Is.EqualTo(("1999", "Employee 42 round 1999")));
    }

    [Test]
    public void An_owner_larger_than_an_arena_chunk_is_kept_whole()
    {
        var index = new WatchIndex();
        var mac = new MacAddress(7);
        var name = new string('n', 3 << 20);
        index.Set(mac, [new WatchedComputer(mac, "r", "c", "e", name, "e")]);
        index.Set(new MacAddress(8), [new WatchedComputer(new MacAddress(8), "r8", "c8", "e8", "small", "e8")]);
        Assert.That(index.OwnersOf(mac).Single().EmpName, Is.EqualTo(name));
        Assert.That(index.OwnersOf(new MacAddress(8)).Single().EmpName, Is.EqualTo("small"));
    }

    [Test]
    public void Probing_reads_owners_in_place()
    {
        var index = new WatchIndex();
        var mac = MacAddress.Parse("02:50:57:00:00:02");
        index.Set(mac, [new WatchedComputer(mac, "c1", null, "E100", "Alice", null), new WatchedComputer(mac, "c2", "7", "E200", null, "E200")]);
        Assert.That(index.TryGetOwners(mac, out var owners), Is.True);
        var seen = new List<string>();
        foreach (var o in owners)
        {
            seen.Add($"{System.Text.Encoding.UTF8.GetString(o.EmpId)}:{o.HasCompId}:{o.HasEmpName}:{o.HasEmpKey}");
        }
        Assert.That(seen, Is.EqualTo(new[] { "E100:False:True:False", "E200:True:False:True" }));
        Assert.That(index.TryGetOwners(new MacAddress(1), out _), Is.False);
    }

    private static WatchedComputer Stamp(WatchedComputer o, MacAddress mac) =>
        new(mac, o.ComputerRowKey, o.CompId, o.EmpId, o.EmpName, o.EmpKey);
}
