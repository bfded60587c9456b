namespace PcapWatch.Tables;

/// <summary>A table message that cannot be applied; the table keeps its previous value for that row.</summary>
public sealed class TableRecordException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
