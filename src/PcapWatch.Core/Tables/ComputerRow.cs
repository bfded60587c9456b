namespace PcapWatch.Tables;

/// <summary>
/// One row of the <c>computers</c> table. <see cref="RowKey"/> identifies the row (the message key: the recipe uses
/// the employee key, other layouts the computer id), so one employee may own several rows. <see cref="ValidFrom"/> is
/// the value's optional <c>valid_from</c> (when the row took effect, for attribution at capture time), as written.
/// </summary>
public sealed record ComputerRow(string RowKey, string? CompId, string? EmpKey, string? MacAddr, string? ValidFrom = null);
