using PcapWatch.Packets;

namespace PcapWatch.Index;

/// <summary>
/// One entry of the watched-MAC index: a computer row whose owner is watched, joined with that owner (the recipe's
/// COMP_WATCH_BY_MACADDR row). The index stores it compactly (<see cref="OwnerRecord"/>); this object is the readable
/// form.
/// </summary>
public sealed record WatchedComputer
{
    public WatchedComputer(MacAddress mac, string computerRowKey, string? compId, string empId, string? empName, string? empKey)
    {
        Mac = mac;
        ComputerRowKey = computerRowKey;
        CompId = compId;
        EmpId = empId;
        EmpName = empName;
        EmpKey = empKey;
        MacText = mac.ToString();
    }

    public MacAddress Mac { get; }
    public string ComputerRowKey { get; }
    public string? CompId { get; }
    /// <summary>The employee's key (the recipe's <c>E.KEY AS EMP_ID</c>).</summary>
    public string EmpId { get; }
    public string? EmpName { get; }
    /// <summary>The computer's <c>empkey</c> (the recipe's <c>C.EMPKEY AS EMP_KEY</c>).</summary>
    public string? EmpKey { get; }
    /// <summary>The canonical MAC spelling (lower case, ':'), whatever spelling the table row used.</summary>
    public string MacText { get; }


    public bool Equals(WatchedComputer? other) =>
        other is not null && Mac == other.Mac && ComputerRowKey == other.ComputerRowKey && CompId == other.CompId
        && EmpId == other.EmpId && EmpName == other.EmpName && EmpKey == other.EmpKey;

    public override int GetHashCode() => HashCode.Combine(Mac, ComputerRowKey, EmpId);
}
