using System.Globalization;

namespace PcapWatch.Flows;

/// <summary>How flow records spell their values: TCP flags as tshark names them, capture times in ISO-8601.</summary>
public static class FlowText
{
    // tshark's order (low bit first) and names; bit 8 is AE (Accurate ECN), formerly NS.
    internal static readonly string[] FlagNames = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];

    /// <summary>The flags set, as tshark's Info column lists them: <c>FIN, SYN, PSH, ACK</c>; empty for none.</summary>
    public static string TcpFlags(ushort flags)
    {
        if (flags == 0) return "";
        var names = new List<string>(FlagNames.Length);
        for (int bit = 0; bit < FlagNames.Length; bit++) if ((flags & (1 << bit)) != 0) names.Add(FlagNames[bit]);
        return string.Join(", ", names);
    }

    /// <summary>A capture time in microseconds as ISO-8601 UTC (<c>2026-12-07T10:00:00.123456Z</c>); clamped to the
    /// calendar's range, as a record may say any time.</summary>
    public static string Time(long unixUs)
    {
        long ticks = Math.Clamp(unixUs, DateTime.UnixEpoch.Ticks / -TimeSpan.TicksPerMicrosecond,
            (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond) * TimeSpan.TicksPerMicrosecond;
        return new DateTime(DateTime.UnixEpoch.Ticks + ticks, DateTimeKind.Utc)
            .ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Seconds between two capture times, to the microsecond.</summary>
    public static decimal DurationSeconds(long firstUs, long lastUs) => (lastUs - firstUs) / 1_000_000m;
}
