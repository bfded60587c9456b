using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Index;

/// <summary>
/// One entry of the watched-MAC index: a computer row whose owner is watched, joined with that owner (the recipe's
/// COMP_WATCH_BY_MACADDR row). The output columns are encoded once here, not once per packet.
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
        EmpIdJson = Encode(empId);
        EmpNameJson = empName is null ? null : Encode(empName);
        EmpKeyJson = empKey is null ? null : Encode(empKey);
        MacJson = Encode(MacText);
        KeyBytes = Encoding.UTF8.GetBytes(MacText);
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

    internal JsonEncodedText EmpIdJson { get; }
    internal JsonEncodedText? EmpNameJson { get; }
    internal JsonEncodedText? EmpKeyJson { get; }
    internal JsonEncodedText MacJson { get; }
    /// <summary>The output record's key: the canonical MAC as UTF-8, shared by every record for this MAC.</summary>
    internal byte[] KeyBytes { get; }

    private static JsonEncodedText Encode(string value) => JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    public bool Equals(WatchedComputer? other) =>
        other is not null && Mac == other.Mac && ComputerRowKey == other.ComputerRowKey && CompId == other.CompId
        && EmpId == other.EmpId && EmpName == other.EmpName && EmpKey == other.EmpKey;

    public override int GetHashCode() => HashCode.Combine(Mac, ComputerRowKey, EmpId);
}
