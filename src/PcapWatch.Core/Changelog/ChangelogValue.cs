using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Changelog;

/// <summary>
/// The changelog's value for a watched MAC, the recipe's COMP_WATCH row: EMP_ID, EMP_NAME, EMP_KEY, MACADDR
/// (canonical), COMP_ID. Written from an owner object (a change as it happens) or from the index's own record
/// (comparing a whole index with the topic, without a string per field); both give the same bytes.
/// </summary>
internal sealed class ChangelogValue
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer;

    public ChangelogValue() => _writer = new Utf8JsonWriter(_buffer, WriterOptions);

    /// <summary>The value for <paramref name="owner"/>, as a new array.</summary>
    public static byte[] Encode(WatchedComputer owner)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("EMP_ID"u8, owner.EmpId);
            writer.WriteString("EMP_NAME"u8, owner.EmpName);
            writer.WriteString("EMP_KEY"u8, owner.EmpKey);
            writer.WriteString("MACADDR"u8, owner.MacText);
            writer.WriteString("COMP_ID"u8, owner.CompId);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The value for <paramref name="mac"/>'s owner as the index holds it, in this writer's buffer: valid
    /// until the next call.</summary>
    public ReadOnlySpan<byte> Write(MacAddress mac, OwnerView owner)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset();
        _writer.WriteStartObject();
        _writer.WriteString("EMP_ID"u8, owner.EmpId);
        WriteNullable("EMP_NAME"u8, owner.EmpName, owner.HasEmpName);
        WriteNullable("EMP_KEY"u8, owner.EmpKey, owner.HasEmpKey);
        Span<byte> macText = stackalloc byte[MacAddress.TextLength];
        mac.Format(macText);
        _writer.WriteString("MACADDR"u8, macText);
        WriteNullable("COMP_ID"u8, owner.CompId, owner.HasCompId);
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenSpan;
    }

    private void WriteNullable(ReadOnlySpan<byte> name, ReadOnlySpan<byte> utf8, bool present)
    {
        if (present) _writer.WriteString(name, utf8);
        else _writer.WriteNull(name);
    }
}
