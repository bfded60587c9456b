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
    private readonly Dictionary<string, (string EmpId, string? Name)> _watched = new(StringComparer.Ordinal);

    internal ComputerRowRefs Rows { get; } = new();
    internal Dictionary<long, List<WatchedComputer>> Owners { get; } = new();

    /// <summary>Computer rows with a valid MAC (what the maintainer counts as recomputed rows).</summary>
    internal long RowsWithMac { get; private set; }

    private bool _ownersResolved;

    public void OnEmployee(ReadOnlySpan<byte> key, ReadOnlySpan<byte> row)
    {
        if (RowCodec.TryGetField(row, RowCodec.EmployeeWatchFlag, out var flag) && EmployeeRow.IsWatchedFlag(flag))
        {
            _watched[Encoding.UTF8.GetString(key)] = (RowCodec.Field(row, RowCodec.EmployeeKey)!, RowCodec.Field(row, RowCodec.EmployeeName));
        }
    }

    public void OnComputer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> row)
    {
        bool hasEmployee = RowCodec.TryGetField(row, RowCodec.ComputerEmpKey, out var empKey);
        bool hasCompId = RowCodec.TryGetField(row, RowCodec.ComputerCompId, out var compId);
        long? macValue = null;
        if (RowCodec.TryGetComputerMac(row, out var mac))
        {
            macValue = mac.Value;
            RowsWithMac++;
        }
        Rows.Add(key, hasEmployee, empKey, macValue, hasCompId, compId);
    }

    /// <summary>Each watched MAC's owners, from the scanned rows, once both stores were scanned (or forgotten).</summary>
    internal void ResolveOwners()
    {
        if (_ownersResolved) return;
        _ownersResolved = true;
        if (_watched.Count == 0) return;
        foreach (var row in Rows)
        {
            if (!row.HasEmployee || row.Mac is not { } macValue || WatchedEmployee(row.EmpKey) is not { } employee) continue;
            var mac = new MacAddress(macValue);
            if (!Owners.TryGetValue(macValue, out var list)) Owners[macValue] = list = new List<WatchedComputer>(1);
            list.Add(new WatchedComputer(mac, Encoding.UTF8.GetString(row.RowKey), row.HasCompId ? Encoding.UTF8.GetString(row.CompId) : null,
                employee.EmpId, employee.Name, Encoding.UTF8.GetString(row.EmpKey)));
        }
    }

    /// <summary>The watched employee with this key, looked up without making a string of it (most rows are not watched).</summary>
    private (string EmpId, string? Name)? WatchedEmployee(ReadOnlySpan<byte> empKey)
    {
        var lookup = _watched.GetAlternateLookup<ReadOnlySpan<char>>();
        int chars = Encoding.UTF8.GetMaxCharCount(empKey.Length);
        Span<char> buffer = chars <= 256 ? stackalloc char[chars] : new char[chars];
        int written = Encoding.UTF8.GetChars(empKey, buffer);
        return lookup.TryGetValue(buffer[..written], out var employee) ? employee : null;
    }

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
        Owners.Clear();
        Owners.TrimExcess();
    }

    /// <summary>The computers store was not trusted and starts empty.</summary>
    public void ForgetComputers()
    {
        Rows.Clear();
        Owners.Clear();
        RowsWithMac = 0;
    }
}
