namespace PcapWatch.Tools;

/// <summary>
/// SQL <c>LIKE</c> as ksqlDB applies it: <c>%</c> matches any run of characters, <c>_</c> exactly one, everything else
/// itself (case-sensitive). A null value never matches.
/// </summary>
public static class SqlLike
{
    public static bool IsMatch(string? value, string pattern)
    {
        if (value is null) return false;
        int v = 0, p = 0, starP = -1, starV = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '_' || (pattern[p] != '%' && pattern[p] == value[v])))
            {
                v++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '%')
            {
                starP = p++;
                starV = v;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                v = ++starV;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '%') p++;
        return p == pattern.Length;
    }
}
