using System.Text.Json;
using Confluent.Kafka;

namespace PcapWatch.Tools;

/// <summary>
/// <c>report --by name</c>: per watched employee and name visited (P_NAME, with <c>--names</c>), the first and last
/// match, packets and bytes, over tumbling windows of the matches' timestamps — ntopng's "sites visited". A match
/// without a name is counted in <see cref="Unnamed"/>, not in a row.
/// </summary>
public sealed class SiteReport(TimeSpan window)
{
    private readonly TumblingWindows _windows = new(window);
    private readonly Dictionary<(long Start, string EmpId, string Name), Cell> _cells = new();

    private sealed record Cell(string? EmpName, long FirstMs, long LastMs, long Packets, long Bytes);

    /// <summary>Records that were not output rows (no C_EMP_ID), skipped.</summary>
    public long Skipped { get; private set; }

    /// <summary>Matches that carry no name (names off when they were made, or none known for the packet).</summary>
    public long Unnamed { get; private set; }

    /// <summary>Records that could not be read at all, skipped.</summary>
    public UnreadableRecords Unreadable { get; } = new();

    public void Read(ConsumeResult<byte[]?, byte[]?> record, MatchValueDecoder decoder) => Unreadable.Guard(record, () =>
    {
        if (decoder.ToJson(record.Message.Value, record.Topic) is { } value) Add(record.Message.Timestamp.UnixTimestampMs, value);
    });

    /// <summary>Adds one output record at its timestamp.</summary>
    public void Add(long timestampMs, ReadOnlySpan<byte> record)
    {
        if (MatchRecord.TryParse(record) is not { EmpId: { } empId } match)
        {
            Skipped++;
            return;
        }
        if (match.Name is not { } name)
        {
            Unnamed++;
            return;
        }
        var key = (_windows.StartOf(timestampMs), empId, name);
        _cells[key] = _cells.TryGetValue(key, out var c)
            ? new Cell(match.EmpName ?? c.EmpName, Math.Min(c.FirstMs, timestampMs), Math.Max(c.LastMs, timestampMs), c.Packets + 1,
                c.Bytes + match.FrameLen)
            : new Cell(match.EmpName, timestampMs, timestampMs, 1, match.FrameLen);
    }

    /// <summary>The rows, by window, then employee, then name.</summary>
    public IReadOnlyList<SiteWindow> Windows() => _cells
        .Select(c => new SiteWindow(_windows.Start(c.Key.Start), _windows.End(c.Key.Start),
            c.Key.EmpId, c.Value.EmpName, c.Key.Name, UnixTime.ToDateTimeOffset(c.Value.FirstMs), UnixTime.ToDateTimeOffset(c.Value.LastMs),
            c.Value.Packets, c.Value.Bytes))
        .OrderBy(w => w.Start).ThenBy(w => w.EmpName ?? w.EmpId, StringComparer.Ordinal).ThenBy(w => w.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>A row as the JSON value written by <c>report --by name --to-topic</c>.</summary>
    public static byte[] Encode(SiteWindow w) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
    {
        ["WINDOW_START"] = w.Start.UtcDateTime.ToString("O"),
        ["WINDOW_END"] = w.End.UtcDateTime.ToString("O"),
        ["EMP_ID"] = w.EmpId,
        ["EMP_NAME"] = w.EmpName,
        ["NAME"] = w.Name,
        ["FIRST_SEEN"] = w.FirstSeen.UtcDateTime.ToString("O"),
        ["LAST_SEEN"] = w.LastSeen.UtcDateTime.ToString("O"),
        ["PACKETS"] = w.Packets,
        ["BYTES"] = w.Bytes,
    });

    /// <summary>One record per employee, name and window: a re-run updates, not adds.</summary>
    public static string Key(SiteWindow w) => $"{w.EmpId}|{w.Name}|{w.Start.UtcDateTime:O}";
}
