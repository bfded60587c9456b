using System.Text.Json;
using Confluent.Kafka;
using PcapWatch.Output;

namespace PcapWatch.Tools;

/// <summary>
/// The "aggregated reports" the recipe promises: per watched employee, packets and bytes per protocol over tumbling
/// windows of the matches' timestamps (each match keeps its packet's Kafka timestamp, as ksqlDB's ROWTIME does). The
/// protocol is the top of P_FRAME_PROTOCOLS (<c>eth:ethertype:ip:tcp:http</c> → <c>http</c>); bytes are P_FRAME_LEN.
/// </summary>
public sealed class TrafficReport(TimeSpan window)
{
    private readonly TumblingWindows _windows = new(window);
    private readonly Dictionary<(long Start, string EmpId, string Protocol), (string? Name, long Packets, long Bytes)> _cells = new();

    /// <summary>Records that were not output rows (no C_EMP_ID), skipped.</summary>
    public long Skipped { get; private set; }

    /// <summary>
    /// Records that could not be read at all (undecodable Avro, a string no .NET string can carry), skipped.
    /// </summary>
    public UnreadableRecords Unreadable { get; } = new();

    /// <summary>
    /// One record of the output topic, at its timestamp (any value at all): added, skipped, or counted unreadable.
    /// </summary>
    public void Read(ConsumeResult<byte[]?, byte[]?> record, MatchValueDecoder decoder) => Unreadable.Guard(record, () =>
    {
        if (decoder.ToJson(record.Message.Value, record.Topic) is { } value) Add(record.Message.Timestamp.UnixTimestampMs, value);
    });

    /// <summary>
    /// Adds one output record; false (and counted in <see cref="Skipped"/>) when it is not an output row.
    /// </summary>
    public bool Add(long timestampMs, ReadOnlySpan<byte> record)
    {
        string? empId, name, protocols, length;
        try
        {
            using var doc = JsonDocument.Parse(record.ToArray());
            var root = doc.RootElement;
            empId = JsonColumns.Text(root, OutputColumns.EmpId);
            name = JsonColumns.Text(root, OutputColumns.EmpName);
            protocols = JsonColumns.Text(root, OutputColumns.FrameProtocols);
            length = JsonColumns.Text(root, OutputColumns.FrameLen);
        }
        catch (JsonException)
        {
            empId = name = protocols = length = null;
        }
        if (empId is null)
        {
            Skipped++;
            return false;
        }
        var key = (_windows.StartOf(timestampMs), empId, Protocol(protocols));
        var cell = _cells.GetValueOrDefault(key);
        _cells[key] = (name ?? cell.Name, cell.Packets + 1, cell.Bytes + (long.TryParse(length, out long n) ? n : 0));
        return true;
    }

    /// <summary>The cells, by window, then employee, then protocol.</summary>
    public IReadOnlyList<TrafficWindow> Windows() => _cells
        .Select(c => new TrafficWindow(_windows.Start(c.Key.Start), _windows.End(c.Key.Start), c.Key.EmpId, c.Value.Name, c.Key.Protocol,
            c.Value.Packets, c.Value.Bytes))
        .OrderBy(w => w.Start).ThenBy(w => w.EmpName ?? w.EmpId, StringComparer.Ordinal).ThenBy(w => w.Protocol, StringComparer.Ordinal)
        .ToList();

    /// <summary>The highest protocol of a frame.protocols chain; "unknown" when there is none.</summary>
    public static string Protocol(string? frameProtocols)
    {
        if (string.IsNullOrWhiteSpace(frameProtocols)) return "unknown";
        int colon = frameProtocols.LastIndexOf(':');
        return frameProtocols[(colon + 1)..].Trim();
    }

    /// <summary>A window as the JSON value written by <c>report --to-topic</c>.</summary>
    public static byte[] Encode(TrafficWindow w) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
    {
        ["WINDOW_START"] = w.Start.UtcDateTime.ToString("O"),
        ["WINDOW_END"] = w.End.UtcDateTime.ToString("O"),
        ["EMP_ID"] = w.EmpId,
        ["EMP_NAME"] = w.EmpName,
        ["PROTOCOL"] = w.Protocol,
        ["PACKETS"] = w.Packets,
        ["BYTES"] = w.Bytes,
    });

    /// <summary>
    /// The key of a window's record: one per employee, protocol and window, so a re-run updates, not adds.
    /// </summary>
    public static string Key(TrafficWindow w) => $"{w.EmpId}|{w.Protocol}|{w.Start.UtcDateTime:O}";
}
