namespace PcapWatch.Packets;

/// <summary>How a field's bytes sit in the record.</summary>
public enum FieldSliceKind : byte
{
    /// <summary>The packet does not have the field (or it is JSON null): written as null.</summary>
    Missing,
    /// <summary>A JSON string without escapes: the bytes are the value.</summary>
    String,
    /// <summary>A JSON string with escapes: the bytes are the raw escaped text, unescaped when written.</summary>
    EscapedString,
    /// <summary>A number or boolean token (tshark -T ek): the bytes are its JSON text.</summary>
    Literal,
}
