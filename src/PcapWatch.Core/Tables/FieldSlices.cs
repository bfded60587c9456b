using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace PcapWatch.Tables;

/// <summary>
/// The named fields of one table message as the parser found them: each one's UTF-8 (unescaped), copied into a pooled
/// scratch buffer, or null. A value's fields never need more room than the value itself (each copy is at most its
/// token's length, and tokens do not overlap), so the buffer is sized once. Dispose returns it.
/// </summary>
internal struct FieldSlices : IDisposable
{
    public const int MaxFields = 4;

    private byte[] _scratch;
    private int _used;
    private Slots _slots;

    [InlineArray(MaxFields)]
    private struct Slots
    {
        private (int Start, int Length) _first;
    }

    public FieldSlices(int valueLength)
    {
        _scratch = ArrayPool<byte>.Shared.Rent(valueLength);
        for (int i = 0; i < MaxFields; i++) _slots[i] = (0, -1);
    }

    public readonly bool Has(int field) => _slots[field].Length >= 0;

    public readonly Utf8Column Utf8(int field) =>
        Has(field) ? Utf8Column.Of(_scratch.AsSpan(_slots[field].Start, _slots[field].Length)) : Utf8Column.Null;

    public readonly string? Text(int field) =>
        Has(field) ? Encoding.UTF8.GetString(_scratch, _slots[field].Start, _slots[field].Length) : null;

    /// <summary>A string token's text (its escapes resolved; the caller has checked they form UTF-16).</summary>
    public void SetString(int field, ref Utf8JsonReader reader)
    {
        int length = reader.ValueIsEscaped ? reader.CopyString(_scratch.AsSpan(_used)) : Copy(reader.ValueSpan);
        _slots[field] = (_used, length);
        _used += length;
    }

    /// <summary>A number's or boolean's JSON text.</summary>
    public void SetRaw(int field, ReadOnlySpan<byte> text)
    {
        _slots[field] = (_used, Copy(text));
        _used += text.Length;
    }

    public void SetNull(int field) => _slots[field] = (0, -1);

    private readonly int Copy(ReadOnlySpan<byte> text)
    {
        text.CopyTo(_scratch.AsSpan(_used));
        return text.Length;
    }

    public void Dispose()
    {
        if (_scratch.Length > 0) ArrayPool<byte>.Shared.Return(_scratch);
        _scratch = [];
    }
}
