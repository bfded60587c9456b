using System.Text;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Index;

/// <summary>
/// What a restart derives from the recovered rows, collected while they are scanned: employees first (who is watched),
/// then computers (the reverse maps and each watched MAC's owners). Fed by the scan that verifies a recovered store
/// against its checkpoint, so each store is read once; a store that fails verification is forgotten here too.
/// Only the fields that decide are decoded; strings are made for the row keys the maps hold and for watched owners.
/// </summary>
public sealed class IndexRebuild
{
    private readonly Dictionary<string, (string EmpId, string? Name)> _watched = new(StringComparer.Ordinal);

    internal RowKeyMultiMap<string> ComputersByEmployee { get; } = new(StringComparer.Ordinal);
    internal RowKeyMultiMap<long> ComputersByMac { get; } = new();
    internal Dictionary<long, List<WatchedComputer>> Owners { get; } = new();

    /// <summary>Computer rows with a valid MAC (what the maintainer counts as recomputed rows).</summary>
    internal long RowsWithMac { get; private set; }

    private bool _computersSeen;

    public void OnEmployee(ReadOnlySpan<byte> key, ReadOnlySpan<byte> row)
    {
        if (_computersSeen) throw new InvalidOperationException("employees must be scanned before computers");
        if (RowCodec.TryGetField(row, RowCodec.EmployeeWatchFlag, out var flag) && EmployeeRow.IsWatchedFlag(flag))
        {
            _watched[Encoding.UTF8.GetString(key)] = (RowCodec.Field(row, RowCodec.EmployeeKey)!, RowCodec.Field(row, RowCodec.EmployeeName));
        }
    }

    public void OnComputer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> row)
    {
        _computersSeen = true;
        var rowKey = Encoding.UTF8.GetString(key);
        var empKey = RowCodec.Field(row, RowCodec.ComputerEmpKey);
        if (empKey is not null) ComputersByEmployee.Add(empKey, rowKey);
        if (RowCodec.TryGetComputerMac(row, out var mac))
        {
            ComputersByMac.Add(mac.Value, rowKey);
            RowsWithMac++;
            if (empKey is not null && _watched.TryGetValue(empKey, out var employee))
            {
                if (!Owners.TryGetValue(mac.Value, out var list)) Owners[mac.Value] = list = new List<WatchedComputer>(1);
                list.Add(new WatchedComputer(mac, rowKey, RowCodec.Field(row, RowCodec.ComputerCompId), employee.EmpId, employee.Name, empKey));
            }
        }
    }

    /// <summary>The employees store was not trusted and starts empty: nobody recovered is watched.</summary>
    public void ForgetEmployees()
    {
        if (_computersSeen) throw new InvalidOperationException("employees must be settled before computers are scanned");
        _watched.Clear();
    }

    /// <summary>Drops what only the rebuild needed, once its maps and owners are adopted (they live on in the maintainer).</summary>
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
        ComputersByEmployee.Clear();
        ComputersByMac.Clear();
        Owners.Clear();
        RowsWithMac = 0;
    }
}
