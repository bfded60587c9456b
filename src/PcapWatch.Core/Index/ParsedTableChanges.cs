using PcapWatch.Tables;

namespace PcapWatch.Index;

/// <summary>
/// Parsed table changes (rows of strings: tests, benchmarks, tools) into the one form the tables are written in, the
/// stored form (<see cref="RowCodec"/>).
/// </summary>
public static class ParsedTableChanges
{
    public static void Apply(this WatchIndexMaintainer present, TableChange<EmployeeRow> change) =>
        present.Apply(TableName.Employees, Stored(change.RowKey, change.Row is { } row ? RowCodec.EncodeEmployee(row) : null));

    public static void Apply(this WatchIndexMaintainer present, TableChange<ComputerRow> change) =>
        present.Apply(TableName.Computers, Stored(change.RowKey, change.Row is { } row ? RowCodec.EncodeComputer(row) : null));

    /// <param name="validFromMs">When the change took effect (attributing at capture time; ignored otherwise).</param>
    public static void Apply(this TableChangeStream changes, TableChange<EmployeeRow> change, long validFromMs = 0) =>
        changes.Apply(TableName.Employees, Stored(change.RowKey, change.Row is { } row ? RowCodec.EncodeEmployee(row) : null), validFromMs);

    /// <param name="validFromMs">When the change took effect (attributing at capture time; ignored otherwise).</param>
    public static void Apply(this TableChangeStream changes, TableChange<ComputerRow> change, long validFromMs = 0) =>
        changes.Apply(TableName.Computers, Stored(change.RowKey, change.Row is { } row ? RowCodec.EncodeComputer(row) : null), validFromMs);

    private static StoredChange Stored(string rowKey, byte[]? row)
    {
        var change = new StoredChange();
        var key = System.Text.Encoding.UTF8.GetBytes(rowKey);
        if (row is null) change.SetDelete(key);
        else change.SetEncoded(key, row);
        return change;
    }
}
