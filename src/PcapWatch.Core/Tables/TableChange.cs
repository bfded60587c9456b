namespace PcapWatch.Tables;

/// <summary>A parsed table message: an upsert (<see cref="Row"/> set) or a delete (<see cref="Row"/> null).</summary>
public readonly record struct TableChange<TRow>(string RowKey, TRow? Row) where TRow : class
{
    public bool IsDelete => Row is null;
}
