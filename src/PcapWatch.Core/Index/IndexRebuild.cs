using System.Text;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Index;

/// <summary>
/// What a restart derives from the recovered rows, collected while they are scanned: employees first (who is watched),
/// then computers (each watched MAC's owners, and what the reverse maps need). Fed by the scan that verifies a recovered
/// store against its checkpoint, so each store is read once; a store that fails verification is forgotten here too.
/// Only the fields that decide are decoded, and strings are made only for watched employees and their computers: the
/// reverse maps are made from <see cref="Rows"/> after the index is published (<see cref="WatchIndexMaintainer.Adopt"/>).
/// </summary>
public sealed class IndexRebuild
{
    private readonly Dictionary<string, (string EmpId, string? Name)> _watched = new(StringComparer.Ordinal);

    internal ComputerRowRefs Rows { get; } = new();
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
        bool hasEmployee = RowCodec.TryGetField(row, RowCodec.ComputerEmpKey, out var empKey);
        long? macValue = null;
        if (RowCodec.TryGetComputerMac(row, out var mac))
        {
            macValue = mac.Value;
            RowsWithMac++;
            if (hasEmployee && _watched.Count > 0 && WatchedEmployee(empKey) is { } employee)
            {
                if (!Owners.TryGetValue(mac.Value, out var list)) Owners[mac.Value] = list = new List<WatchedComputer>(1);
                list.Add(new WatchedComputer(mac, Encoding.UTF8.GetString(key), RowCodec.Field(row, RowCodec.ComputerCompId), employee.EmpId,
                    employee.Name, Encoding.UTF8.GetString(empKey)));
            }
        }
        Rows.Add(key, hasEmployee, empKey, macValue);
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
        if (_computersSeen) throw new InvalidOperationException("employees must be settled before computers are scanned");
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
