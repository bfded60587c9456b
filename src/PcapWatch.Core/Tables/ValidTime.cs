using System.Globalization;

namespace PcapWatch.Tables;

/// <summary>
/// When a table change took effect: its row's <c>valid_from</c> when it has one (ISO-8601, or Unix epoch
/// seconds as a number or a string, fractions allowed), otherwise the Kafka record's timestamp.
/// </summary>
public static class ValidTime
{
    // ISO-8601 as people and databases write it: date, date and time (T or a space), seconds and fractions optional,
    // Z or an offset (none: UTC).
    private static readonly string[] IsoForms =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>
    /// When a change took effect: its row's <c>valid_from</c> (<paramref name="validFrom"/>) when it has one, else
    /// <paramref name="recordMs"/>; false (with the reason) when the field is there but neither form.
    /// </summary>
    public static bool TryResolve(string? validFrom, long recordMs, out long unixMs, out string? problem)
    {
        if (validFrom is null)
        {
            unixMs = recordMs;
            problem = null;
            return true;
        }
        return TryParse(validFrom, out unixMs, out problem);
    }

    /// <summary>
    /// Reads a <c>valid_from</c> as Unix milliseconds; false (with the reason) when it is neither form.
    /// </summary>
    public static bool TryParse(string text, out long unixMs, out string? problem)
    {
        unixMs = 0;
        problem = null;
        var trimmed = text.Trim();
        if (decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds <= 253_402_300_799m) // 9999-12-31T23:59:59Z, DateTimeOffset's limit
            {
                unixMs = (long)decimal.Floor(seconds * 1000m);
                return true;
            }
        }
        else if (DateTimeOffset.TryParseExact(trimmed, IsoForms, CultureInfo.InvariantCulture,
                     DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            unixMs = time.ToUnixTimeMilliseconds();
            return true;
        }
        problem = $"valid_from \"{(text.Length > 64 ? text[..64] + "…" : text)}\" is neither an ISO-8601 time nor Unix epoch seconds";
        return false;
    }
}
