using System.Text;
using PcapWatch.Packets;
using PcapWatch.Tables;

namespace PcapWatch.Index;

/// <summary>
/// The recipe's join, written once for the present index, the history and the restart's rebuild: a computer row is a
/// watched owner of its MAC when its <c>empkey</c> names an employee row whose <c>watch_flag</c> says YES. Read over
/// the stored rows' bytes (<see cref="RowCodec"/>); strings are made for watched owners only.
/// </summary>
internal static class WatchRule
{
    /// <summary>Whether a stored employee row is watched.</summary>
    public static bool IsWatched(ReadOnlySpan<byte> employee) =>
        RowCodec.TryGetField(employee, RowCodec.EmployeeWatchFlag, out var flag) && EmployeeRow.IsWatchedFlag(flag);

    /// <summary>The employee a stored computer row names (false: none).</summary>
    public static bool TryGetEmployeeKey(ReadOnlySpan<byte> computer, out ReadOnlySpan<byte> empKey) =>
        RowCodec.TryGetField(computer, RowCodec.ComputerEmpKey, out empKey);

    /// <summary>
    /// The MAC a stored computer row has (false: none, or one that does not parse: kept out of the index).
    /// </summary>
    public static bool TryGetMac(ReadOnlySpan<byte> computer, out MacAddress mac) => RowCodec.TryGetComputerMac(computer, out mac);

    /// <summary>
    /// The watched owner a computer row at <paramref name="mac"/> makes, when the employee it names (as
    /// <paramref name="employees"/> finds it) is watched.
    /// </summary>
    public static bool TryGetOwner<TEmployees>(MacAddress mac, string computerKey, byte[] computer, ref TEmployees employees,
        out WatchedComputer owner) where TEmployees : struct, IEmployeeRows
    {
        owner = null!;
        if (!TryGetEmployeeKey(computer, out var empKey)) return false;
        if (employees.Find(empKey, out string? empKeyText) is not { } employee || !IsWatched(employee)) return false;
        owner = new WatchedComputer(mac, computerKey, RowCodec.Field(computer, RowCodec.ComputerCompId),
            RowCodec.Field(employee, RowCodec.EmployeeKey)!, RowCodec.Field(employee, RowCodec.EmployeeName),
            empKeyText ?? Encoding.UTF8.GetString(empKey));
        return true;
    }
}

/// <summary>
/// Where <see cref="WatchRule"/> finds the employee a computer names: the current store, or the history at a time.
/// </summary>
internal interface IEmployeeRows
{
    /// <summary>The stored employee row with this key (null: none), and its key as text when it is at hand.</summary>
    byte[]? Find(ReadOnlySpan<byte> empKey, out string? empKeyText);
}
