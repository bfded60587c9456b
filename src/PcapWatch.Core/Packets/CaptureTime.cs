using System.Buffers.Text;

namespace PcapWatch.Packets;

/// <summary>
/// Reads tshark's <c>frame.time_epoch</c> (<c>1796090654.760617461</c>) as Unix milliseconds, without a string.
/// </summary>
public static class CaptureTime
{
    public static bool TryParseEpochMs(ReadOnlySpan<byte> text, out long ms) => TryParseEpoch(text, 3, out ms);

    /// <summary>The same as Unix microseconds (flows order and time packets finer than a millisecond).</summary>
    public static bool TryParseEpochUs(ReadOnlySpan<byte> text, out long us) => TryParseEpoch(text, 6, out us);

    /// <summary>Seconds and the first <paramref name="digits"/> digits of the fraction, as one integer.</summary>
    private static bool TryParseEpoch(ReadOnlySpan<byte> text, int digits, out long value)
    {
        value = 0;
        if (text.IsEmpty) return false;
        long scale = digits == 3 ? 1_000 : 1_000_000;
        int dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        if (!Utf8Parser.TryParse(whole, out long seconds, out int used) || used != whole.Length || seconds < 0
            || seconds > long.MaxValue / scale - 1)
        {
            return false;
        }
        long fraction = 0;
        if (dot >= 0)
        {
            var rest = text[(dot + 1)..];
            if (rest.IsEmpty || rest.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0) return false;
            for (int i = 0; i < digits; i++) fraction = fraction * 10 + (i < rest.Length ? rest[i] - '0' : 0);
        }
        value = seconds * scale + fraction;
        return true;
    }
}
