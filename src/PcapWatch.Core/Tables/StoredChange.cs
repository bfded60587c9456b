namespace PcapWatch.Tables;

/// <summary>
/// A table message in the form a store keeps it: the row key's UTF-8 and the row as <see cref="RowCodec"/> encodes
/// it, or a delete. Filled by <see cref="TableRecordParser"/> and reused from message to message (valid until the next
/// parse), so loading a table makes no string and no array per row.
/// </summary>
public sealed class StoredChange
{
    private byte[] _buffer = new byte[256];
    private int _keyLength;
    private int _rowLength;

    public ReadOnlySpan<byte> RowKey => _buffer.AsSpan(0, _keyLength);

    /// <summary>The encoded row (empty for a delete).</summary>
    public ReadOnlySpan<byte> Row => _buffer.AsSpan(_keyLength, _rowLength);

    public bool IsDelete { get; private set; }

    internal void SetDelete(ReadOnlySpan<byte> rowKey)
    {
        Reserve(rowKey.Length);
        rowKey.CopyTo(_buffer);
        _keyLength = rowKey.Length;
        _rowLength = 0;
        IsDelete = true;
    }

    internal void Set(ReadOnlySpan<byte> rowKey, Utf8Column a, Utf8Column b, Utf8Column c) =>
        Set(rowKey, 3, a, b, c, Utf8Column.Null);

    internal void Set(ReadOnlySpan<byte> rowKey, Utf8Column a, Utf8Column b, Utf8Column c, Utf8Column d) =>
        Set(rowKey, 4, a, b, c, d);

    private void Set(ReadOnlySpan<byte> rowKey, int columns, Utf8Column a, Utf8Column b, Utf8Column c, Utf8Column d)
    {
        int rowLength = RowCodec.SizeOf(a) + RowCodec.SizeOf(b) + RowCodec.SizeOf(c) + (columns == 4 ? RowCodec.SizeOf(d) : 0);
        Reserve(rowKey.Length + rowLength);
        rowKey.CopyTo(_buffer);
        var row = _buffer.AsSpan(rowKey.Length, rowLength);
        int at = RowCodec.Write(row, a);
        at += RowCodec.Write(row[at..], b);
        at += RowCodec.Write(row[at..], c);
        if (columns == 4) RowCodec.Write(row[at..], d);
        _keyLength = rowKey.Length;
        _rowLength = rowLength;
        IsDelete = false;
    }

    private void Reserve(int length)
    {
        if (_buffer.Length < length) _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
    }
}
