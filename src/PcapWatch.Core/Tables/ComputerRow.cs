namespace PcapWatch.Tables;

/// <summary>
/// One row of the <c>computers</c> table. <see cref="RowKey"/> identifies the row (the message key: the recipe uses
/// the employee key, other layouts the computer id), so one employee may own several rows.
/// </summary>
public sealed record ComputerRow(string RowKey, string? CompId, string? EmpKey, string? MacAddr);
