namespace PcapWatch.Packets;

/// <summary>Where one field's value lies inside the record's bytes. No copy is made while scanning.</summary>
public readonly record struct FieldSlice(int Start, int Length, FieldSliceKind Kind)
{
    public bool IsPresent => Kind != FieldSliceKind.Missing;

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> record) => Kind == FieldSliceKind.Missing ? default : record.Slice(Start, Length);
}
