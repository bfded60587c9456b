using System.Buffers.Text;

namespace PcapWatch.Packets;

/// <summary>
/// Reads tshark's <c>frame.time_epoch</c> (<c>1796090654.760617461</c>) as Unix milliseconds, without a string.
/// </summary>
public static class CaptureTime
{
    public static bool TryParseEpochMs(ReadOnlySpan<byte> text, out long ms)
    {
        ms = 0;
        if (text.IsEmpty) return false;
        int dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        if (!Utf8Parser.TryParse(whole, out long seconds, out int used) || used != whole.Length || seconds < 0
            || seconds > long.MaxValue / 1000 - 1)
        {
            return false;
        }
        long millis = 0;
        if (dot >= 0)
        {
            var fraction = text[(dot + 1)..];
            if (fraction.IsEmpty || fraction.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0) return false;
            for (int i = 0; i < 3; i++) millis = millis * 10 + (i < fraction.Length ? fraction[i] - '0' : 0);
        }
        ms = seconds * 1000 + millis;
        return true;
    }

    /// <summary>The same as Unix microseconds (flows order and time packets finer than a millisecond).</summary>
    public static bool TryParseEpochUs(ReadOnlySpan<byte> text, out long us)
    {
        us = 0;
        if (text.IsEmpty) return false;
        int dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        if (!Utf8Parser.TryParse(whole, out long seconds, out int used) || used != whole.Length || seconds < 0
            || seconds > long.MaxValue / 1_000_000 - 1)
        {
            return false;
        }
        long micros = 0;
        if (dot >= 0)
        {
            var fraction = text[(dot + 1)..];
            if (fraction.IsEmpty || fraction.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0) return false;
            for (int i = 0; i < 6; i++) micros = micros * 10 + (i < fraction.Length ? fraction[i] - '0' : 0);
        }
        us = seconds * 1_000_000 + micros;
        return true;
    }
}
