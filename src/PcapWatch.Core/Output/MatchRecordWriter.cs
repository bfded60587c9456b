using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using PcapWatch.Index;
using PcapWatch.Packets;

namespace PcapWatch.Output;

/// <summary>
/// Writes one output record (packet columns + watched-computer columns) as JSON with a reused
/// <see cref="Utf8JsonWriter"/> and buffer. A missing field is JSON null. Values are copied from the packet's bytes;
/// escaped strings are unescaped and bytes that are not UTF-8 are replaced (U+FFFD) so the output is always valid JSON.
/// </summary>
public sealed class MatchRecordWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;

    public MatchRecordWriter() => _writer = new Utf8JsonWriter(_buffer, WriterOptions);

    /// <summary>Formats the record; the span is valid until the next call.</summary>
    public ReadOnlySpan<byte> Write(ReadOnlySpan<byte> record, in PacketFields fields, MacAddress mac, in OwnerView owner,
        string? direction = null, string? attributedBy = null, bool contested = false, PacketName name = default)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        for (int i = 0; i < PacketFields.Count; i++)
        {
            WriteField(OutputColumns.PacketColumnsJson[i], record, fields[(PacketField)i]);
        }
        // The owner's columns are UTF-8 from the index; the writer escapes them as it copies.
        _writer.WriteString(OutputColumns.EmpIdJson, owner.EmpId);
        WriteOptional(OutputColumns.EmpNameJson, owner.EmpName, owner.HasEmpName);
        WriteOptional(OutputColumns.EmpKeyJson, owner.EmpKey, owner.HasEmpKey);
        Span<byte> macText = stackalloc byte[MacAddress.TextLength];
        mac.Format(macText);
        _writer.WriteString(OutputColumns.MacAddrJson, macText);
        if (direction is not null) _writer.WriteString(OutputColumns.DirectionJson, direction);
        if (attributedBy is not null) _writer.WriteString(OutputColumns.AttributedByJson, attributedBy);
        // Said on every record attributed by IP, so a reader can tell "not contested" from "not known".
        if (attributedBy == Join.AttributedBy.Ip) _writer.WriteBoolean(OutputColumns.AttributionContestedJson, contested);
        if (name.Source != NameSource.Off)
        {
            WriteOptionalText(OutputColumns.NameJson, name.Name);
            WriteOptionalText(OutputColumns.NameSourceJson, name.SourceText);
        }
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenSpan;
    }

    private void WriteOptional(JsonEncodedText name, ReadOnlySpan<byte> value, bool present)
    {
        if (present) _writer.WriteString(name, value);
        else _writer.WriteNull(name);
    }

    private void WriteOptionalText(JsonEncodedText name, string? value)
    {
        if (value is null) _writer.WriteNull(name);
        else _writer.WriteString(name, value);
    }

    private void WriteField(JsonEncodedText name, ReadOnlySpan<byte> record, FieldSlice slice)
    {
        var raw = slice.Of(record);
        switch (slice.Kind)
        {
            case FieldSliceKind.Missing:
                _writer.WriteNull(name);
                return;
            case FieldSliceKind.String or FieldSliceKind.Literal when Utf8.IsValid(raw):
                _writer.WriteString(name, raw);
                return;
            case FieldSliceKind.EscapedString:
                _writer.WriteString(name, Unescape(record, slice));
                return;
            default:
                // Not UTF-8 (tshark copies raw bytes from some dissectors): keep what can be read.
                _writer.WriteString(name, Encoding.UTF8.GetString(raw));
                return;
        }
    }

    /// <summary>A field's value as text, by the same rules as the JSON output (null when missing).</summary>
    internal static string? Text(ReadOnlySpan<byte> record, FieldSlice slice) => slice.Kind switch
    {
        FieldSliceKind.Missing => null,
        FieldSliceKind.EscapedString => Unescape(record, slice),
        _ => Encoding.UTF8.GetString(slice.Of(record)),
    };

    /// <summary>Rare path: re-reads the escaped string token (quotes included) to get its value.</summary>
    private static string Unescape(ReadOnlySpan<byte> record, FieldSlice slice)
    {
        var token = record.Slice(slice.Start - 1, slice.Length + 2);
        try
        {
            var reader = new Utf8JsonReader(token);
            reader.Read();
            return reader.GetString() ?? string.Empty;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Encoding.UTF8.GetString(record.Slice(slice.Start, slice.Length));
        }
    }
}
