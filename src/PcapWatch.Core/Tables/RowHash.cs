namespace PcapWatch.Tables;

/// <summary>
/// An order-independent hash of a table's contents: the sum (mod 2^64) of a 64-bit FNV-1a hash per row. It is kept
/// up to date on every upsert and delete, saved with each checkpoint, and recomputed after recovery. A checkpoint whose
/// rows do not hash to what was saved is rejected, not served.
/// </summary>
internal static class RowHash
{
    public static ulong Of(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ulong h = 14695981039346656037UL;
        foreach (var b in key) h = (h ^ b) * 1099511628211UL;
        h = (h ^ 0xff) * 1099511628211UL; // separator: ("ab","c") and ("a","bc") differ
        foreach (var b in value) h = (h ^ b) * 1099511628211UL;
        return h;
    }
}
