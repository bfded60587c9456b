using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using PcapWatch.Packets;

namespace PcapWatch.Tables;

/// <summary>
/// Turns <c>employees</c> and <c>computers</c> messages into table changes. A row is identified by the message key,
/// falling back to <c>key</c> / <c>comp_id</c> from the value when the message has none; a null value is a delete.
/// Field values may be JSON strings or numbers (<c>"comp_id":1</c>); when a field appears twice the last one counts.
/// Whatever a message holds, the answer is a change or a <see cref="Rejection"/>, never an exception: a row that
/// cannot be used is dead-lettered and the rest of the table loads.
/// </summary>
public static class TableRecordParser
{
    private const int MaxDepth = 64;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    // The fields each table reads, in the order of the values array.
    private static readonly byte[][] EmployeeFields = ["key"u8.ToArray(), "name"u8.ToArray(), "watch_flag"u8.ToArray(), "valid_from"u8.ToArray()];
    private static readonly byte[][] ComputerFields =
        ["comp_id"u8.ToArray(), "empkey"u8.ToArray(), "macaddr"u8.ToArray(), "valid_from"u8.ToArray()];

    public static bool TryParseEmployee(ReadOnlySpan<byte> key, bool hasKey, ReadOnlySpan<byte> value, bool isTombstone,
        out TableChange<EmployeeRow> change, out Rejection rejection)
    {
        change = default;
        var fields = new FieldSlices(value.Length);
        try
        {
            if (!TryRead(key, hasKey, value, isTombstone, EmployeeFields, EmployeeWithoutKey, ref fields, out rejection)) return false;
            var rowKey = RowKeyText(key, hasKey, fields);
            change = new TableChange<EmployeeRow>(rowKey,
                isTombstone ? null : new EmployeeRow(rowKey, fields.Text(1), fields.Text(2), fields.Text(3)));
            return true;
        }
        finally
        {
            fields.Dispose();
        }
    }

    public static bool TryParseComputer(ReadOnlySpan<byte> key, bool hasKey, ReadOnlySpan<byte> value, bool isTombstone,
        out TableChange<ComputerRow> change, out Rejection rejection)
    {
        change = default;
        var fields = new FieldSlices(value.Length);
        try
        {
            if (!TryRead(key, hasKey, value, isTombstone, ComputerFields, ComputerWithoutKey, ref fields, out rejection)) return false;
            var rowKey = RowKeyText(key, hasKey, fields);
            change = new TableChange<ComputerRow>(rowKey,
                isTombstone ? null : new ComputerRow(rowKey, fields.Text(0), fields.Text(1), fields.Text(2), fields.Text(3)));
            return true;
        }
        finally
        {
            fields.Dispose();
        }
    }

    /// <summary>
    /// The same message as <see cref="TryParseEmployee"/> would read it, straight into its stored form
    /// (<paramref name="into"/>: the row key's UTF-8 and <see cref="RowCodec"/>'s encoding of the row), no string made:
    /// the same rejections, and the bytes the string path would store. <c>valid_from</c>, when the message has one, is
    /// kept beside the row as text (only attribution at capture time reads it).
    /// </summary>
    public static bool TryParseEmployee(ReadOnlySpan<byte> key, bool hasKey, ReadOnlySpan<byte> value, bool isTombstone,
        StoredChange into, out Rejection rejection)
    {
        var fields = new FieldSlices(value.Length);
        try
        {
            if (!TryRead(key, hasKey, value, isTombstone, EmployeeFields, EmployeeWithoutKey, ref fields, out rejection)) return false;
            var rowKey = RowKeyBytes(key, hasKey, fields);
            if (isTombstone) into.SetDelete(rowKey);
            else into.Set(rowKey, Utf8Column.Of(rowKey), fields.Utf8(1), fields.Utf8(2));
            if (!isTombstone) into.ValidFrom = fields.Text(3);
            return true;
        }
        finally
        {
            fields.Dispose();
        }
    }

    /// <summary>The stored form of what <see cref="TryParseComputer(ReadOnlySpan{byte}, bool, ReadOnlySpan{byte}, bool,
    /// out TableChange{ComputerRow}, out Rejection)"/> reads (see <see cref="TryParseEmployee(ReadOnlySpan{byte}, bool,
    /// ReadOnlySpan{byte}, bool, StoredChange, out Rejection)"/>).</summary>
    public static bool TryParseComputer(ReadOnlySpan<byte> key, bool hasKey, ReadOnlySpan<byte> value, bool isTombstone,
        StoredChange into, out Rejection rejection)
    {
        var fields = new FieldSlices(value.Length);
        try
        {
            if (!TryRead(key, hasKey, value, isTombstone, ComputerFields, ComputerWithoutKey, ref fields, out rejection)) return false;
            var rowKey = RowKeyBytes(key, hasKey, fields);
            if (isTombstone) into.SetDelete(rowKey);
            else into.Set(rowKey, Utf8Column.Of(rowKey), fields.Utf8(0), fields.Utf8(1), fields.Utf8(2));
            if (!isTombstone) into.ValidFrom = fields.Text(3);
            return true;
        }
        finally
        {
            fields.Dispose();
        }
    }

    private const string EmployeeWithoutKey = "employee has neither a message key nor a \"key\" field";
    private const string ComputerWithoutKey = "computer has neither a message key nor a \"comp_id\" field";

    /// <summary>
    /// What every table message must pass: a key that is UTF-8, a value that is a JSON object whose fields are text
    /// (a delete has none), and a row key from the message or, failing that, from the value's first named field.
    /// </summary>
    private static bool TryRead(ReadOnlySpan<byte> key, bool hasKey, ReadOnlySpan<byte> value, bool isTombstone, byte[][] names,
        string withoutKey, ref FieldSlices fields, out Rejection rejection)
    {
        bool hasMessageKey = hasKey && !key.IsEmpty;
        if (hasMessageKey && !Utf8.IsValid(key)) return Fail(RejectionCodes.BadKey, "message key is not valid UTF-8", out rejection);
        if (isTombstone)
        {
            return hasMessageKey ? Ok(out rejection) : Fail(RejectionCodes.NoKey, "tombstone without a key", out rejection);
        }
        if (!TryReadFields(value, names, ref fields, out rejection)) return false;
        return hasMessageKey || fields.Has(0) ? Ok(out rejection) : Fail(RejectionCodes.NoKey, withoutKey, out rejection);
    }

    private static string RowKeyText(ReadOnlySpan<byte> key, bool hasKey, in FieldSlices fields) =>
        hasKey && !key.IsEmpty ? Encoding.UTF8.GetString(key) : fields.Text(0)!;

    private static ReadOnlySpan<byte> RowKeyBytes(ReadOnlySpan<byte> key, bool hasKey, in FieldSlices fields) =>
        hasKey && !key.IsEmpty ? key : fields.Utf8(0).Bytes;

    private static bool Ok(out Rejection rejection)
    {
        rejection = default;
        return true;
    }

    /// <summary>
    /// Reads one JSON object and the text of the named top-level fields into <paramref name="fields"/> (null when
    /// missing or JSON null; when a field appears twice, the last). Validates the whole value as JSON, trailing bytes
    /// included.
    /// </summary>
    private static bool TryReadFields(ReadOnlySpan<byte> value, byte[][] names, ref FieldSlices fields, out Rejection rejection)
    {
        rejection = default;
        var reader = new Utf8JsonReader(value, ReaderOptions);
        try
        {
            // Read throws on empty input and on bytes after the value: both are invalid JSON.
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                var kind = reader.TokenType;
                reader.Skip();
                reader.Read();
                return Fail(RejectionCodes.NotAnObject, $"value is a JSON {Describe(kind)}, not an object", out rejection);
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped && !IsReadableText(reader.ValueSpan, out var nameProblem))
                {
                    return Fail(nameProblem.Code, "a field name " + nameProblem.Detail, out rejection);
                }
                int field = IndexOf(ref reader, names);
                reader.Read();
                if (field < 0)
                {
                    reader.Skip();
                    continue;
                }
                if (!TryText(ref reader, names[field], field, ref fields, out rejection)) return false;
            }
            reader.Read();
            return true;
        }
        catch (JsonException ex)
        {
            // The reader's only way to say "not JSON"; too deep is told by where it stopped, not by the message.
            return reader.CurrentDepth >= MaxDepth - 1
                ? Fail(RejectionCodes.TooDeep, $"value is nested deeper than {MaxDepth} levels", out rejection)
                : Fail(RejectionCodes.InvalidJson, $"value is not valid JSON: {ex.Message}", out rejection);
        }
    }

    private static int IndexOf(ref Utf8JsonReader reader, byte[][] names)
    {
        for (int i = 0; i < names.Length; i++)
        {
            if (reader.ValueTextEquals(names[i])) return i;
        }
        return -1;
    }

    /// <summary>
    /// A field as text: strings as they are (unescaped), numbers and booleans by their JSON text, null as null.
    /// </summary>
    private static bool TryText(ref Utf8JsonReader reader, byte[] name, int field, ref FieldSlices fields, out Rejection rejection)
    {
        rejection = default;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (!IsReadableText(reader.ValueSpan, out var problem))
                {
                    return Fail(problem.Code, $"field \"{Encoding.UTF8.GetString(name)}\" {problem.Detail}", out rejection);
                }
                fields.SetString(field, ref reader);
                return true;
            case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                fields.SetRaw(field, reader.ValueSpan);
                return true;
            case JsonTokenType.Null:
                fields.SetNull(field);
                return true;
            default:
                var kind = reader.TokenType;
                reader.Skip();
                return Fail(RejectionCodes.BadField,
                    $"field \"{Encoding.UTF8.GetString(name)}\" is a JSON {Describe(kind)}, expected a string", out rejection);
        }
    }

    /// <summary>Whether a raw string token can become text: UTF-8, and escapes that form UTF-16.</summary>
    private static bool IsReadableText(ReadOnlySpan<byte> raw, out Rejection problem)
    {
        problem = default;
        if (!Utf8.IsValid(raw)) return Fail(RejectionCodes.InvalidUtf8, "is not valid UTF-8", out problem);
        if (!JsonEscapes.AreValidUtf16(raw)) return Fail(RejectionCodes.InvalidEscape, "holds a \\u escape that is not "
            + "UTF-16 (a lone surrogate)", out problem);
        return true;
    }

    private static string Describe(JsonTokenType kind) => kind switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => kind.ToString(),
    };

    private static bool Fail(string code, string detail, out Rejection rejection)
    {
        rejection = new Rejection(code, detail);
        return false;
    }
}
