using System.Globalization;
using System.Text.Json;
using PcapWatch.Packets;

namespace PcapWatch.Flows;

/// <summary>
/// Reads a <c>WATCHED_EMP_FLOWS</c> value back into a <see cref="FlowRecord"/> (<see cref="FlowRecordJson"/>'s
/// inverse): for <c>tail --flows</c>, <c>report</c>, the page and tests. Anyone may write to the topic: a value that is
/// not such a record, or says an impossible thing (a negative count, an unknown end reason), is refused with null,
/// never an exception.
/// </summary>
public static class FlowRecordReader
{
    public static FlowRecord? TryRead(ReadOnlySpan<byte> value)
    {
        try
        {
            using var document = JsonDocument.Parse(value.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
            return Read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException
            or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    private static FlowRecord? Read(JsonElement r)
    {
        if (r.ValueKind != JsonValueKind.Object) return null;
        if (!MacAddress.TryParse(Text(r, "C_MACADDR"), out var host) || !IpAddressKey.TryParse(Text(r, "LOCAL_IP"), out var local)
            || !IpAddressKey.TryParse(Text(r, "REMOTE_IP"), out var remote) || End(Text(r, "END_REASON")) is not { } end
            || Flags(Text(r, "TCP_FLAGS")) is not { } flags || Time(Text(r, "FIRST_SEEN")) is not { } first
            || Time(Text(r, "LAST_SEEN")) is not { } last)
        {
            return null;
        }
        var record = new FlowRecord(Text(r, "FLOW_ID"), new FlowOwner(Text(r, "C_EMP_ID"), Text(r, "C_EMP_NAME")), host,
            r.GetProperty("PROTO").GetByte(), local, r.GetProperty("LOCAL_PORT").GetUInt16(), remote, r.GetProperty("REMOTE_PORT").GetUInt16(),
            Text(r, "OPENED_BY") == "local", first, last, Count(r, "PACKETS_OUT"), Count(r, "BYTES_OUT"), Count(r, "PACKETS_IN"),
            Count(r, "BYTES_IN"), flags, Text(r, "PROTOCOLS"), r.TryGetProperty("NAME", out var name) ? name.GetString() : null, end,
            r.GetProperty("FINAL").GetBoolean(), r.GetProperty("SEQ").GetInt32());
        return record.Seq < 0 || last < first ? null : record;
    }

    private static string Text(JsonElement r, string name) => r.GetProperty(name).GetString() ?? throw new FormatException(name);

    private static long Count(JsonElement r, string name) =>
        r.GetProperty(name).GetInt64() is var n and >= 0 ? n : throw new FormatException(name);

    private static long? Time(string text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? (time.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond
            : null;

    private static FlowEnd? End(string text)
    {
        foreach (var end in Enum.GetValues<FlowEnd>()) if (end.Text() == text) return end;
        return null;
    }

    private static ushort? Flags(string text)
    {
        if (text.Length == 0) return 0;
        ushort flags = 0;
        foreach (var name in text.Split(", "))
        {
            int bit = Array.IndexOf(FlowText.FlagNames, name);
            if (bit < 0) return null;
            flags |= (ushort)(1 << bit);
        }
        return flags;
    }
}
