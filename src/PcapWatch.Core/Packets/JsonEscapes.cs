using System.Text.Json;
namespace PcapWatch.Packets;

/// <summary>
/// Checks the escapes of a raw JSON string token before System.Text.Json is asked to unescape it: the reader accepts
/// any <c>\uXXXX</c> while tokenizing, but throws when a comparison or a copy meets a lone surrogate (a producer that
/// cut an emoji in half writes <c>"\ud83d"</c>). Asking first lets the callers report a status instead.
/// </summary>
public static class JsonEscapes
{
    /// <summary>True when every <c>\u</c> escape in <paramref name="raw"/> (the token's bytes, without quotes) forms
    /// valid UTF-16: high surrogates followed by an escaped low surrogate, no low surrogate alone.</summary>
    public static bool AreValidUtf16(ReadOnlySpan<byte> raw)
    {
        int i = raw.IndexOf((byte)'\\');
        if (i < 0) return true;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\')
            {
                i++;
                continue;
            }
            if (i + 1 >= raw.Length) return false;
            if (raw[i + 1] != (byte)'u')
            {
                i += 2;
                continue;
            }
            if (!TryHex4(raw, i + 2, out int unit)) return false;
            i += 6;
            if (unit is >= 0xDC00 and <= 0xDFFF) return false;
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 1 >= raw.Length || raw[i] != (byte)'\\' || raw[i + 1] != (byte)'u') return false;
                if (!TryHex4(raw, i + 2, out int low) || low is < 0xDC00 or > 0xDFFF) return false;
                i += 6;
            }
        }
        return true;
    }

    private static bool TryHex4(ReadOnlySpan<byte> raw, int at, out int value)
    {
        value = 0;
        if (at + 4 > raw.Length) return false;
        for (int k = 0; k < 4; k++)
        {
            int c = raw[at + k];
            int nibble = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (nibble < 0) return false;
            value = (value << 4) | nibble;
        }
        return true;
    }

    /// <summary>
    /// System.Text.Json throws when it unescapes a lone surrogate or copies invalid UTF-8; names with escapes are
    /// checked before they are compared or copied. Complete when the name can be read.
    /// </summary>
    internal static ExtractStatus CheckName(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped) return ExtractStatus.Complete;
        if (!JsonEscapes.AreValidUtf16(reader.ValueSpan)) return ExtractStatus.InvalidEscape;
        return System.Text.Unicode.Utf8.IsValid(reader.ValueSpan) ? ExtractStatus.Complete : ExtractStatus.InvalidUtf8;
    }
}
