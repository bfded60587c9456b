using System.Text.Json;

namespace PcapWatch.Tools;

/// <summary>Reading a column of an output or index row (tools only: not the packet path).</summary>
internal static class JsonColumns
{
    /// <summary>
    /// The column as text (a string's value, any other value as its JSON text); null when the column is absent or JSON
    /// null, or when the row is not an object at all (records on a topic are not always what they should be).
    /// </summary>
    public static string? Text(JsonElement row, string column) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(column, out var v)
            && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? v.ToString()
            : null;
}
