using CsCheck;
using NUnit.Framework;
using PcapWatch.Index;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Index;

/// <summary>A restart rebuilds the index from the stores in one pass; it must equal the index the changes built one by one.</summary>
public class RebuildFromStoresTests
{
    private static Dictionary<string, string[]> Contents(WatchIndex index) => index.Entries.ToDictionary(
        e => e.Key.ToString(),
        e => e.Value.Select(o => $"{o.ComputerRowKey}:{o.CompId ?? "null"}:{o.EmpId}:{o.EmpName ?? "null"}:{o.EmpKey}").ToArray());

    private static readonly string?[] Flags = ["YES", "NO", " yes ", "Yes\u00a0", null, "", "YESS", "\tyEs"];

    /// <summary>The ways a computer row may give its MAC: three spellings of a MAC, text that is none, and no MAC at all.</summary>
    private static string? Spell(MacAddress mac, int how) => how switch
    {
        0 => mac.ToString(),
        1 => " " + mac.ToString().ToUpperInvariant().Replace(':', '-') + "\t",
        2 => mac.ToString().Replace(":", ""),
        3 => mac.ToString()[..^1] + "g",
        _ => null,
    };

    private const int Spellings = 5;

    [Test]
    public void Rebuilt_index_equals_the_one_built_change_by_change()
    {
        // Few keys and MACs, so rows collide: shared MACs, moved computers, flags flipping, deletes of what is absent.
        // Flags and MACs in the spellings tables hold: the rebuild reads them from stored bytes, the changes from strings.
        var spelled = new HashSet<int>();
        Op.List[0, 40].Sample(ops =>
        {
            using var t = new TableHarness();
            Apply(t, ops);
            Assert.That(Contents(t.Rebuilt()), Is.EquivalentTo(Contents(t.Index)));
            Assert.That(Contents(t.RebuiltFromConcurrentScans()), Is.EquivalentTo(Contents(t.Index)), "the two stores scanned at once");
            spelled.UnionWith(ops.Where(o => o.Item1 == 2).Select(o => o.Item5));
        }, iter: 100);
        Assert.That(spelled, Is.EquivalentTo(Enumerable.Range(0, Spellings)), "every way of giving a MAC, a missing one included, was tried");
    }

    [Test]
    public void Changes_after_a_restart_keep_the_index_equal_to_a_rebuild_from_the_tables()
    {
        // The restart's reverse maps are made on another thread from the packed rows; the changes after it use them.
        Gen.Select(Op.List[0, 25], Op.List[1, 25]).Sample((before, after) =>
        {
            using var t = new TableHarness();
            Apply(t, before);
            t.Restart();
            Apply(t, after);
            Assert.That(Contents(t.Index), Is.EquivalentTo(Contents(t.Rebuilt())));
        }, iter: 100);
    }

    /// <summary>A table change: (employee upsert | employee delete | computer upsert | computer delete, keys, flag/MAC, MAC spelling).</summary>
    private static readonly Gen<(int, int, int, int, int)> Op = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 5], Gen.Int[0, 5], Gen.Int[0, 15],
        Gen.Int[0, Spellings - 1]);

    private static string EmployeeKey(int i) => i == 5 ? "é5" : $"e{i}";

    private static void Apply(TableHarness t, List<(int, int, int, int, int)> ops)
    {
        foreach (var (kind, a, b, c, how) in ops)
        {
            switch (kind)
            {
                // Names absent, empty or not ASCII, a key not ASCII, computers without an id or with an empty one: a restart writes the index's
                // records from the stored bytes, the changes from strings.
                case 0: t.Employee(EmployeeKey(a), a % 3 == 2 ? null : a % 3 == 1 ? "" : $"Zoë {a} 名", Flags[c % Flags.Length]); break;
                case 1: t.DeleteEmployee(EmployeeKey(a)); break;
                case 2:
                    var mac = Spell(new MacAddress(0x02_0000_000000L + c % 4), how);
                    t.Maintainer.Apply(new TableChange<ComputerRow>($"c{a}", new ComputerRow($"c{a}", c % 5 == 0 ? null : c % 5 == 1 ? "" : $"id{c}", EmployeeKey(b), mac)));
                    break;
                default: t.DeleteComputer($"c{a}"); break;
            }
        }
    }

    [Test]
    public void Rebuilt_index_keeps_owners_in_row_key_order_and_counts_the_rows()
    {
        using var t = new TableHarness();
        const string mac = "02:00:00:00:00:01";
        t.Employee("1", "Ann", "YES");
        t.Employee("2", "Bob", "YES");
        t.Computer("c9", "2", mac);
        t.Computer("c1", "1", mac);
        var rebuilt = t.Rebuilt();
        Assert.That(rebuilt.OwnersOf(MacAddress.Parse(mac)).Select(o => o.ComputerRowKey), Is.EqualTo(new[] { "c1", "c9" }));
    }
}
