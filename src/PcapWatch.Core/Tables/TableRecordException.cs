namespace PcapWatch.Tables;

/// <summary>A table message that cannot be applied; the table keeps its previous value for that row.</summary>
/// <param name="code">A short, stable reason code (dead-letter header, counters): <c>invalid_json</c>, <c>not_an_object</c>,
/// <c>no_key</c>, <c>bad_field</c>, <c>bad_key</c>.</param>
public sealed class TableRecordException(string code, string reason) : Exception(reason)
{
    public string Code { get; } = code;
    public string Reason { get; } = reason;
}
