using CsCheck;
using NUnit.Framework;
using PcapWatch.Index;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Tests.Index;

/// <summary>
/// The index equals the from-scratch join of the current tables after every step of any interleaving of upserts and
/// tombstones on either table — driven through the real FASTER stores and the real maintainer.
/// </summary>
public class WatchIndexPropertyTests
{
    private abstract record Op;
    private sealed record UpsertEmployee(string Key, string Name, string? Flag) : Op;
    private sealed record DeleteEmployee(string Key) : Op;
    private sealed record UpsertComputer(string RowKey, string? EmpKey, string? Mac) : Op;
    private sealed record DeleteComputer(string RowKey) : Op;

    // Small key spaces so that collisions, moves and conflicts are frequent.
    private static readonly Gen<string> EmpKey = Gen.OneOf("e1", "e2", "e3");
    private static readonly Gen<string> RowKey = Gen.OneOf("c1", "c2", "c3", "c4");
    private static readonly Gen<string?> Mac = Gen.OneOf<string?>(
        "aa:aa:aa:00:00:01", "AA-AA-AA-00-00-01", "aaaa.aa00.0002", "aaaaaa000002", "aa:aa:aa:00:00:03", "bogus", null);
    private static readonly Gen<string?> Flag = Gen.OneOf<string?>("YES", " yes", "NO", "no", null);

    private static readonly Gen<Op> AnyOp = Gen.Frequency(
        (3, Gen.Select(EmpKey, Gen.OneOf("Ann", "Ben"), Flag, (k, n, f) => (Op)new UpsertEmployee(k, n, f))),
        (1, EmpKey.Select(k => (Op)new DeleteEmployee(k))),
        (4, Gen.Select(RowKey, EmpKey.Null(), Mac, (r, e, m) => (Op)new UpsertComputer(r, e, m))),
        (2, RowKey.Select(r => (Op)new DeleteComputer(r))));

    [Test]
    public void Index_equals_the_from_scratch_join_after_every_step()
    {
        AnyOp.Array[1, 40].Sample(ops =>
        {
            using var t = new TableHarness();
            var employees = new Dictionary<string, EmployeeRow>();
            var computers = new Dictionary<string, ComputerRow>();
            foreach (var op in ops)
            {
                Apply(op, t, employees, computers);
                var expected = FromScratch(employees, computers);
                var actual = t.Index.Entries.ToDictionary(e => e.Key.ToString(),
                    e => string.Join(";", e.Value.Select(o => $"{o.ComputerRowKey}:{o.EmpId}:{o.EmpName}")));
                if (!expected.OrderBy(e => e.Key).SequenceEqual(actual.OrderBy(e => e.Key)))
                {
                    throw new AssertionException($"after {op}: expected [{Show(expected)}] but the index holds [{Show(actual)}]");
                }
                Assert.That(t.Maintainer.EmployeeRows, Is.EqualTo(employees.Count));
                Assert.That(t.Maintainer.ComputerRows, Is.EqualTo(computers.Count));
            }
        }, iter: 1500, threads: 1);
    }

    /// <summary>
    /// As above with the changes applied in deferred batches (as the table loader does) of any size, each batch's MACs
    /// recomputed by scanning the stores (what a first load's flush does) or one by one: the index equals the
    /// from-scratch join after every flush, and the observer ends up told each MAC's current owners.
    /// </summary>
    [Test]
    public void Deferred_batches_recomputed_by_scan_or_one_by_one_equal_the_from_scratch_join()
    {
        Gen.Select(AnyOp.Array[1, 40], Gen.Int[1, 12], Gen.Bool).Sample((ops, batch, byScan) =>
        {
            var told = new Dictionary<string, string>();
            using var t = new TableHarness(new LastTold(told));
            t.Maintainer.MinMacsForScan = byScan ? 1 : int.MaxValue;
            var employees = new Dictionary<string, EmployeeRow>();
            var computers = new Dictionary<string, ComputerRow>();
            for (int start = 0; start < ops.Length; start += batch)
            {
                t.Maintainer.Defer();
                foreach (var op in ops.Skip(start).Take(batch)) Apply(op, t, employees, computers);
                t.Maintainer.Flush();
                var expected = FromScratch(employees, computers);
                var actual = t.Index.Entries.ToDictionary(e => e.Key.ToString(),
                    e => string.Join(";", e.Value.Select(o => $"{o.ComputerRowKey}:{o.EmpId}:{o.EmpName}")));
                if (!expected.OrderBy(e => e.Key).SequenceEqual(actual.OrderBy(e => e.Key)))
                {
                    throw new AssertionException($"after ops {start}..{start + batch - 1} (by scan: {byScan}): expected [{Show(expected)}] but the index holds [{Show(actual)}]");
                }
                var toldNow = told.Where(e => e.Value.Length > 0).ToDictionary(e => e.Key, e => e.Value);
                if (!expected.OrderBy(e => e.Key).SequenceEqual(toldNow.OrderBy(e => e.Key)))
                {
                    throw new AssertionException($"after ops {start}..{start + batch - 1} (by scan: {byScan}): the observer was last told [{Show(toldNow)}], the index is [{Show(expected)}]");
                }
            }
        }, iter: 1500, threads: 1);
    }

    /// <summary>
    /// A first load into empty stores (the index made once, at the flush, from the stores), then changes one by one:
    /// the index equals the from-scratch join after the load and after every later change (so the reverse maps the
    /// load made from the stores are right too), and the invalid MACs seen while loading are counted. The load's rows
    /// come as rows of strings or, as the table loader gives them, as JSON messages parsed into their stored form.
    /// </summary>
    [Test]
    public void First_load_into_empty_stores_then_changes_equal_the_from_scratch_join()
    {
        Gen.Select(AnyOp.Array[0, 30], AnyOp.Array[0, 20], Gen.Bool).Sample((load, later, asMessages) =>
        {
            using var t = new TableHarness();
            Assert.That(t.Maintainer.TryLoadIntoEmptyStores(), Is.True);
            Assert.That(t.Maintainer.TakesStoredChanges, Is.True);
            var employees = new Dictionary<string, EmployeeRow>();
            var computers = new Dictionary<string, ComputerRow>();
            var stored = new StoredChange();
            foreach (var op in load)
            {
                if (asMessages) Load(op, t, stored, employees, computers);
                else Apply(op, t, employees, computers);
            }
            Assert.That(t.Index.Count, Is.Zero, "nothing is in the index before the load's flush");
            t.Maintainer.Flush();
            Assert.That(t.Maintainer.InvalidMacRows, Is.EqualTo(load.Count(op => op is UpsertComputer c && !MacAddress.TryParse(c.Mac, out _))));
            Assert.That(t.Maintainer.TakesStoredChanges, Is.False, "the load ends at the flush");
            Check(t, employees, computers, "after the load");
            foreach (var op in later)
            {
                Apply(op, t, employees, computers);
                Check(t, employees, computers, $"after {op}");
            }
            Assert.That(t.Maintainer.TryLoadIntoEmptyStores(), Is.EqualTo(employees.Count == 0 && computers.Count == 0 && t.Index.Count == 0),
                "only empty stores load that way");
        }, iter: 1000, threads: 1);
    }

    /// <summary>The op as the table loader sees it in a first load: a message, parsed into its stored form.</summary>
    private static void Load(Op op, TableHarness t, StoredChange stored, Dictionary<string, EmployeeRow> employees,
        Dictionary<string, ComputerRow> computers)
    {
        static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
        static string Json(string? text) => text is null ? "null" : System.Text.Json.JsonSerializer.Serialize(text);
        bool parsed;
        switch (op)
        {
            case UpsertEmployee u:
                employees[u.Key] = new EmployeeRow(u.Key, u.Name, u.Flag);
                parsed = TableRecordParser.TryParseEmployee(Utf8(u.Key), true,
                    Utf8($$"""{"key":{{Json(u.Key)}},"name":{{Json(u.Name)}},"watch_flag":{{Json(u.Flag)}}}"""), false, stored, out _);
                break;
            case DeleteEmployee d:
                employees.Remove(d.Key);
                parsed = TableRecordParser.TryParseEmployee(Utf8(d.Key), true, default, true, stored, out _);
                break;
            case UpsertComputer c:
                computers[c.RowKey] = new ComputerRow(c.RowKey, c.RowKey, c.EmpKey, c.Mac);
                parsed = TableRecordParser.TryParseComputer(Utf8(c.RowKey), true,
                    Utf8($$"""{"comp_id":{{Json(c.RowKey)}},"empkey":{{Json(c.EmpKey)}},"macaddr":{{Json(c.Mac)}}}"""), false, stored, out _);
                break;
            case DeleteComputer d:
                computers.Remove(d.RowKey);
                parsed = TableRecordParser.TryParseComputer(Utf8(d.RowKey), true, default, true, stored, out _);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
        Assert.That(parsed, Is.True, $"{op} as a message");
        t.Maintainer.Apply(op is UpsertEmployee or DeleteEmployee ? TableName.Employees : TableName.Computers, stored);
    }

    private static void Check(TableHarness t, Dictionary<string, EmployeeRow> employees, Dictionary<string, ComputerRow> computers, string when)
    {
        var expected = FromScratch(employees, computers);
        var actual = t.Index.Entries.ToDictionary(e => e.Key.ToString(),
            e => string.Join(";", e.Value.Select(o => $"{o.ComputerRowKey}:{o.EmpId}:{o.EmpName}")));
        if (!expected.OrderBy(e => e.Key).SequenceEqual(actual.OrderBy(e => e.Key)))
        {
            throw new AssertionException($"{when}: expected [{Show(expected)}] but the index holds [{Show(actual)}]");
        }
    }

    private static void Apply(Op op, TableHarness t, Dictionary<string, EmployeeRow> employees, Dictionary<string, ComputerRow> computers)
    {
        switch (op)
        {
            case UpsertEmployee u:
                employees[u.Key] = new EmployeeRow(u.Key, u.Name, u.Flag);
                t.Employee(u.Key, u.Name, u.Flag);
                break;
            case DeleteEmployee d:
                employees.Remove(d.Key);
                t.DeleteEmployee(d.Key);
                break;
            case UpsertComputer c:
                computers[c.RowKey] = new ComputerRow(c.RowKey, c.RowKey, c.EmpKey, c.Mac);
                t.Computer(c.RowKey, c.EmpKey, c.Mac);
                break;
            case DeleteComputer d:
                computers.Remove(d.RowKey);
                t.DeleteComputer(d.RowKey);
                break;
        }
    }

    /// <summary>Each MAC's owners as the observer was last told them, in the index's shape (empty: retracted).</summary>
    private sealed class LastTold(Dictionary<string, string> told) : IWatchIndexObserver
    {
        public void OnOwnersChanged(MacAddress mac, IReadOnlyList<WatchedComputer> owners) =>
            told[mac.ToString()] = string.Join(";", owners.Select(o => $"{o.ComputerRowKey}:{o.EmpId}:{o.EmpName}"));
    }

    /// <summary>The definition: { MAC of computer c | employees[c.empkey] is watched }, owners ordered by row key.</summary>
    private static Dictionary<string, string> FromScratch(Dictionary<string, EmployeeRow> employees, Dictionary<string, ComputerRow> computers)
    {
        var result = new Dictionary<string, string>();
        var watched = computers.Values
            .Where(c => c.EmpKey is not null && employees.TryGetValue(c.EmpKey, out var e) && e.IsWatched)
            .Where(c => MacAddress.TryParse(c.MacAddr, out _))
            .GroupBy(c => MacAddress.Parse(c.MacAddr!).ToString());
        foreach (var group in watched)
        {
            result[group.Key] = string.Join(";", group.OrderBy(c => c.RowKey, StringComparer.Ordinal)
                .Select(c => $"{c.RowKey}:{employees[c.EmpKey!].Key}:{employees[c.EmpKey!].Name}"));
        }
        return result;
    }

    private static string Show(Dictionary<string, string> index) => string.Join(", ", index.OrderBy(e => e.Key).Select(e => $"{e.Key}→{e.Value}"));
}
