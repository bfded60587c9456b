using System.Text.Json;
using PcapWatch.Output;

namespace PcapWatch.Tools;

/// <summary>The columns of one output row that the read side uses (who, the dashboard), read once per record.</summary>
public sealed record MatchRecord(string? EmpId, string? EmpName, string? EmpKey, string? Mac, string? FrameTime, string? Protocols,
    string? EthSrc, string? EthDst, string? IpSrc, string? IpDst, long FrameLen, string? Direction, string? AttributedBy = null,
    string? Name = null, string? NameSource = null)
{
    /// <summary>
    /// The row's columns; null when the value is not a JSON object (records on a topic are not always rows).
    /// </summary>
    public static MatchRecord? TryParse(ReadOnlySpan<byte> value)
    {
        try
        {
            var reader = new Utf8JsonReader(value);
            using var doc = JsonDocument.ParseValue(ref reader);
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) return null;
            return new MatchRecord(
                JsonColumns.Text(r, OutputColumns.EmpId), JsonColumns.Text(r, OutputColumns.EmpName), JsonColumns.Text(r, OutputColumns.EmpKey),
                JsonColumns.Text(r, OutputColumns.MacAddr), JsonColumns.Text(r, OutputColumns.FrameTime),
                JsonColumns.Text(r, OutputColumns.FrameProtocols), JsonColumns.Text(r, OutputColumns.EthSrc),
                JsonColumns.Text(r, OutputColumns.EthDst), JsonColumns.Text(r, OutputColumns.IpSrc), JsonColumns.Text(r, OutputColumns.IpDst),
                long.TryParse(JsonColumns.Text(r, OutputColumns.FrameLen), out long n) && n > 0 ? n : 0,
                JsonColumns.Text(r, OutputColumns.Direction), JsonColumns.Text(r, OutputColumns.AttributedBy),
                JsonColumns.Text(r, OutputColumns.Name), JsonColumns.Text(r, OutputColumns.NameSource));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The watched computer's own IP: the source unless it received the packet (DIRECTION "in").</summary>
    public string? WatchedIp => Direction == "in" ? IpDst : IpSrc;
}
