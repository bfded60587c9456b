namespace PcapWatch.Tables;

/// <summary>A column's UTF-8 bytes, or null (a row's field that is absent).</summary>
internal readonly ref struct Utf8Column
{
    private Utf8Column(ReadOnlySpan<byte> bytes, bool isNull)
    {
        Bytes = bytes;
        IsNull = isNull;
    }

    public ReadOnlySpan<byte> Bytes { get; }
    public bool IsNull { get; }

    public static Utf8Column Null => new(default, true);

    public static Utf8Column Of(ReadOnlySpan<byte> bytes) => new(bytes, false);

    public static Utf8Column Of(byte[]? bytes) => bytes is null ? Null : new(bytes, false);
}
