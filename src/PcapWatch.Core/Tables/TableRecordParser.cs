using System.Text;
using System.Text.Json;

namespace PcapWatch.Tables;

/// <summary>
/// Turns <c>employees</c> and <c>computers</c> messages into table changes. A row is identified by the message key,
/// falling back to <c>key</c> / <c>comp_id</c> from the value when the message has none; a null value is a delete.
/// Field values may be JSON strings or numbers (<c>"comp_id":1</c>). Tables are small and change rarely, so this
/// path favours clear errors over speed.
/// </summary>
public static class TableRecordParser
{
    public static TableChange<EmployeeRow> ParseEmployee(ReadOnlySpan<byte> key, bool hasKey, ReadOnlySpan<byte> value, bool isTombstone)
    {
        string? messageKey = KeyText(key, hasKey);
        if (isTombstone)
        {
            return new TableChange<EmployeeRow>(messageKey ?? throw new TableRecordException("no_key", "tombstone without a key"), null);
        }
        using var doc = ParseObject(value);
        var root = doc.RootElement;
        string? valueKey = Text(root, "key");
        string rowKey = messageKey ?? valueKey ?? throw new TableRecordException("no_key", "employee has neither a message key nor a \"key\" field");
        return new TableChange<EmployeeRow>(rowKey, new EmployeeRow(rowKey, Text(root, "name"), Text(root, "watch_flag")));
    }

    public static TableChange<ComputerRow> ParseComputer(ReadOnlySpan<byte> key, bool hasKey, ReadOnlySpan<byte> value, bool isTombstone)
    {
        string? messageKey = KeyText(key, hasKey);
        if (isTombstone)
        {
            return new TableChange<ComputerRow>(messageKey ?? throw new TableRecordException("no_key", "tombstone without a key"), null);
        }
        using var doc = ParseObject(value);
        var root = doc.RootElement;
        string? compId = Text(root, "comp_id");
        string rowKey = messageKey ?? compId ?? throw new TableRecordException("no_key", "computer has neither a message key nor a \"comp_id\" field");
        return new TableChange<ComputerRow>(rowKey, new ComputerRow(rowKey, compId, Text(root, "empkey"), Text(root, "macaddr")));
    }

    private static string? KeyText(ReadOnlySpan<byte> key, bool hasKey)
    {
        if (!hasKey || key.IsEmpty) return null;
        try
        {
            return StrictUtf8.GetString(key);
        }
        catch (DecoderFallbackException)
        {
            throw new TableRecordException("bad_key", "message key is not valid UTF-8");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private static JsonDocument ParseObject(ReadOnlySpan<byte> value)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(value, new JsonReaderOptions { MaxDepth = 64 });
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new TableRecordException("invalid_json", $"value is not valid JSON: {ex.Message}");
        }
        var kind = doc.RootElement.ValueKind;
        if (kind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new TableRecordException("not_an_object", $"value is a JSON {kind}, not an object");
        }
        return doc;
    }

    /// <summary>A field as text: strings as they are, numbers and booleans by their JSON text, null/missing as null.</summary>
    private static string? Text(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            JsonValueKind.Null => null,
            _ => throw new TableRecordException("bad_field", $"field \"{name}\" is a JSON {value.ValueKind}, expected a string"),
        };
    }
}
