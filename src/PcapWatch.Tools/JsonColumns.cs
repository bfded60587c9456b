using System.Text.Json;

namespace PcapWatch.Tools;

/// <summary>Reading a column of an output or index row (tools only: not the packet path).</summary>
internal static class JsonColumns
{
    /// <summary>The column as text; null when absent or JSON null.</summary>
    public static string? Text(JsonElement row, string column) =>
        row.TryGetProperty(column, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? v.ToString() : null;
}
