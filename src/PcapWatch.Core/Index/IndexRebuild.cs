using System.Text;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Index;

/// <summary>
/// What a restart derives from the recovered rows, collected while they are scanned: who is watched (employees) and
/// what each computer row says (<see cref="Rows"/>). Fed by the scans that verify the recovered stores against their
/// checkpoints, so each store is read once; the two scans may run at the same time (each feeds its own half), and the
/// watched MACs' owners are resolved once both are done (<see cref="ResolveOwners"/>). A store that fails verification
/// is forgotten here too. Only the fields that decide are decoded, and strings are made only for watched employees and
/// their computers: the reverse maps are made from <see cref="Rows"/> after the index is published
/// (<see cref="WatchIndexMaintainer.Adopt"/>).
/// </summary>
public sealed class IndexRebuild
{
    // When set, a recompute of many MACs by scanning, whose maintainer has its reverse maps already: the employees are
    // scanned first, and each computer row with one of these MACs is resolved as it is seen (no row is kept).
    private readonly IReadOnlySet<long>? _onlyMacs;

    public IndexRebuild()
    {
        _watched = new(ByteKeyComparer.Instance);
        _watchedByBytes = _watched.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <param name="onlyMacs">The MACs to resolve; other computer rows are skipped. The employees must be scanned
    /// before the computers, and <see cref="Rows"/> stays empty.</param>
    internal IndexRebuild(IReadOnlySet<long> onlyMacs) : this() => _onlyMacs = onlyMacs;

    // Watched employees by row key, kept as the UTF-8 the rows hold: a million computer rows are looked up in place.
    private readonly Dictionary<byte[], WatchedEmployee> _watched;
    private readonly Dictionary<byte[], WatchedEmployee>.AlternateLookup<ReadOnlySpan<byte>> _watchedByBytes;

    internal ComputerRowRefs Rows { get; } = new();

    /// <summary>
    /// MACs with one watched owner (nearly all): that owner's index record, written from the rows' bytes.
    /// </summary>
    internal Dictionary<long, byte[]> SingleOwners { get; } = new();

    /// <summary>MACs several watched computers claim: their owners, for the maintainer to order and report.</summary>
    internal Dictionary<long, List<WatchedComputer>> Owners { get; } = new();

    /// <summary>Computer rows with a valid MAC (what the maintainer counts as recomputed rows).</summary>
    internal long RowsWithMac { get; private set; }

    private bool _ownersResolved;

    /// <summary>A watched employee's columns as the row holds them (null: the field is absent).</summary>
    private readonly record struct WatchedEmployee(byte[]? EmpId, byte[]? Name);

    public void OnEmployee(ReadOnlySpan<byte> key, ReadOnlySpan<byte> row)
    {
        if (WatchRule.IsWatched(row))
        {
            _watched[key.ToArray()] = new WatchedEmployee(Copy(row, RowCodec.EmployeeKey), Copy(row, RowCodec.EmployeeName));
        }
    }

    private static byte[]? Copy(ReadOnlySpan<byte> row, int field) => RowCodec.TryGetField(row, field, out var value) ? value.ToArray() : null;

    public void OnComputer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> row)
    {
        long? macValue = WatchRule.TryGetMac(row, out var mac) ? mac.Value : null;
        if (_onlyMacs is not null && (macValue is null || !_onlyMacs.Contains(mac.Value))) return;
        if (macValue is not null) RowsWithMac++;
        bool hasEmployee = WatchRule.TryGetEmployeeKey(row, out var empKey);
        bool hasCompId = RowCodec.TryGetField(row, RowCodec.ComputerCompId, out var compId);
        if (_onlyMacs is not null) Resolve(new ComputerRowRefs.Row(key, hasEmployee, empKey, macValue, hasCompId, compId));
        else Rows.Add(key, hasEmployee, empKey, macValue, hasCompId, compId);
    }

    /// <summary>
    /// Each watched MAC's owners, from the scanned rows, once both stores were scanned (or forgotten).
    /// </summary>
    internal void ResolveOwners()
    {
        if (_ownersResolved) return;
        _ownersResolved = true;
        if (_watched.Count == 0) return;
        foreach (var row in Rows) Resolve(row);
    }

    /// <summary>Adds the row as its MAC's owner when it names a watched employee.</summary>
    private void Resolve(ComputerRowRefs.Row row)
    {
        if (!row.HasEmployee || row.Mac is not { } macValue
            || !_watchedByBytes.TryGetValue(row.EmpKey, out var employee)) return;
        if (Owners.TryGetValue(macValue, out var several))
        {
            several.Add(Computer(row, employee, macValue));
        }
        else if (SingleOwners.Remove(macValue, out var first))
        {
            Owners[macValue] = [OwnerRecord.Decode(new MacAddress(macValue), first)[0], Computer(row, employee, macValue)];
        }
        else
        {
            SingleOwners[macValue] = Record(row, employee);
        }
    }

    /// <summary>The owner's index record from the row's bytes: the stores hold only what was encoded from strings
    /// (keys and fields), so the bytes are the UTF-8 <see cref="OwnerRecord.Encode"/> would write for them.</summary>
    private static byte[] Record(ComputerRowRefs.Row row, WatchedEmployee employee) =>
        OwnerRecord.EncodeOne(row.RowKey, row.HasCompId ? Utf8Column.Of(row.CompId) : Utf8Column.Null, Utf8Column.Of(employee.EmpId),
            Utf8Column.Of(employee.Name), row.EmpKey);

    private static WatchedComputer Computer(ComputerRowRefs.Row row, WatchedEmployee employee, long macValue) =>
        new(new MacAddress(macValue), Encoding.UTF8.GetString(row.RowKey), row.HasCompId ? Encoding.UTF8.GetString(row.CompId) : null,
            Text(employee.EmpId)!, Text(employee.Name), Encoding.UTF8.GetString(row.EmpKey));

    private static string? Text(byte[]? utf8) => utf8 is null ? null : Encoding.UTF8.GetString(utf8);

    /// <summary>The employees store was not trusted and starts empty: nobody recovered is watched.</summary>
    public void ForgetEmployees()
    {
        if (_ownersResolved) throw new InvalidOperationException("employees must be settled before the owners are resolved");
        _watched.Clear();
    }

    /// <summary>Drops what only the rebuild needed, once its owners are adopted (they live on in the index).</summary>
    internal void Release()
    {
        _watched.Clear();
        _watched.TrimExcess();
        SingleOwners.Clear();
        SingleOwners.TrimExcess();
        Owners.Clear();
        Owners.TrimExcess();
    }

    /// <summary>The computers store was not trusted and starts empty.</summary>
    public void ForgetComputers()
    {
        Rows.Clear();
        SingleOwners.Clear();
        Owners.Clear();
        RowsWithMac = 0;
    }
}
