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

    /// <summary>
    /// The row's <c>valid_from</c> as the message wrote it (null: none, or a delete); only attribution at capture time
    /// reads it.
    /// </summary>
    public string? ValidFrom { get; internal set; }

    /// <summary>A row already in its stored form (<see cref="RowCodec"/>), copied in.</summary>
    internal void SetEncoded(ReadOnlySpan<byte> rowKey, ReadOnlySpan<byte> row) => row.CopyTo(Start(rowKey, row.Length));

    internal void SetDelete(ReadOnlySpan<byte> rowKey)
    {
        Start(rowKey, 0);
        IsDelete = true;
    }

    internal void Set(ReadOnlySpan<byte> rowKey, Utf8Column a, Utf8Column b, Utf8Column c)
    {
        var row = Start(rowKey, RowCodec.SizeOf(a) + RowCodec.SizeOf(b) + RowCodec.SizeOf(c));
        int at = RowCodec.Write(row, a);
        at += RowCodec.Write(row[at..], b);
        RowCodec.Write(row[at..], c);
    }

    internal void Set(ReadOnlySpan<byte> rowKey, Utf8Column a, Utf8Column b, Utf8Column c, Utf8Column d)
    {
        var row = Start(rowKey, RowCodec.SizeOf(a) + RowCodec.SizeOf(b) + RowCodec.SizeOf(c) + RowCodec.SizeOf(d));
        int at = RowCodec.Write(row, a);
        at += RowCodec.Write(row[at..], b);
        at += RowCodec.Write(row[at..], c);
        RowCodec.Write(row[at..], d);
    }

    /// <summary>
    /// Copies the row key in and returns the room for a row of <paramref name="rowLength"/> bytes after it.
    /// </summary>
    private Span<byte> Start(ReadOnlySpan<byte> rowKey, int rowLength)
    {
        if (_buffer.Length < rowKey.Length + rowLength) _buffer = new byte[Math.Max(rowKey.Length + rowLength, _buffer.Length * 2)];
        rowKey.CopyTo(_buffer);
        _keyLength = rowKey.Length;
        _rowLength = rowLength;
        IsDelete = false;
        ValidFrom = null;
        return _buffer.AsSpan(_keyLength, rowLength);
    }
}
