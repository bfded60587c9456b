namespace PcapWatch.Tables;

/// <summary>
/// One row of the <c>employees</c> table. <see cref="ValidFrom"/> is the value's optional <c>valid_from</c> (when the
/// row took effect, for attribution at capture time), as written.
/// </summary>
public sealed record EmployeeRow(string Key, string? Name, string? WatchFlag, string? ValidFrom = null)
{
    /// <summary>
    /// The recipe's <c>WHERE E.WATCH_FLAG = 'YES'</c>, made forgiving: surrounding whitespace and case are ignored
    /// (<c>" yes "</c> is watched); anything else, missing included, is not.
    /// </summary>
    public bool IsWatched => WatchFlag is not null && IsWatchedFlag(WatchFlag);

    /// <summary>The rule of <see cref="IsWatched"/> for a flag's text.</summary>
    public static bool IsWatchedFlag(ReadOnlySpan<char> flag) => flag.Trim().Equals("YES", StringComparison.OrdinalIgnoreCase);

    /// <summary>The same rule over a stored flag's UTF-8 bytes, without building a string for it.</summary>
    public static bool IsWatchedFlag(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > 256) return IsWatchedFlag(System.Text.Encoding.UTF8.GetString(utf8));
        Span<char> chars = stackalloc char[256];
        return IsWatchedFlag(chars[..System.Text.Encoding.UTF8.GetChars(utf8, chars)]);
    }
}
