using PcapWatch.Tables;

namespace PcapWatch.Index;

/// <summary>Parsed table changes into the history, in the stored form it keeps (<see cref="RowCodec"/>).</summary>
public static class ParsedHistoryChanges
{
    /// <summary>Records a parsed employees change (see <see cref="OwnershipHistory.RecordEmployee"/>).</summary>
    public static bool Record(this OwnershipHistory history, TableChange<EmployeeRow> change, long fromMs, ISet<long> affected) =>
        history.RecordEmployee(change.RowKey, change.Row is { } row ? RowCodec.EncodeEmployee(row) : null, fromMs, affected);

    /// <summary>Records a parsed computers change (see <see cref="OwnershipHistory.RecordComputer"/>).</summary>
    public static bool Record(this OwnershipHistory history, TableChange<ComputerRow> change, long fromMs, ISet<long> affected) =>
        history.RecordComputer(change.RowKey, change.Row is { } row ? RowCodec.EncodeComputer(row) : null, fromMs, affected);
}
